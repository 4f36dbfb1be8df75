import pytest

from domain.targets import parse_target


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
