"""Types and checks of a returned appraisal workbook's rows (SPEC §6): a known criterion of the commune rubric,
a score within 0…max of that criterion (max…0 for a penalty), one row per criterion."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from domain.failures import FailureLog
from domain.vnparse import Number, is_blank, parse_number
from sources.appraisal import DISPLAY, SHEET


class AppraisalRows(pa.DataFrameModel):
    row_number: int = pa.Field(ge=1)
    criterion_code: str
    appraised_score: float
    comment: str = pa.Field(nullable=True)


def score_range(max_points: float) -> tuple[float, float]:
    """The scores an appraiser may give: 0…max, or max…0 for a penalty (group IX, a negative max)."""
    return (min(0.0, max_points), max(0.0, max_points))


def _score(raw) -> float | None:
    if isinstance(raw, Number):
        return raw.value
    return parse_number(raw).value


def appraisal_frame(rows: list[tuple[int, dict]], log: FailureLog, max_points: dict[str, float]) -> pd.DataFrame:
    """The rows that pass, typed; every other row is one failure in `log` (sheet, row, column, value)."""
    out, seen = [], set()
    for number, values in rows:
        code = str(values.get("criterion_code") or "").strip()
        raw, comment = values.get("appraised_score"), values.get("comment")
        if code not in max_points:
            log.add("criterion_unknown", sheet=SHEET, row=number, column=DISPLAY["criterion_code"], value=code,
                    expected="phường, xã")
            continue
        if code in seen:
            log.add("criterion_repeated", sheet=SHEET, row=number, column=DISPLAY["criterion_code"], value=code)
            continue
        seen.add(code)
        if is_blank(raw):
            log.add("appraisal_score_missing", sheet=SHEET, row=number, column=DISPLAY["appraised_score"])
            continue
        try:
            score = _score(raw)
        except ValueError:
            log.add("not_a_number", sheet=SHEET, row=number, column=DISPLAY["appraised_score"], value=raw)
            continue
        low, high = score_range(max_points[code])
        if not low <= score <= high:
            log.add("appraisal_out_of_range", sheet=SHEET, row=number, column=DISPLAY["appraised_score"],
                    value=raw, expected=f"{low:g}…{high:g}".replace(".", ","))
            continue
        out.append({"row_number": number, "criterion_code": code, "appraised_score": score,
                    "comment": None if is_blank(comment) else str(comment).strip()})
    frame = pd.DataFrame(out, columns=["row_number", "criterion_code", "appraised_score", "comment"])
    return AppraisalRows.validate(frame.astype({"row_number": "int64", "appraised_score": "float64"}))
