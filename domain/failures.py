"""Validation failures: one row per rejected value, worded for the unit that must fix it."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import pandas as pd

from domain import reference

COLUMNS = ["report_month", "source", "file_name", "sheet", "row_number", "column_name", "check_name",
           "failure_value", "message", "responsible_unit"]


@lru_cache(maxsize=1)
def _templates() -> dict[str, str]:
    return reference.messages()


def message_for(check_name: str, value: object = "", column: str = "", expected: object = "", detail: str = "") -> str:
    template = _templates()[check_name]
    return template.format(value="" if value is None else value, column=column or "", expected=expected,
                           detail=detail)


@dataclass(frozen=True)
class Failure:
    report_month: str
    source: str
    file_name: str
    sheet: str | None
    row_number: int | None
    column_name: str | None
    check_name: str
    failure_value: str | None
    message: str
    responsible_unit: str | None = None  # the unit to send it back to, when it is known


class FailureLog:
    """Collects the failures of one file; every failure names its sheet, row and column."""

    def __init__(self, report_month: str, source: str, file_name: str = ""):
        self.report_month, self.source, self.file_name = report_month, source, file_name
        self.unit_code: str | None = None  # a workbook's unit, once known
        self.failures: list[Failure] = []

    def add(self, check_name: str, *, sheet: str | None = None, row: int | None = None, column: str | None = None,
            value: object = None, expected: object = "", detail: str = "", file_name: str | None = None,
            unit_code: str | None = None) -> None:
        shown = None if value is None else str(value)
        self.failures.append(Failure(
            self.report_month, self.source, file_name or self.file_name, sheet, row, column, check_name, shown,
            message_for(check_name, value=shown, column=column or "", expected=expected, detail=detail),
            unit_code or self.unit_code))

    def rows_with_failures(self, sheet: str | None, file_name: str | None = None) -> set[int]:
        file_name = file_name or self.file_name
        return {f.row_number for f in self.failures
                if f.sheet == sheet and f.file_name == file_name and f.row_number is not None}


def to_frame(failures: list[Failure]) -> pd.DataFrame:
    frame = pd.DataFrame([asdict(f) for f in failures], columns=COLUMNS)
    frame["row_number"] = frame["row_number"].astype("Int64")
    return frame
