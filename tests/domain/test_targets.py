import pytest

from domain.targets import meets, parse_target


@pytest.mark.parametrize("text, comparator, lower, upper, note", [
    ("85%", ">=", 85, None, ""),
    ("Trên 85%", ">", 85, None, ""),
    ("30-50%", ">=", 30, 50, ""),
    ("100% (Chỉ tiêu mới)", ">=", 100, None, "Chỉ tiêu mới"),
    ("98", ">=", 98, None, ""),
    ("Trên 8,5%.", ">", 8.5, None, ""),
    ("trên 90%", ">", 90, None, ""),
    ("40% (Chỉ tiêu mới)", ">=", 40, None, "Chỉ tiêu mới"),
])
def test_parse_target(text, comparator, lower, upper, note):
    target = parse_target(text)
    assert (target.comparator, target.lower, target.upper, target.note) == (comparator, lower, upper, note)
    assert target.text == text


@pytest.mark.parametrize("text", ["-", "", None])
def test_no_target(text):
    assert parse_target(text) is None


def test_exact_comparison_at_the_edge():
    at_least_85 = parse_target("85%")
    more_than_85 = parse_target("Trên 85%")
    assert meets(at_least_85, 17, 20)          # 85,00% exactly
    assert not meets(more_than_85, 17, 20)
    assert not meets(at_least_85, 16999, 20000)  # 84,995% rounds to 85,00% but is below
    assert meets(parse_target("30-50%"), 3, 10)
