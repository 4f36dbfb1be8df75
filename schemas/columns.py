"""Turning the text of an export's cells into typed values, one column kind at a time.

A cell that cannot be typed is one failure row; the row is then rejected
whole, before the pandera checks of its source run on what did type.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from domain import reference
from domain.paths import REFERENCE_DIR
from domain.textnorm import match_key
from domain.units import UnitResolver
from domain.vnparse import Number, end_of_day_if_date_only, is_blank, parse_bool, parse_datetime, parse_number


@dataclass(frozen=True)
class Col:
    kind: str             # id | text | unit | datetime | deadline | bool | money | enum
    required: bool = False
    enum: str = ""        # enumerations.csv name, for kind "enum"
    display: str = ""     # the header as the unit knows it, for failure rows (ExportSchema.of)


@lru_cache(maxsize=1)
def enumeration_rows() -> tuple[dict[str, str], ...]:
    """enumerations.csv: each enumeration's spellings as written, with the value each stands for."""
    with (REFERENCE_DIR / "enumerations.csv").open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


@lru_cache(maxsize=1)
def enumerations() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for row in enumeration_rows():
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


SQL_TYPES = {"id": "varchar", "text": "varchar", "unit": "varchar", "enum": "varchar", "datetime": "timestamp",
             "deadline": "timestamp", "bool": "boolean", "money": "double"}
LOOKED_UP = ("unit", "enum", "bool")   # few distinct spellings: typed once each, in Python, then looked up


@lru_cache(maxsize=None)
def known_spellings(kind: str, enum: str = "") -> tuple[str, ...]:
    """Spellings of a looked-up column known without reading any file: the reference data's, in the cases
    and forms exports write them. A spelling not among these nor in a file's first rows still types, in
    Python, on the slow path."""
    if kind == "unit":
        units, aliases = reference.units(), reference.unit_aliases()
        names = [*units["unit_code"], *units["name_vi"], *units["short_name_vi"], *aliases["alias"]]
        names += ["UBND " + n for n in names]
    elif kind == "enum":
        names = [row["spelling"] for row in enumeration_rows() if row["enum"] == enum]
    else:
        names = ["Có", "Không", "x", "1", "0", "TRUE", "FALSE", "Đã", "Chưa", "Yes", "No", "Y", "N"]
    return tuple(dict.fromkeys(v for n in names for v in (n, n.upper(), n.lower(), n.capitalize())))


def lookup_table(spellings: list[str], col: Col, resolver: UnitResolver) -> dict[str, object]:
    """Each spelling of a column with few distinct values that types, with its value (the others fail later).

    Blank spellings stay out: a list of values holds no null, and `type_value` settles them row by row."""
    table = {}
    for raw in spellings:
        if is_blank(raw):
            continue
        try:
            table[raw] = type_value(raw, col, resolver)
        except ValueError:
            pass
    return table


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "'" + str(value).replace("'", "''") + "'"


def typed_sql(col: Col, raw: str, lookup: dict[str, object] | None = None) -> str:
    """SQL typing the text column `raw` on the fast path: NULL where it cannot, and `type_value` then decides.

    `raw` is the field as read, untrimmed: a spelling with stray spaces simply misses the fast path. Dates
    and money take the common spellings in SQL (macros of sql/record_macros.sql); units, enumerations and
    yes/no are looked up in the table `type_value` made of their distinct spellings: a cast to an ENUM of
    those spellings finds each one's position by hash, and a list holds the values.
    """
    if col.kind == "id":
        return f"nullif(trim({raw}), '')"
    if col.kind == "text":
        return f"nfc_normalize(nullif(trim({raw}), ''))"
    if col.kind in ("datetime", "deadline", "money"):
        return {"datetime": "vn_timestamp", "deadline": "vn_deadline", "money": "vn_money"}[col.kind] + f"({raw})"
    found = (f"[{', '.join(_literal(v) for v in lookup.values())}]"
             f"[enum_code(try_cast({raw} as enum({', '.join(_literal(k) for k in lookup)}))) + 1]"
             if lookup else f"null::{SQL_TYPES[col.kind]}")
    return f"(case when {raw} is null then false else {found} end)" if col.kind == "bool" else found


def fails_sql(col: Col, raw: str, typed: str) -> str:
    """SQL true where the cell needs `type_value`: a required cell left blank, or text the fast path could not type."""
    if col.required or col.kind == "bool":  # a blank yes/no is false, never null
        return f"{typed} is null"
    return f"({raw} is not null and {typed} is null)"
