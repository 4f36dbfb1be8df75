"""Types and checks of the unit workbook's three sheets (SPEC §3.6)."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from domain.failures import FailureLog
from domain.scoring import parse_parts
from domain.vnparse import Number, is_blank, is_no_data_text, parse_bool, parse_number
from schemas.validation import non_negative, validate
from sources.unit_workbook import DISPLAY, SHEET_DTI, SHEET_GENERAL, SHEET_INDICATORS

GENERAL_ITEMS = range(1, 19)  # items 1-17 of seed 004, plus 18 = number of leaders
TEXT_ITEMS = {1, 16, 17}      # name, contact person, phone: text, not figures


def is_in(allowed, name: str) -> pa.Check:
    allowed = set(allowed)
    return pa.Check(lambda s: s.isin(allowed), name=name)


def first_occurrence(name: str) -> pa.Check:
    """Unique, keeping the first: later repeats fail, the first one stays (as SPEC §3.1 does for dossiers)."""
    return pa.Check(lambda s: ~s.duplicated(keep="first"), name=name)


def fraction_columns() -> dict[str, pa.Column]:
    """Tử số and Mẫu số: non-negative when given."""
    return {"numerator": pa.Column(float, non_negative(), nullable=True),
            "denominator": pa.Column(float, non_negative(), nullable=True)}


def numerator_within_denominator(may_exceed: str | None = None) -> pa.Check:
    """Tử số ≤ Mẫu số, except on rows whose `may_exceed` column is true (a criterion such as VI.6.6,
    news items over 5 a month, where more than the denominator is valid)."""
    if may_exceed is None:
        return pa.Check(lambda f: ~(f["numerator"] > f["denominator"]), name="numerator_gt_denominator")
    return pa.Check(lambda f: ~(f["numerator"] > f["denominator"]) | f[may_exceed],
                    name="numerator_gt_denominator")


def parsed_rows(out: list[dict], columns: list[str], log: FailureLog, sheet: str, floats: list[str]) -> pd.DataFrame:
    """The rows whose cells all parsed, as a typed frame (a row with a bad cell is already logged)."""
    frame = pd.DataFrame(out, columns=columns)
    frame = frame[~frame["row_number"].isin(log.rows_with_failures(sheet))]
    return frame.astype({c: "float64" for c in floats})


def _number(raw, log: FailureLog, sheet: str, row: int, column: str, grouped: bool) -> tuple[float | None, bool]:
    """(value, is_no_data); a value that is neither a number nor a no-data phrase is logged."""
    if is_blank(raw):
        return None, False
    if isinstance(raw, Number):
        return raw.value, False
    if is_no_data_text(raw):
        return None, True
    try:
        return parse_number(raw, grouped=grouped).value, False
    except ValueError:
        log.add("not_a_number", sheet=sheet, row=row, column=DISPLAY[sheet][column], value=raw)
        return None, False


def general_info_frame(rows, log: FailureLog) -> pd.DataFrame:
    sheet = SHEET_GENERAL
    out = []
    for row, values in rows:
        try:
            item_no = int(parse_number(values["item_no"]).value)
        except (ValueError, TypeError):
            log.add("item_unknown", sheet=sheet, row=row, column="STT", value=values["item_no"])
            continue
        raw = values.get("value")
        text = None if is_blank(raw) else (str(raw.value) if isinstance(raw, Number) else str(raw))
        number = None
        if item_no not in TEXT_ITEMS:
            number, _ = _number(raw, log, sheet, row, "value", grouped=True)
        out.append({"row_number": row, "item_no": item_no, "label": values.get("label"), "value_text": text,
                    "value_number": number})
    frame = pd.DataFrame(out, columns=["row_number", "item_no", "label", "value_text", "value_number"])
    frame = frame[~frame["row_number"].isin(log.rows_with_failures(sheet))]
    schema = pa.DataFrameSchema({
        "item_no": pa.Column(int, [is_in(GENERAL_ITEMS, "item_unknown"), first_occurrence("item_duplicate")]),
        "value_number": pa.Column(float, non_negative(), nullable=True),
    }, name=sheet)
    return validate(frame.astype({"value_number": "float64"}), schema, log, sheet,
                    {"item_no": "STT", "value_number": DISPLAY[sheet]["value"]})


def indicator_frame(rows, log: FailureLog, catalogue_codes: set[str], catalogue_year: int) -> pd.DataFrame:
    sheet = SHEET_INDICATORS
    out = []
    for row, values in rows:
        numerator, nd1 = _number(values.get("numerator"), log, sheet, row, "numerator", grouped=True)
        denominator, nd2 = _number(values.get("denominator"), log, sheet, row, "denominator", grouped=True)
        value_pct, nd3 = _number(values.get("value_pct"), log, sheet, row, "value_pct", grouped=False)
        note = values.get("note")
        out.append({"row_number": row, "indicator_code": str(values.get("indicator_code") or "").strip().upper(),
                    "numerator": numerator, "denominator": denominator, "value_pct": value_pct,
                    "no_data": nd1 or nd2 or nd3,
                    "note": None if is_blank(note) else str(note)})
    frame = parsed_rows(out, ["row_number", "indicator_code", "numerator", "denominator", "value_pct", "no_data",
                              "note"], log, sheet, floats=["numerator", "denominator", "value_pct"])
    schema = pa.DataFrameSchema({
        "indicator_code": pa.Column(str, [is_in(catalogue_codes, "indicator_unknown"),
                                          first_occurrence("indicator_duplicate")]),
        **fraction_columns(),
        "value_pct": pa.Column(float, non_negative(), nullable=True),
    }, checks=[numerator_within_denominator()], name=sheet)
    return validate(frame, schema, log, sheet, DISPLAY[sheet], blame={"numerator_gt_denominator": "numerator"},
                    expected={"indicator_unknown": catalogue_year,
                              "numerator_gt_denominator": lambda r: _int_if_whole(r["denominator"])})


def part_answers(raw: object) -> list[bool] | None:
    """`Có; Không` → [True, False] (SPEC §7 Parts), `Có` → [True], blank → None; raises on anything else."""
    if is_blank(raw):
        return None
    if not isinstance(raw, str):
        return [parse_bool(raw)]
    answers = [parse_bool(part) for part in raw.split(";")]
    if any(a is None for a in answers):
        raise ValueError("một phần chưa trả lời")
    return answers


def parts_allowed(criteria: pd.DataFrame) -> dict[str, int]:
    """How many answers each criterion's Trả lời may hold: its parts for a `parts` rule, else one."""
    return {row.criterion_code: (len(parse_parts(row.params)) if row.rule == "parts" else 1)
            for row in criteria.itertuples(index=False)}


def dti_frame(rows, log: FailureLog, criteria: pd.DataFrame, rubric: str) -> pd.DataFrame:
    """`criteria`: the rubric's criterion rows (criterion_code, max_points, rule, params)."""
    sheet = SHEET_DTI
    allowed = parts_allowed(criteria)
    out = []
    for row, values in rows:
        code = str(values.get("criterion_code") or "").strip().upper()
        self_score, _ = _number(values.get("self_score"), log, sheet, row, "self_score", grouped=False)
        numerator, _ = _number(values.get("numerator"), log, sheet, row, "numerator", grouped=True)
        denominator, _ = _number(values.get("denominator"), log, sheet, row, "denominator", grouped=True)
        raw_answer = values.get("answer")
        try:
            answers = part_answers(raw_answer)
        except ValueError:
            log.add("not_yes_no", sheet=sheet, row=row, column=DISPLAY[sheet]["answer"], value=raw_answer)
            answers = None
        if answers and len(answers) not in (1, allowed.get(code, 1)):
            log.add("parts_count", sheet=sheet, row=row, column=DISPLAY[sheet]["answer"], value=raw_answer,
                    expected=allowed.get(code, 1))
            answers = None
        evidence = values.get("evidence")
        out.append({"row_number": row, "criterion_code": code, "self_score": self_score,
                    "answer": answers[0] if answers and len(answers) == 1 else None,
                    "answers": ";".join("Có" if a else "Không" for a in answers) if answers else None,
                    "numerator": numerator, "denominator": denominator,
                    "evidence": None if is_blank(evidence) else str(evidence)})
    frame = parsed_rows(out, ["row_number", "criterion_code", "self_score", "answer", "answers", "numerator",
                              "denominator", "evidence"], log, sheet, floats=["self_score", "numerator", "denominator"])
    # Max points come from the rubric, not from what the unit typed over them.
    max_points = dict(zip(criteria["criterion_code"], criteria["max_points"]))
    frame["max_points"] = frame["criterion_code"].map(max_points).astype("float64")
    may_exceed = set(criteria.loc[criteria["params"].str.contains("numerator_may_exceed=yes"), "criterion_code"])
    frame["may_exceed"] = frame["criterion_code"].isin(may_exceed)
    schema = pa.DataFrameSchema({
        "criterion_code": pa.Column(str, [is_in(max_points, "criterion_unknown"),
                                          first_occurrence("criterion_duplicate")]),
        **fraction_columns(),
    }, checks=[
        pa.Check(lambda f: ~(f["self_score"] > f["max_points"].clip(lower=0)), name="score_above_max"),
        pa.Check(lambda f: ~(f["self_score"] < f["max_points"].clip(upper=0)), name="score_below_min"),
        numerator_within_denominator(may_exceed="may_exceed"),
    ], name=sheet)
    blame = {"score_above_max": "self_score", "score_below_min": "self_score",
             "numerator_gt_denominator": "numerator"}
    return validate(frame, schema, log, sheet, DISPLAY[sheet], blame=blame,
                    expected={"criterion_unknown": rubric,
                              "score_above_max": lambda r: _int_if_whole(r["max_points"]),
                              "score_below_min": lambda r: _int_if_whole(min(r["max_points"], 0)),
                              "numerator_gt_denominator": lambda r: _int_if_whole(r["denominator"])}
                    ).drop(columns="may_exceed")


def rejected_indicators(rows, log: FailureLog) -> pd.DataFrame:
    """The ChiTieu rows rejected for a bad value, by indicator code: they still show as no data (SPEC §7)."""
    failed = log.rows_with_failures(SHEET_INDICATORS)
    found = [{"row_number": row, "indicator_code": str(values.get("indicator_code") or "").strip().upper()}
             for row, values in rows if row in failed]
    return pd.DataFrame([f for f in found if f["indicator_code"]], columns=["row_number", "indicator_code"])


def _int_if_whole(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value
