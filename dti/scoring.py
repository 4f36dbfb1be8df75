"""The DTI score engine: each rubric rule of dti/reference/rubric_rules.csv, evaluated on its inputs.

A rule gets a criterion's maximum, its parameters and the figures it needs, and
returns the computed score (None where the data cannot decide) and a basis a
city official can check by hand. Comparisons are exact (SPEC §7).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pandas as pd


@dataclass(frozen=True)
class Score:
    computed: float | None
    basis: str


# -- Vietnamese number formatting for the basis --------------------------------------------------------
def vn_number(value: float, decimals: int = 2) -> str:
    """23391 → "23.391", 0.98 → "0,98" (round only where people read it)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_pct(numerator: float, denominator: float) -> str:
    return vn_number(float(Fraction(str(numerator)) * 100 / Fraction(str(denominator))), 2) + "%"


def _points(value: float) -> str:
    return f"{vn_number(value, 3)} điểm"


def _at_least(numerator: float, denominator: float, threshold_pct: float, strict: bool = False) -> bool:
    left = Fraction(str(numerator)) * 100
    right = Fraction(str(threshold_pct)) * Fraction(str(denominator))
    return left > right if strict else left >= right


def _fraction(numerator: float, denominator: float) -> Fraction:
    return Fraction(str(numerator)) / Fraction(str(denominator))


def _missing(numerator, denominator) -> Score | None:
    if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator):
        return Score(None, "Chưa có số liệu")
    if denominator == 0:
        return Score(None, "Không phát sinh (0/0)")
    return None


def _params(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in (text or "").split(";") if "=" in part)


# -- the rules -----------------------------------------------------------------------------------------
def ratio(max_points: float, numerator, denominator, params: str = "") -> Score:
    """Tỷ lệ nhân điểm tối đa; `full_at=P` gives full points from P%; `scale=threshold` takes the
    ratio to the threshold instead (VI.7.1: 0,5% of a 1% threshold gives 0,5 × max)."""
    if (missing := _missing(numerator, denominator)) is not None:
        return missing
    opts = _params(params)
    full_at = float(opts.get("full_at", 100))
    shown = f"{vn_number(numerator)}/{vn_number(denominator)} = {vn_pct(numerator, denominator)}"
    if _at_least(numerator, denominator, full_at):
        return Score(max_points, f"{shown} ≥ {vn_number(full_at)}% → điểm tối đa ({_points(max_points)})")
    share = _fraction(numerator, denominator)
    if opts.get("scale") == "threshold":
        share = share * 100 / Fraction(str(full_at))
        score = float(min(Fraction(1), share) * Fraction(str(max_points)))
        return Score(score, f"{shown} < {vn_number(full_at)}% → {vn_number(float(share), 4)} × "
                            f"{vn_number(max_points)} = {_points(score)}")
    score = float(min(Fraction(1), share) * Fraction(str(max_points)))
    return Score(score, f"{shown} → {vn_pct(numerator, denominator)} × {vn_number(max_points)} = {_points(score)}")


def steps(max_points: float, numerator, denominator, params: str) -> Score:
    """`85:1;70:0.5`: from 85% full points, from 70% half, below 0; `>50:1` means more than 50%."""
    if (missing := _missing(numerator, denominator)) is not None:
        return missing
    shown = f"{vn_number(numerator)}/{vn_number(denominator)} = {vn_pct(numerator, denominator)}"
    bands = []
    for part in params.split(";"):
        threshold, fraction = part.split(":")
        strict = threshold.startswith(">")
        bands.append((float(threshold.lstrip(">")), strict, float(fraction)))
    for threshold, strict, fraction in sorted(bands, key=lambda b: -b[0]):
        if _at_least(numerator, denominator, threshold, strict):
            score = max_points * fraction
            sign = ">" if strict else "≥"
            level = "điểm tối đa" if fraction == 1 else f"{vn_number(fraction * 100)}% điểm"
            return Score(score, f"{shown} {sign} {vn_number(threshold)}% → {level} ({_points(score)})")
    lowest = min(b[0] for b in bands)
    return Score(0.0, f"{shown} < {vn_number(lowest)}% → 0 điểm")


def yes_no(max_points: float, answer, yes: str = "Có") -> Score:
    if answer is None or pd.isna(answer):
        return Score(None, "Chưa trả lời Có/Không")
    if bool(answer):
        return Score(max_points, f"Trả lời: {yes} → {_points(max_points)}")
    return Score(0.0, "Trả lời: Không → 0 điểm")


def parts(max_points: float, answer) -> Score:
    """All parts met (Có) or none (Không); a partial score is only what the unit self-scores."""
    return yes_no(max_points, answer, yes="Có (đủ các phần)")


def reporting(max_points: float, months_due, months_received, months_on_time) -> Score:
    """II.7 from marts.submission_status: all on time → max; all received, some late → 50%;
    a month missing → received/due × max."""
    if months_due is None or pd.isna(months_due) or months_due == 0:
        return Score(None, "Chưa có kỳ báo cáo nào")
    due, received, on_time = int(months_due), int(months_received), int(months_on_time)
    shown = f"Đã nộp {received}/{due} kỳ, đúng hạn {on_time}/{due}"
    if on_time == due:
        return Score(max_points, f"{shown} → điểm tối đa ({_points(max_points)})")
    if received == due:
        return Score(max_points / 2, f"{shown} → đầy đủ nhưng chưa kịp thời: 50% điểm ({_points(max_points / 2)})")
    score = float(Fraction(received, due) * Fraction(str(max_points)))
    return Score(score, f"{shown} → {received}/{due} × {vn_number(max_points)} = {_points(score)}")


def bonus(max_points: float, numerator, denominator, params: str, answer, source: str) -> Score:
    """+max when the referenced ratio is above the threshold; without data, the unit's Có/Không."""
    threshold = float(params.lstrip(">"))
    if _missing(numerator, denominator) is None:
        shown = f"{source}: {vn_number(numerator)}/{vn_number(denominator)} = {vn_pct(numerator, denominator)}"
        if _at_least(numerator, denominator, threshold, strict=True):
            return Score(max_points, f"{shown} > {vn_number(threshold)}% → +{_points(max_points)}")
        return Score(0.0, f"{shown} ≤ {vn_number(threshold)}% → 0 điểm")
    if answer is None or pd.isna(answer):
        return Score(None, f"Chưa có số liệu {source}")
    return Score(max_points if answer else 0.0, f"Trả lời: {'Có' if answer else 'Không'}")


def penalty_unmet_indicators(max_points: float, unmet: str | None, with_data: int) -> Score:
    if not with_data:
        return Score(None, "Không có chỉ tiêu nào có số liệu trong kỳ")
    if unmet:
        return Score(max_points, f"Chỉ tiêu chưa đạt trong kỳ: {unmet} → {_points(max_points)}")
    return Score(0.0, f"Cả {with_data} chỉ tiêu có số liệu đều đạt → 0 điểm")


# -- one criterion -------------------------------------------------------------------------------------
def ratio_inputs(row) -> tuple[object, object, str]:
    """(numerator, denominator, where they come from) as the criterion's `measure` says."""
    measure = row.measure
    if measure == "exports":
        months = (f"{row.measure_first_month}..{row.measure_last_month}"
                  if row.measure_first_month != row.measure_last_month else f"{row.measure_last_month}")
        return row.measure_numerator, row.measure_denominator, f"dữ liệu hệ thống, kỳ {months}"
    if measure == "declared":
        return row.declared_numerator, row.declared_denominator, f"đơn vị kê khai kỳ {row.answer_month}"
    if measure.startswith("general_info:"):  # workstations (item 9) / staff (item 6, plus 7 for a district)
        staff = _sum(row.staff, row.employees) if measure.endswith("6+7") else row.staff
        return row.workstations, staff, f"Thông tin chung kỳ {row.info_month}"
    raise ValueError(f"unknown measure {measure}")


def _sum(*values):
    known = [v for v in values if v is not None and not pd.isna(v)]
    return sum(known) if known else None


def score_criterion(row) -> Score:
    rule, max_points = row.rule, float(row.max_points)
    if rule in ("ratio", "steps"):
        numerator, denominator, source = ratio_inputs(row)
        result = (ratio(max_points, numerator, denominator, row.params) if rule == "ratio"
                  else steps(max_points, numerator, denominator, row.params))
        if result.computed is not None:
            return Score(result.computed, f"{result.basis} ({source})")
        return result
    if rule == "yesno":
        return yes_no(max_points, row.answer)
    if rule == "parts":
        return parts(max_points, row.answer)
    if rule == "reporting":
        return reporting(max_points, row.months_due, row.months_received, row.months_on_time)
    if rule == "bonus":
        if row.measure.startswith("exports:"):
            numerator, denominator = row.ref_measure_numerator, row.ref_measure_denominator
        else:
            numerator, denominator = row.ref_declared_numerator, row.ref_declared_denominator
        return bonus(max_points, numerator, denominator, row.params, row.answer, row.measure.split(":")[1])
    if rule == "penalty":
        if row.measure == "indicators":
            return penalty_unmet_indicators(max_points, row.unmet_indicators, row.indicators_with_data)
        return yes_no(max_points, row.answer)  # Có means the shortfall happened: the (negative) points apply
    if rule == "declared":
        return Score(None, "Chỉ chấm theo điểm tự đánh giá")
    raise ValueError(f"unknown rule {rule}")


def score_frame(inputs: pd.DataFrame) -> pd.DataFrame:
    """marts.dti_scores rows (without report_month) from the rows of sql/dti_inputs.sql."""
    inputs = inputs.astype(object).where(inputs.notna(), None)
    scores = [score_criterion(row) for row in inputs.itertuples(index=False)]
    out = inputs[["unit_code", "rubric", "criterion_code", "group_code", "max_points", "self_score"]].copy()
    out["computed_score"] = [s.computed for s in scores]
    out["basis"] = [s.basis for s in scores]
    out["final_score"] = [c if c is not None else s for c, s in zip(out["computed_score"], out["self_score"])]
    for column in ("max_points", "self_score", "computed_score", "final_score"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    return out
