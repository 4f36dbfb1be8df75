"""Reading tables out of Excel sheets that open with a title block (SPEC §3, §3.6)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import zipfile

import openpyxl

from domain.textnorm import match_key
from domain.vnparse import Number

HEADER_SCAN_ROWS = 30


@dataclass
class SheetTable:
    sheet: str
    header_row: int | None = None
    missing: list[str] = field(default_factory=list)  # canonical columns whose header was not found
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)  # (Excel row number, values)


MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024  # a month's biggest real export is far below this
MAX_COMPRESSION_RATIO = 200                  # real sheets compress 5-20×; a zip bomb, thousands×


class HostileWorkbook(Exception):
    """A workbook that would expand without bound: rejected before any XML is parsed."""


def check_zip_limits(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    expanded = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if expanded > MAX_UNCOMPRESSED_BYTES or expanded / packed > MAX_COMPRESSION_RATIO:
        raise HostileWorkbook(f"giải nén ra {expanded // (1024 * 1024)} MB từ {packed // 1024} KB")


def open_workbook(path: Path):
    """Read-only, cached values of formulas; openpyxl parses through defusedxml (a dependency),
    which refuses entity expansion ("billion laughs"), and the zip is checked for a bomb first."""
    check_zip_limits(path)
    return openpyxl.load_workbook(path, read_only=True, data_only=True)


def cell_value(cell) -> object:
    """A cell's value; a number formatted as a percentage is a fraction (0,9827 is 98,27%)."""
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return Number(value * 100, is_percent=True)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def find_sheet(worksheets, wanted: str):
    key = match_key(wanted, accents=False).replace(" ", "")
    for ws in worksheets:
        if match_key(ws.title, accents=False).replace(" ", "") == key:
            return ws
    return None


def labelled_value(ws, label: str, max_rows: int = 10) -> object:
    """The first non-empty cell to the right of a cell holding `label`, in the first rows."""
    key = match_key(label, accents=False)
    for row in ws.iter_rows(min_row=1, max_row=max_rows):
        cells = list(row)
        for i, cell in enumerate(cells):
            if isinstance(cell.value, str) and match_key(cell.value, accents=False) == key:
                for right in cells[i + 1:]:
                    value = cell_value(right)
                    if value is not None:
                        return value
                return None
    return None


def read_table(ws, headers: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> SheetTable:
    """Rows under the header row; `headers` maps canonical columns to the spellings accepted."""
    table = SheetTable(ws.title)
    wanted = {col: {match_key(h, accents=False) for h in spellings} for col, spellings in headers.items()}
    positions: dict[str, int] = {}
    for row_number, row in enumerate(ws.iter_rows(), start=1):
        cells = list(row)
        if table.header_row is None:
            if row_number > HEADER_SCAN_ROWS:
                break
            found = {}
            for i, cell in enumerate(cells):
                key = match_key(cell.value, accents=False) if isinstance(cell.value, str) else ""
                for col, keys in wanted.items():
                    if key in keys and col not in found:
                        found[col] = i
            if all(col in found for col in required):
                table.header_row, positions = row_number, found
            continue
        values = {col: cell_value(cells[i]) if i < len(cells) else None for col, i in positions.items()}
        if any(v is not None for v in values.values()):
            table.rows.append((row_number, values))
    if table.header_row is None:
        table.missing = list(required)
    return table
