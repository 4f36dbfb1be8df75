"""How to gain points (domain/headroom.py) on hand-worked band edges: exactly at a threshold, one record short,
strict bands, a band out of reach with the denominator unchanged, and the rules that count no records."""
from types import SimpleNamespace

import pytest

from domain.headroom import Band, headroom, next_band, records_needed


def row(rule, params="", max_points=1.0, final=None, numerator=None, denominator=None, answers=None,
        name="Tỷ lệ hồ sơ giải quyết trực tuyến", basis=""):
    return SimpleNamespace(rule=rule, params=params, max_points=max_points, final_score=final, numerator=numerator,
                           denominator=denominator, answers=answers, name=name, basis=basis)


@pytest.mark.parametrize("numerator, denominator, band, expected", [
    (93, 100, Band(95, False, 1), 2),          # 95/100 is exactly 95%: at least 95% is met
    (94, 100, Band(95, False, 1), 1),
    (95, 100, Band(95, False, 1), 0),          # already there
    (50, 100, Band(50, True, 1), 1),           # more than 50%: 50 is not enough, 51 is
    (49, 100, Band(50, True, 1), 2),
    (16998, 20000, Band(85, False, 1), 2),     # 17000/20000 = 85% exactly; 16999 shows 85,00% and is below
    (1, 3, Band(70, False, 0.5), 2),           # 3/3: 2/3 = 66,67% < 70%
])
def test_records_needed_is_the_least_that_reaches_the_band(numerator, denominator, band, expected):
    assert records_needed(numerator, denominator, band) == expected


def test_the_next_band_of_each_rule():
    assert next_band("ratio", "", 2, 1.2) == Band(100, False, 2)
    assert next_band("ratio", "full_at=95", 1, 0.5) == Band(95, False, 1)
    assert next_band("steps", "85:1;70:0.5", 1, 0) == Band(70, False, 0.5)     # the lowest band first
    assert next_band("steps", "85:1;70:0.5", 1, 0.5) == Band(85, False, 1)
    assert next_band("bonus", ">50", 1, 0) == Band(50, True, 1)


def test_a_steps_criterion_one_record_short_and_exactly_at_its_threshold():
    short = headroom(row("steps", "85:1;70:0.5", final=0.0, numerator=69, denominator=100))
    assert (short.next_score, short.needed_count, short.gain) == (0.5, 1, 0.5)
    assert short.needed == "thêm 1 hồ sơ giải quyết trực tuyến: 69% → ≥ 70% = +0,5 điểm"
    at_edge = headroom(row("steps", "85:1;70:0.5", final=0.5, numerator=70, denominator=100))
    assert (at_edge.next_score, at_edge.needed_count) == (1.0, 15)
    assert headroom(row("steps", "85:1;70:0.5", final=1.0, numerator=85, denominator=100)) is None


def test_a_band_out_of_reach_with_the_denominator_unchanged_has_no_count():
    found = headroom(row("bonus", ">100", final=0.0, numerator=5, denominator=5))
    assert found.needed_count is None and found.needed.startswith("không đạt được khi mẫu số không đổi")
    exceeds = headroom(row("steps", "100:1;numerator_may_exceed=yes", final=0.0, numerator=3, denominator=5))
    assert exceeds.needed_count == 2  # news items over the count are valid (VI.6.6)


def test_rules_that_count_no_records_say_what_would_raise_them():
    parts = headroom(row("parts", "Kế hoạch:0.5|Báo cáo:0.5", final=0.5, answers="Có;Không"))
    assert (parts.next_score, parts.needed_count) == (1.0, None) and "Báo cáo" in parts.needed
    assert "Kế hoạch" not in parts.needed
    unanswered = headroom(row("yesno", final=None))
    assert (unanswered.current_score, unanswered.next_score) == (0.0, 1.0)
    penalty = headroom(row("penalty", max_points=-1, final=-1.0, basis="Chỉ tiêu chưa đạt: CQS-01 → -1 điểm"))
    assert (penalty.current_score, penalty.next_score, penalty.gain) == (-1.0, 0.0, 1.0)
    assert headroom(row("penalty", max_points=-1, final=0.0)) is None
    no_figures = headroom(row("ratio", final=0.5))
    assert no_figures.needed_count is None and no_figures.needed.startswith("cần số liệu")
