"""Each rule type of the DTI engine on hand-worked cases, threshold edges included."""
import pytest

from domain.scoring import bonus, parts, penalty_unmet_indicators, ratio, reporting, steps, yes_no
from domain.vnformat import vn_number, vn_pct


def test_vietnamese_formatting():
    assert vn_number(23391) == "23.391" and vn_number(0.98) == "0,98" and vn_number(1234.5) == "1.234,5"
    assert vn_pct(23391, 23802) == "98,27%"


def test_ratio_times_max():
    assert ratio(2, 4237, 4310).computed == pytest.approx(2 * 4237 / 4310)
    assert ratio(2, 4237, 4310).basis == "4.237/4.310 = 98,31% → 98,31% × 2 = 1,966 điểm"
    assert ratio(1, 10, 10).computed == 1
    assert ratio(1, 12, 10).computed == 1          # above 100% never gives more than the maximum


def test_ratio_with_a_full_points_threshold():
    assert ratio(2, 85, 100, "full_at=85").computed == 2              # exactly 85% → full
    assert ratio(2, 84, 100, "full_at=85").computed == pytest.approx(1.68)  # 84% → 0,84 × max
    assert ratio(2, 8499, 10000, "full_at=85").computed == pytest.approx(2 * 0.8499)


def test_ratio_scaled_to_its_threshold_for_the_budget_share():
    assert ratio(1, 5, 1000, "full_at=1;scale=threshold").computed == pytest.approx(0.5)  # 0,5% of 1% → 0,5
    assert ratio(1, 10, 1000, "full_at=1;scale=threshold").computed == 1                 # exactly 1%


def test_steps_at_their_edges():
    rule = "85:1;70:0.5"
    assert steps(1, 85, 100, rule).computed == 1
    assert steps(1, 8499, 10000, rule).computed == 0.5     # 84,99%: rounding would say 85%
    assert steps(1, 70, 100, rule).computed == 0.5
    assert steps(1, 6999, 10000, rule).computed == 0
    assert steps(1, 17, 20, rule).basis == "17/20 = 85% ≥ 85% → điểm tối đa (1 điểm)"
    assert steps(0.5, 95, 100, "100:1;95:0.5").computed == 0.25
    assert steps(1, 99999, 100000, "100:1").computed == 0   # commune VI.3.4: full points only at 100%


def test_no_data():
    assert ratio(1, 0, 0).computed is None and ratio(1, 0, 0).basis == "Không phát sinh (0/0)"
    assert steps(1, None, None, "85:1").computed is None


def test_yes_no_and_parts():
    assert yes_no(1, True).computed == 1 and yes_no(1, False).computed == 0 and yes_no(1, None).computed is None


HALVES = "Trưởng BCĐ:0.5|thành viên:0.5"


def test_parts_are_scored_part_by_part():
    assert parts(1, HALVES, [True, False]).computed == 0.5     # Có; Không: the first half only
    assert parts(1, HALVES, [False, True]).computed == 0.5
    assert parts(1, HALVES, [True]).computed == 1              # a single Có answers every part
    assert parts(1, HALVES, [False]).computed == 0
    assert parts(1, HALVES, [None]).computed is None           # not answered: the self score stands
    assert parts(1, HALVES, [True, True, True]).computed is None
    assert parts(1, HALVES, [True, False]).basis == "Trưởng BCĐ: có (0,5); thành viên: không (0) → 0,5 điểm"


def test_a_ratio_part_uses_its_figures_else_its_answer():
    rule = "Quyết định:0.125|đôn đốc:0.125|giải pháp:0.75:ratio"   # VI.5.7: 1 + 1 + ratio × 6 of 8
    assert parts(8, rule, [True, False, True], 3, 4).computed == 1 + 4.5   # 1 + 0 + 3/4 × 6
    assert parts(8, rule, [True, True, False]).computed == 2               # no figures: the part's Không
    assert parts(8, rule, [True], 5, 4).computed == 8                      # a ratio above 100% gives its part
    assert parts(2, "ban hành:0.5|hoàn thành:0.5:ratio", [True, None], 1, 3).computed == pytest.approx(1 + 1 / 3)


def test_reporting():
    assert reporting(2, 3, 3, 3).computed == 2            # complete and on time
    assert reporting(2, 3, 3, 2).computed == 1            # complete but one late: 50%
    assert reporting(2, 3, 2, 2).computed == pytest.approx(4 / 3)  # a month missing: 2/3 × max
    assert reporting(2, 0, 0, 0).computed is None


def test_bonus_is_more_than_its_threshold():
    assert bonus(1, 51, 100, ">50", None, "VI.5.6").computed == 1
    assert bonus(1, 50, 100, ">50", None, "VI.5.6").computed == 0   # exactly 50% is not "trên 50%"
    assert bonus(1, None, None, ">50", True, "VI.5.6").computed == 1
    assert bonus(1, None, None, ">50", None, "VI.5.6").computed is None


def test_penalties():
    hit = penalty_unmet_indicators(-1, "CQS-03, CQS-06", 12)
    assert hit.computed == -1 and "CQS-03, CQS-06" in hit.basis
    assert penalty_unmet_indicators(-1, None, 12).computed == 0
    assert penalty_unmet_indicators(-1, None, 0).computed is None
    assert yes_no(-1, True).computed == -1 and yes_no(-1, False).computed == 0  # IX.2.2 answered Có
