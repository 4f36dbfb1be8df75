"""Turning the text of an export's cells into typed values, one column kind at a time.

A cell that cannot be typed is one failure row; the row is then rejected
whole, before the pandera checks of its source run on what did type.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from dti.failures import FailureLog
from dti.paths import REFERENCE_DIR
from dti.textnorm import match_key
from dti.units import UnitResolver
from dti.vnparse import Number, end_of_day_if_date_only, is_blank, parse_bool, parse_datetime, parse_number


@dataclass(frozen=True)
class Col:
    kind: str             # id | text | unit | datetime | deadline | bool | money | enum
    display: str          # the header as the unit knows it, for failure rows
    required: bool = False
    enum: str = ""        # enumerations.csv name, for kind "enum"


@lru_cache(maxsize=1)
def enumerations() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    with (REFERENCE_DIR / "enumerations.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            table.setdefault(row["enum"], {})[match_key(row["spelling"], accents=False)] = row["value"]
    return table


def enum_values(name: str) -> str:
    return ", ".join(dict.fromkeys(enumerations()[name].values()))


def _identifier(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, Number):
        return str(raw.value)
    return str(raw).strip()


def type_value(raw: object, col: Col, resolver: UnitResolver):
    """The typed value, or raises ValueError(check_name, expected)."""
    if is_blank(raw):
        if col.required:
            raise ValueError("required_missing", "")
        return False if col.kind == "bool" else None
    if col.kind in ("id", "text"):
        return _identifier(raw)
    if col.kind == "unit":
        code = resolver.resolve(raw)
        if code is None:
            raise ValueError("unit_unknown", "")
        return code
    if col.kind in ("datetime", "deadline"):
        try:
            parsed = parse_datetime(raw)
        except ValueError as exc:
            raise ValueError("date_not_exist" if "không tồn tại" in str(exc) else "not_a_date", "") from None
        return end_of_day_if_date_only(parsed) if col.kind == "deadline" else parsed.value
    if col.kind == "bool":
        try:
            return parse_bool(raw)
        except ValueError:
            raise ValueError("not_yes_no", "") from None
    if col.kind == "money":
        if isinstance(raw, Number):
            return raw.value
        try:
            return parse_number(raw, grouped=True).value
        except ValueError:
            raise ValueError("not_a_number", "") from None
    if col.kind == "enum":
        value = enumerations()[col.enum].get(match_key(raw, accents=False))
        if value is None:
            raise ValueError("enum_invalid", enum_values(col.enum))
        return value
    raise AssertionError(f"unknown column kind {col.kind}")


DTYPES = {"id": "object", "text": "object", "unit": "object", "enum": "object", "datetime": "datetime64[us]",
          "deadline": "datetime64[us]", "bool": "bool", "money": "float64"}


def type_rows(rows: list[tuple[int, dict]], columns: dict[str, Col], log: FailureLog, resolver: UnitResolver,
              file_name: str, sheet: str | None) -> pd.DataFrame:
    """Typed frame of the rows whose every cell typed; the others are logged and left out."""
    out = []
    for row_number, values in rows:
        typed = {"file_name": file_name, "sheet": sheet, "row_number": row_number}
        unit = resolver.resolve(values.get("unit_code")) if "unit_code" in columns else None
        ok = True
        for name, col in columns.items():
            raw = values.get(name)
            try:
                typed[name] = type_value(raw, col, resolver)
            except ValueError as exc:
                check, expected = exc.args
                log.add(check, sheet=sheet, row=row_number, column=col.display, value=_shown(raw),
                        expected=expected, file_name=file_name, unit_code=unit)
                ok = False
        if ok:
            out.append(typed)
    frame = pd.DataFrame(out, columns=["file_name", "sheet", "row_number", *columns])
    return frame.astype({name: DTYPES[col.kind] for name, col in columns.items()})


def _shown(raw: object) -> object:
    if isinstance(raw, Number):
        return f"{raw.value:g}%"
    if hasattr(raw, "strftime"):
        return raw.strftime("%d/%m/%Y %H:%M")
    return raw
