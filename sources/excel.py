"""Reading tables out of Excel sheets that open with a title block (SPEC §3, §3.6): unit workbooks and xlsx
exports alike, through the one header scanner of `sources/formats.py`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
import zipfile
from datetime import datetime, time

import openpyxl

import pyarrow as pa

from domain.textnorm import match_key
from domain.vnparse import Number
from sources.formats import HEADER_SCAN_ROWS, UnreadableFile, header_index, match_header


@dataclass
class SheetTable:
    sheet: str
    header_row: int | None = None
    missing: list[str] = field(default_factory=list)  # canonical columns whose header was not found
    columns: dict[str, str] = field(default_factory=dict)  # canonical → header as written
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
    index = header_index(headers)
    positions: dict[str, int] | None = None
    for row_number, row in enumerate(ws.iter_rows(), start=1):
        cells = list(row)
        if positions is None:
            if row_number > HEADER_SCAN_ROWS:
                break
            positions = match_header([c.value for c in cells], index, required)
            if positions is not None:
                table.header_row = row_number
                table.columns = {col: str(cells[i].value).strip() for col, i in positions.items()}
            continue
        values = {col: cell_value(cells[i]) if i < len(cells) else None for col, i in positions.items()}
        if any(v is not None for v in values.values()):
            table.rows.append((row_number, values))
    if table.header_row is None:
        table.missing = list(required)
    return table


@dataclass
class ExcelRows:
    sheet: str | None
    header_row: int | None
    table: pa.Table | None      # row_number + the source's columns, every value as text


def cell_text(value: object) -> str | None:
    """An Excel cell as text the record path parses: a date cell at midnight is a bare date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Number):  # a percentage cell: its number and %
        return f"{value.value:g}%"
    return str(value)


def read_excel_rows(path: Path, headers: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> ExcelRows:
    """An xlsx export's rows, from its first visible sheet that carries the headers, as an Arrow table of text;
    raises UnreadableFile."""
    try:
        workbook = open_workbook(path)
    except HostileWorkbook as exc:
        raise UnreadableFile(f"tệp Excel nén bất thường, có thể là zip bomb: {exc}") from None
    except Exception as exc:
        raise UnreadableFile(f"không mở được tệp Excel ({type(exc).__name__})") from None
    try:
        sheets = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
        table = next((t for t in (read_table(ws, headers, required) for ws in sheets) if t.header_row), None)
        first = workbook.worksheets[0].title if workbook.worksheets else None
    finally:
        workbook.close()
    if table is None:
        return ExcelRows(first, None, None)
    columns = {"row_number": pa.array([n for n, _ in table.rows], pa.int32())}
    for col in headers:
        columns[col] = pa.array([cell_text(values.get(col)) for _, values in table.rows], pa.string())
    return ExcelRows(table.sheet, table.header_row, pa.table(columns))
