"""Reading an export file (CSV, Excel "Unicode text", or xlsx) into rows under canonical column names.

Real exports arrive as they are (SPEC §3): UTF-8 with or without BOM, UTF-16,
or Windows-1258 with decomposed tones; `;`, `,` or tab; headers in any case,
accents, spacing and order, sometimes under a few title rows. A reader knows
files and encodings, nothing of the rules: every value comes back as found.
"""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer

from domain.textnorm import match_key, nfc
from sources.excel import HostileWorkbook, cell_value, open_workbook

HEADER_SCAN_LINES = 30
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
SUFFIXES = TEXT_SUFFIXES + EXCEL_SUFFIXES


class UnreadableFile(Exception):
    """The file cannot be read at all; the message says why, in Vietnamese."""


@dataclass
class ExportTable:
    sheet: str | None                      # the sheet read, for xlsx
    encoding: str | None = None            # for text files
    header_row: int | None = None
    width: int = 0                         # fields in the header row, for text files
    columns: dict[str, str] = field(default_factory=dict)  # canonical → header as written
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)  # (row number as the user sees it, values)
    malformed: list[tuple[int, int]] = field(default_factory=list)          # (row number, fields found)

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.malformed)


def header_index(headers: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """match key (accents folded) → canonical column."""
    return {match_key(spelling, accents=False): col for col, spellings in headers.items() for spelling in spellings}


def _match_header(cells: list[object], index: dict[str, str], required: tuple[str, ...]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, value in enumerate(cells):
        col = index.get(match_key(value, accents=False)) if isinstance(value, str) else None
        if col and col not in found:
            found[col] = i
    return found if all(col in found for col in required) else None


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: a BOM decides; else UTF-8 or Windows-1258, as the library detects."""
    if data.startswith(codecs.BOM_UTF8):
        return nfc(data[3:].decode("utf-8")), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return nfc(data.decode("utf-16")), "utf-16"
    try:
        return nfc(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" not in data[:4096]:
        lines = data.split(b"\n")
        utf8_lines = sum(1 for line in lines if _is_utf8(line) and not line.isascii())
        if utf8_lines:  # some lines are UTF-8, others not: a file pasted together from two exports
            return nfc("\n".join(_decode_line(line) for line in lines)), "utf-8+cp1258"
    # SPEC §3 admits only these: UTF-16 without its BOM has NUL bytes, Windows-1258 never does.
    candidates = ["utf_16_le", "utf_16_be"] if b"\x00" in data[:4096] else ["cp1258"]
    best = charset_normalizer.from_bytes(data, cp_isolation=candidates).best()
    encoding = best.encoding if best else candidates[0]
    try:
        return nfc(data.decode(encoding)), encoding
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"không xác định được bảng mã ({exc.reason})") from None


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _decode_line(line: bytes) -> str:
    return line.decode("utf-8") if _is_utf8(line) else line.decode("cp1258", errors="replace")


def _separator(line: str) -> str:
    counts = {sep: line.count(sep) for sep in ("\t", ";", ",")}
    return max(counts, key=counts.get)


def read_text(path: Path, headers: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> ExportTable:
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile("tệp rỗng")
    text, encoding = decode(data)
    if "\x00" in text[:4096]:
        raise UnreadableFile("tệp nhị phân, không phải văn bản CSV")
    table = ExportTable(sheet=None, encoding=encoding)
    lines = text.splitlines()
    index = header_index(headers)
    for number, line in enumerate(lines[:HEADER_SCAN_LINES], start=1):
        sep = _separator(line)
        cells = next(csv.reader([line], delimiter=sep))
        positions = _match_header(cells, index, required)
        if positions is not None:
            table.header_row = number
            table.columns = {col: cells[i].strip() for col, i in positions.items()}
            table.width = width = len(cells)
            break
    else:
        return table
    reader = csv.reader(io.StringIO("\n".join(lines[table.header_row:])), delimiter=sep)
    last_line = table.header_row
    for cells in reader:
        first_line, last_line = last_line + 1, table.header_row + reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != width:
            table.malformed.append((first_line, len(cells)))
            continue
        table.rows.append((first_line, {col: (cells[i].strip() or None) for col, i in positions.items()}))
    return table


def read_excel(path: Path, headers: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> ExportTable:
    try:
        workbook = open_workbook(path)
    except HostileWorkbook as exc:
        raise UnreadableFile(f"tệp Excel nén bất thường, có thể là zip bomb: {exc}") from None
    except Exception as exc:
        raise UnreadableFile(f"không mở được tệp Excel ({type(exc).__name__})") from None
    try:
        index = header_index(headers)
        for ws in workbook.worksheets:  # the first visible sheet that carries the headers
            if ws.sheet_state != "visible":
                continue
            table = ExportTable(sheet=ws.title)
            positions = None
            for number, row in enumerate(ws.iter_rows(), start=1):
                cells = list(row)
                if positions is None:
                    if number > HEADER_SCAN_LINES:
                        break
                    positions = _match_header([c.value for c in cells], index, required)
                    if positions is not None:
                        table.header_row = number
                        table.columns = {col: str(cells[i].value).strip() for col, i in positions.items()}
                    continue
                values = {col: cell_value(cells[i]) if i < len(cells) else None for col, i in positions.items()}
                if any(v is not None for v in values.values()):
                    table.rows.append((number, values))
            if positions is not None:
                return table
        return ExportTable(sheet=workbook.worksheets[0].title if workbook.worksheets else None)
    finally:
        workbook.close()
