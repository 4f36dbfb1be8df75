"""Record-level export files as DuckDB relations: the rows stay in the warehouse engine, never in pandas.

A text file is sniffed on its first lines only (encoding, separator, header
row, which field is which column) and then read by DuckDB's `read_csv`, every
field as text. DuckDB reads UTF-8; any other encoding SPEC §3 admits (UTF-16,
Windows-1258, a file mixing encodings line by line) is first transcoded to a
UTF-8 copy as a stream, in bounded memory, normalised to NFC. An xlsx file is
read by openpyxl (Excel caps a sheet at about a million rows) and handed to
DuckDB as an Arrow table. Columns that are not in the source's header list
(citizens' names, ID-card and phone numbers) are never selected.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import tempfile
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

import numpy as np
import pyarrow as pa

from dti.textnorm import nfc
from dti.vnparse import Number
from sources.tabular import (EXCEL_SUFFIXES, HEADER_SCAN_LINES, TEXT_SUFFIXES, UnreadableFile, _decode_line,
                             _is_utf8, _match_header, _separator, decode, header_index, read_excel)

SNIFF_BYTES = 1 << 18          # the header sits in the first lines: a quarter MiB is plenty
CHUNK_BYTES = 1 << 22


@dataclass
class TextLayout:
    """What the first lines of a text file say about the rest."""
    path: Path                  # a UTF-8 file DuckDB can read: the original or a transcoded copy
    encoding: str               # as found in the original
    delimiter: str
    header_row: int             # the header's line number; data start on the next line
    width: int                  # fields in the header row
    positions: dict[str, int]   # canonical column → field index
    headers: dict[str, str]     # canonical column → header as written
    newline: str = "\n"


@dataclass
class ExcelRows:
    sheet: str | None
    header_row: int | None
    table: pa.Table | None      # row_number + the source's columns, every value as text


def is_text(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES


def is_excel(path: Path) -> bool:
    return path.suffix.lower() in EXCEL_SUFFIXES


def _prefix_text(data: bytes) -> tuple[str, str]:
    """The prefix decoded, and the encoding the whole file is taken to be in."""
    if data.startswith(codecs.BOM_UTF8):
        return nfc(data[3:].decode("utf-8", errors="ignore")), "utf-8-sig"
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" not in data[:4096]:
        cut = data[:data.rfind(b"\n") + 1] or data  # never split a multi-byte character
        if _is_utf8(cut):
            return nfc(cut.decode("utf-8")), "utf-8"
    return decode(data[:len(data) - len(data) % 2] if b"\x00" in data[:4096] else data)


def sniff_text(path: Path, headers: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> TextLayout | None:
    """The layout of a text export, or None when no header row matches; raises UnreadableFile."""
    with path.open("rb") as fh:
        data = fh.read(SNIFF_BYTES)
    if not data.strip():
        raise UnreadableFile("tệp rỗng")
    text, encoding = _prefix_text(data)
    if "\x00" in text[:4096]:
        raise UnreadableFile("tệp nhị phân, không phải văn bản CSV")
    index = header_index(headers)
    for number, line in enumerate(text.splitlines()[:HEADER_SCAN_LINES], start=1):
        sep = _separator(line)
        cells = next(csv.reader([line], delimiter=sep), [])
        positions = _match_header(cells, index, required)
        if positions is not None:
            return TextLayout(path, encoding, sep, number, len(cells), positions,
                              {col: cells[i].strip() for col, i in positions.items()},
                              "\r\n" if "\r\n" in text else "\n")
    return None


def transcode(layout: TextLayout, folder: Path, mixed: bool = False) -> TextLayout:
    """A UTF-8, NFC copy of the file, written as a stream; the layout then points at it."""
    target = Path(tempfile.mkstemp(suffix=".csv", dir=folder)[1])
    source_encoding = {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8"}.get(layout.encoding, layout.encoding)
    with layout.path.open("rb") as raw, target.open("w", encoding="utf-8", newline="") as out:
        if mixed or source_encoding.startswith("utf-8"):  # line by line: UTF-8 where it is, else Windows-1258
            for line in raw:
                out.write(nfc(_decode_line(line.removeprefix(codecs.BOM_UTF8))))
        else:
            reader = io.TextIOWrapper(raw, encoding=source_encoding, errors="replace", newline="")
            for chunk in iter(lambda: reader.read(CHUNK_BYTES), ""):
                out.write(nfc(chunk))
    return TextLayout(target, layout.encoding, layout.delimiter, layout.header_row, layout.width,
                      layout.positions, layout.headers, layout.newline)


def needs_transcoding(layout: TextLayout) -> bool:
    return layout.encoding not in ("utf-8", "utf-8-sig")


def read_csv_sql(layout: TextLayout, rejects: str | None) -> str:
    """The `read_csv` call that reads the data lines, each field as text, in the file's order.

    A line with too few or too many fields is left out: with `rejects`, DuckDB notes it in
    `<rejects>_errors` (line, fields); the line's text there is never read.
    """
    columns = ", ".join(f"'f{i}': 'VARCHAR'" for i in range(layout.width))
    quoted = str(layout.path).replace("'", "''")
    delimiter = layout.delimiter.replace("'", "''")
    newline = "\\r\\n" if layout.newline == "\r\n" else "\\n"
    errors = (f"store_rejects=true, rejects_table='{rejects}_errors', rejects_scan='{rejects}_scans'"
              if rejects else "ignore_errors=true")
    return (f"read_csv('{quoted}', skip={layout.header_row}, header=false, auto_detect=false, "
            f"delim='{delimiter}', quote='\"', escape='\"', new_line='{newline}', columns={{{columns}}}, "
            f"{errors})")


def field_sql(layout: TextLayout, column: str) -> str:
    """A column of the relation, the field as read (an empty field is NULL); a column the file lacks is NULL."""
    if column not in layout.positions:
        return "null::varchar"
    return f"f{layout.positions[column]}"


def read_through(path: Path, digest: bool = True) -> tuple[str, int]:
    """One read of a file: its SHA-256 (the manifest's; empty unless asked) and its lines as a text editor
    numbers them (numpy counts newlines 10× faster than bytes.count here)."""
    sha, lines, last = hashlib.sha256() if digest else None, 0, b"\n"
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK_BYTES), b""):
            if sha:
                sha.update(chunk)
            lines += int(np.count_nonzero(np.frombuffer(chunk, np.uint8) == 0x0A))
            last = chunk[-1:]
    return (sha.hexdigest() if sha else ""), lines + (last != b"\n")


def physical_lines(path: Path) -> int:
    return read_through(path, digest=False)[1]


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
    """An xlsx export's rows as an Arrow table of text; raises UnreadableFile."""
    table = read_excel(path, headers, required)
    if table.header_row is None:
        return ExcelRows(table.sheet, None, None)
    columns = {"row_number": pa.array([n for n, _ in table.rows], pa.int32())}
    for col in headers:
        columns[col] = pa.array([cell_text(values.get(col)) for _, values in table.rows], pa.string())
    return ExcelRows(table.sheet, table.header_row, pa.table(columns))
