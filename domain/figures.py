"""Where each DTI criterion's figures come from, and the year-to-date scores of a month (marts.dti_scores).

A criterion's `measure` in domain/reference/rubric_rules.csv is a chain of sources separated by `|`, tried
left to right; the first that gives both a numerator and a denominator wins, and the basis names it:

- `exports`            the unit's figures from the exports (marts.unit_measures, year to date);
- `declared`           the DTI row's own Tử số and Mẫu số;
- `tuso/info:2`        the DTI row's Tử số over ThongTinChung item 2 (`info:6+7`: items 6 plus 7);
- `info:9/info:6`      ThongTinChung item 9 over item 6;
- `indicator:XHS-12`   the unit's own figures of that indicator (marts.indicator_attainment);
- `communes`           the sum of the communes' own figures for the same criterion (TPVT);
- `criterion:VI.5.6`   the figures of another criterion of the same unit (bonus rules);
- `answer`             no figures: the unit's Có/Không decides (full points or none).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from domain import scoring
from domain.scoring import Score
from domain.vnformat import vn_month


@dataclass(frozen=True)
class Figures:
    numerator: float
    denominator: float
    source: str  # Vietnamese, for the basis


def known(value) -> bool:
    return value is not None and value == value  # NaN is not a figure


def parse_answers(text) -> list[bool | None]:
    """The stored `Có;Không` of a DTI row → [True, False]; nothing answered → [None]."""
    if not known(text) or not str(text).strip():
        return [None]
    return [part.strip() == "Có" for part in str(text).split(";")]


class FigureBook:
    """The month's ThongTinChung items and indicator figures, by unit (snapshots: the latest of the year)."""

    def __init__(self, info: pd.DataFrame, indicators: pd.DataFrame):
        self._info = {(r.unit_code, int(r.item_no)): (r.value_number, r.report_month)
                      for r in info.itertuples(index=False)}
        self._indicators = {(r.unit_code, r.indicator_code): Figures(
            r.numerator, r.denominator, f"số liệu chỉ tiêu {r.indicator_code} {vn_month(r.report_month)}")
            for r in indicators.itertuples(index=False)}

    def info(self, unit_code: str, items: str) -> tuple[float, str] | None:
        """`6+7` → (item 6 + item 7, "Thông tin chung mục 6 + 7, tháng …"); None when any item is missing."""
        numbers = [int(i) for i in items.split("+")]
        found = [self._info.get((unit_code, n)) for n in numbers]
        if any(f is None or not known(f[0]) for f in found):
            return None
        month = max(f[1] for f in found)
        return float(sum(f[0] for f in found)), f"Thông tin chung mục {' + '.join(map(str, numbers))}, {vn_month(month)}"

    def indicator(self, unit_code: str, code: str) -> Figures | None:
        return self._indicators.get((unit_code, code))


def _side(row, token: str, book: FigureBook) -> tuple[float, str] | None:
    if token == "tuso":
        return (row.tuso, f"Tử số đơn vị kê khai {vn_month(row.tuso_month)}") if known(row.tuso) else None
    if token.startswith("info:"):
        return book.info(row.unit_code, token.split(":", 1)[1])
    raise ValueError(f"unknown figure {token}")


def _exports(row) -> Figures | None:
    if not known(row.export_numerator) or not known(row.export_denominator):
        return None
    if row.export_snapshot:
        when = f"theo số liệu {vn_month(row.export_last_month)}"
    elif row.export_first_month != row.export_last_month:
        when = f"kỳ {row.export_first_month}..{row.export_last_month}"
    else:
        when = f"kỳ {row.export_last_month}"
    return Figures(row.export_numerator, row.export_denominator, f"dữ liệu hệ thống, {when}")


def link(row, token: str, book: FigureBook, communes: dict) -> Figures | None:
    """One source of a measure chain, or None when it does not give both figures."""
    if token == "exports":
        return _exports(row)
    if token == "declared":
        if known(row.pair_numerator) and known(row.pair_denominator):
            return Figures(row.pair_numerator, row.pair_denominator,
                           f"đơn vị kê khai {vn_month(row.pair_month)}")
        return None
    if token.startswith("indicator:"):
        return book.indicator(row.unit_code, token.split(":", 1)[1])
    if token == "communes":
        found = communes.get(row.criterion_code, [])
        if not found:
            return None
        return Figures(sum(f.numerator for f in found), sum(f.denominator for f in found),
                       f"tổng số liệu của {len(found)} phường, xã")
    if "/" in token:
        top, bottom = (_side(row, t, book) for t in token.split("/"))
        if top is None or bottom is None:
            return None
        return Figures(top[0], bottom[0], f"{top[1]}; Mẫu số: {bottom[1]}")
    return None  # `answer` and `criterion:` give no figures of their own


def resolve(row, book: FigureBook, communes: dict) -> Figures | None:
    for token in row.measure.split("|"):
        if (figures := link(row, token, book, communes)) is not None:
            return figures
    return None


# -- one criterion -------------------------------------------------------------------------------------
def score_criterion(row, figures: Figures | None, referenced: Figures | None) -> Score:
    rule, max_points = row.rule, float(row.max_points)
    answers = parse_answers(row.answers)
    if rule in ("ratio", "steps"):
        if figures is None:
            if row.measure.endswith("|answer") and answers[0] is not None:
                return scoring.yes_no(max_points, answers[0])
            return Score(None, "Chưa có số liệu")
        rule_of = scoring.ratio if rule == "ratio" else scoring.steps
        result = rule_of(max_points, figures.numerator, figures.denominator, row.params)
        return Score(result.computed, f"{result.basis} ({figures.source})")
    if rule == "yesno":
        return scoring.yes_no(max_points, answers[0])
    if rule == "parts":
        return scoring.parts(max_points, row.params, answers, row.pair_numerator, row.pair_denominator)
    if rule == "reporting":
        return scoring.reporting(max_points, row.months_due, row.months_received, row.months_on_time)
    if rule == "bonus":
        source = row.measure.split(":", 1)[1]
        numerator, denominator = (referenced.numerator, referenced.denominator) if referenced else (None, None)
        return scoring.bonus(max_points, numerator, denominator, row.params, answers[0], source)
    if rule == "penalty":
        if row.measure == "indicators":
            return scoring.penalty_unmet_indicators(max_points, row.unmet_indicators, row.indicators_with_data,
                                                    bool(row.workbook_received))
        return scoring.yes_no(max_points, answers[0])  # Có means the shortfall happened: the (negative) points apply
    if rule == "declared":
        return Score(None, "Chỉ chấm theo điểm tự đánh giá")
    raise ValueError(f"unknown rule {rule}")


def score_frame(inputs: pd.DataFrame, book: FigureBook) -> pd.DataFrame:
    """marts.dti_scores rows (without report_month) from the rows of sql/dti_inputs.sql."""
    inputs = inputs.astype(object).where(inputs.notna(), None)
    rows = list(inputs.itertuples(index=False))
    resolved: dict[tuple[str, str], Figures | None] = {}
    communes: dict[str, list[Figures]] = {}
    for row in rows:  # the communes first: TPVT's `communes` measures sum theirs
        if row.rubric == "commune":
            resolved[(row.unit_code, row.criterion_code)] = figures = resolve(row, book, {})
            if figures is not None:
                communes.setdefault(row.criterion_code, []).append(figures)
    for row in rows:
        if row.rubric != "commune":
            resolved[(row.unit_code, row.criterion_code)] = resolve(row, book, communes)
    scores, scored = [], []
    for row in rows:
        target = row.measure.split(":", 1)[1] if row.measure.startswith("criterion:") else None
        own = resolved[(row.unit_code, row.criterion_code)]
        referenced = resolved.get((row.unit_code, target)) if target else None
        scores.append(score_criterion(row, own, referenced))
        scored.append((referenced if target else own) if row.rule in ("ratio", "steps", "bonus") else None)
    out = inputs[["unit_code", "rubric", "criterion_code", "group_code", "max_points", "self_score"]].copy()
    out["computed_score"] = [s.computed for s in scores]
    out["basis"] = [s.basis for s in scores]
    # the figures a ratio, steps or bonus rule scored: what marts.dti_headroom counts records against
    out["numerator"] = [f.numerator if f else None for f in scored]
    out["denominator"] = [f.denominator if f else None for f in scored]
    # SPEC §4: the computed score when known, else what the unit declared
    out["final_score"] = [s.computed if s.computed is not None else self_score
                          for s, self_score in zip(scores, inputs["self_score"])]
    for column in ("max_points", "self_score", "computed_score", "final_score", "numerator", "denominator"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    return out
