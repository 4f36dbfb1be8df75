"""Which files an export may be, and how a header row is found among a sheet's first rows (SPEC §3).

Headers arrive in any case, accents, spacing and order, sometimes under a few title rows: a header row is the
first of the first HEADER_SCAN_ROWS rows whose cells name every required column, in any accepted spelling.
The one header scanner of the project: text exports, Excel exports and unit workbooks all use `match_header`.
"""
from __future__ import annotations

from pathlib import Path

from domain.textnorm import match_key

HEADER_SCAN_ROWS = 30
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
SUFFIXES = TEXT_SUFFIXES + EXCEL_SUFFIXES


class UnreadableFile(Exception):
    """The file cannot be read at all; the message says why, in Vietnamese."""


def is_text(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES


def is_excel(path: Path) -> bool:
    return path.suffix.lower() in EXCEL_SUFFIXES


def header_index(headers: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """match key (accents folded) → canonical column."""
    return {match_key(spelling, accents=False): col for col, spellings in headers.items() for spelling in spellings}


def match_header(cells: list[object], index: dict[str, str], required: tuple[str, ...]) -> dict[str, int] | None:
    """canonical column → position, when the cells hold every required column's header; else None."""
    found: dict[str, int] = {}
    for i, value in enumerate(cells):
        col = index.get(match_key(value, accents=False)) if isinstance(value, str) else None
        if col and col not in found:
            found[col] = i
    return found if all(col in found for col in required) else None
