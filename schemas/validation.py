"""Running a pandera schema lazily and turning its failure cases into steward-facing failures."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import pandera.pandas as pa

from domain.failures import FailureLog


def non_negative() -> pa.Check:
    # pandera's built-in checks keep their own names; ours must carry the messages.csv check name
    return pa.Check(lambda s: s >= 0, name="negative")


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, log: FailureLog, sheet: str,
             display: dict[str, str], expected: dict[str, object] | None = None,
             blame: dict[str, str] | None = None) -> pd.DataFrame:
    """Validate lazily; log one failure per failing value; return the rows that passed.

    Each check carries `name` = a check_name of messages.csv; `blame` names the
    column a frame-level check reports, `expected` what the message says is expected.
    """
    expected, blame = expected or {}, blame or {}
    if frame.empty:
        return frame
    try:
        schema.validate(frame, lazy=True)
        return frame
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    located = set(cases.loc[cases["index"].notna(), "check"])
    bad_index = set()
    seen = set()
    for case in cases.itertuples(index=False):
        if case.index is None or pd.isna(case.index):
            if case.check in located:
                continue  # a frame-level check repeats its row once per column; some copies lack the index
            raise RuntimeError(f"check {case.check} failed without a row: {case.failure_case}")  # a bug, not data
        check_name = str(case.check)
        if (check_name, case.index) in seen:  # a frame-level check reports every column of the row
            continue
        seen.add((check_name, case.index))
        column = case.column
        if case.schema_context == "DataFrameSchema":
            column = blame.get(check_name, column)
        row = frame.loc[case.index]
        value = row[column] if column in frame.columns else case.failure_case
        exp = expected.get(check_name, "")
        if callable(exp):
            exp = exp(row)
        log.add(check_name, sheet=row.get("sheet", sheet), row=int(row["row_number"]),
                column=display.get(column, column), value=shown(value), expected=exp,
                file_name=row.get("file_name"), unit_code=row.get("unit_code"))
        bad_index.add(case.index)
    return frame.drop(index=list(bad_index))


def shown(value: object) -> object:
    """A typed value as a failure row shows it to the unit: a moment as dd/mm/yyyy HH:MM, a whole number bare."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
