"""How to gain points (marts.dti_headroom, SPEC §4): for each criterion below full points, the next band and what
the data must reach for it.

For a ratio rule the next band is full points (from `full_at`, 100% by default); for a steps rule the lowest
band above the current score; for a bonus the ratio above its threshold. Where the rule scored a numerator
over a denominator, `needed_count` is the least whole number of records that, added to the numerator with the
denominator unchanged, reach that band under the exact comparison of SPEC §7 (`scoring.meets_band`); one fewer
does not. Answers, parts, reporting and declared-only criteria say in words what would raise them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from types import SimpleNamespace

import pandas as pd

from domain import scoring
from domain.figures import known, parse_answers
from domain.vnformat import points, vn_number, vn_pct


@dataclass(frozen=True)
class Band:
    threshold_pct: float
    strict: bool          # "more than" rather than "at least"
    score: float


@dataclass(frozen=True)
class Headroom:
    current_score: float
    next_score: float
    needed: str
    needed_count: int | None = None

    @property
    def gain(self) -> float:
        return self.next_score - self.current_score


def next_band(rule: str, params: str, max_points: float, current: float) -> Band | None:
    """The band above `current` that the rule's ratio can reach."""
    opts = scoring.rule_options(params)
    if rule == "ratio":
        return Band(float(opts.get("full_at", 100)), False, max_points)
    if rule == "bonus":
        return Band(float(params.lstrip(">")), True, max_points)
    if rule == "steps":
        for threshold, strict, fraction in sorted(scoring.step_bands(params)):
            score = float(Fraction(str(max_points)) * Fraction(str(fraction)))
            if score > current:
                return Band(threshold, strict, score)
    return None


def records_needed(numerator: float, denominator: float, band: Band) -> int:
    """The least k ≥ 0 with (numerator + k) / denominator reaching the band, exactly (SPEC §7)."""
    bound = Fraction(str(band.threshold_pct)) * Fraction(str(denominator)) / 100 - Fraction(str(numerator))
    k = math.floor(bound) + 1 if band.strict else math.ceil(bound)
    return max(k, 0)


def _what(name: str) -> str:
    """"Tỷ lệ hồ sơ TTHC trực tuyến." → "hồ sơ TTHC trực tuyến": what the numerator counts."""
    text = " ".join(str(name or "").split()).rstrip(".;: ")
    if not text.lower().startswith("tỷ lệ "):
        return "bản ghi ở tử số"
    text = text[len("tỷ lệ "):]
    return text[:1].lower() + text[1:] if text[1:2].islower() else text  # "CBCC" stays as written


def _ratio_headroom(row, band: Band, current: float, may_exceed: bool) -> Headroom:
    sign = ">" if band.strict else "≥"
    gain = points(band.score - current)
    if not (known(row.numerator) and known(row.denominator)) or row.denominator == 0:
        return Headroom(current, band.score, f"cần số liệu để tính tỷ lệ; đạt {sign} {vn_number(band.threshold_pct)}% "
                                             f"= +{gain}")
    k = records_needed(row.numerator, row.denominator, band)
    shown = f"{vn_pct(row.numerator, row.denominator)} → {sign} {vn_number(band.threshold_pct)}%"
    if row.numerator + k > row.denominator and not may_exceed:
        return Headroom(current, band.score, f"không đạt được khi mẫu số không đổi ({shown}) = +{gain}")
    return Headroom(current, band.score, f"thêm {vn_number(k)} {_what(row.name)}: {shown} = +{gain}", k)


def headroom(row) -> Headroom | None:
    """`row`: a marts.dti_scores row with its rule, params, answers and criterion name. None at full points."""
    max_points, final = float(row.max_points), row.final_score
    current = float(final) if known(final) else 0.0
    if max_points <= 0:  # a penalty: full points are no deduction
        if current >= 0:
            return None
        return Headroom(current, 0.0, f"khắc phục để không bị trừ điểm: {row.basis} = +{points(-current)}")
    if current >= max_points:
        return None
    band = next_band(row.rule, row.params, max_points, current) if row.rule in ("ratio", "steps", "bonus") else None
    if band is not None:
        may_exceed = scoring.rule_options(row.params).get("numerator_may_exceed") == "yes"
        return _ratio_headroom(row, band, current, may_exceed)
    gain = f"+{points(max_points - current)}"
    if row.rule == "parts":
        answers = parse_answers(row.answers)
        spec = scoring.parse_parts(row.params)
        answers = answers * len(spec) if len(answers) == 1 else answers
        missing = [label for (label, _, _), answer in zip(spec, answers) if not answer]
        return Headroom(current, max_points, f"đạt và trả lời Có các phần: {'; '.join(missing or [s[0] for s in spec])}"
                                             f" = {gain}")
    if row.rule == "reporting":
        return Headroom(current, max_points, f"nộp đủ, đúng hạn (trước ngày 12) sổ số liệu mọi kỳ = {gain}")
    if row.rule == "declared":
        return Headroom(current, max_points, f"chấm theo điểm tự đánh giá: thực hiện đủ yêu cầu, kèm tài liệu kiểm "
                                             f"chứng = {gain}")
    return Headroom(current, max_points, f"đáp ứng yêu cầu, trả lời Có kèm tài liệu kiểm chứng = {gain}")


HEADROOM_COLUMNS = ["unit_code", "rubric", "criterion_code", "max_points", "current_score", "next_score", "gain",
                    "needed", "needed_count", "numerator", "denominator"]


def headroom_frame(scores, rules, names: dict[tuple[str, str], str]):
    """marts.dti_headroom rows (without report_month): `scores` as marts.dti_scores, `rules` the rows of
    sql/dti_inputs.sql (rule, params, answers per unit × criterion), `names` (rubric, criterion) → name."""
    merged = scores.merge(rules[["unit_code", "criterion_code", "rule", "params", "answers"]],
                          on=["unit_code", "criterion_code"], how="left")
    merged = merged.astype(object).where(merged.notna(), None)
    out = []
    for values in merged.to_dict("records"):
        row = SimpleNamespace(**{**values, "params": values["params"] or ""},
                              name=names.get((values["rubric"], values["criterion_code"]), ""))
        found = headroom(row)
        if found is not None:
            out.append({**{c: values[c] for c in ("unit_code", "rubric", "criterion_code", "max_points",
                                                  "numerator", "denominator")},
                        "current_score": found.current_score, "next_score": found.next_score, "gain": found.gain,
                        "needed": found.needed, "needed_count": found.needed_count})
    frame = pd.DataFrame(out, columns=HEADROOM_COLUMNS)
    return frame.astype({"needed_count": "Int64", "max_points": "float64", "current_score": "float64",
                         "next_score": "float64", "gain": "float64", "numerator": "float64",
                         "denominator": "float64"})
