"""Record-level export files as DuckDB relations: the rows stay in the warehouse engine, never in pandas.

A text file is sniffed on its first lines only (encoding, separator, header
row, which field is which column) and then read by DuckDB's `read_csv`, every
field as text. DuckDB reads UTF-8; a file in any other encoding SPEC §3 admits
(UTF-16, Windows-1258, a file mixing encodings line by line) is decoded to
UTF-8, NFC, by a thread that writes it into a pipe while `read_csv` reads the
pipe's other end (`opened`). The file's text, citizens' names, ID-card and
phone numbers among it, thus passes through memory only: no copy of it is ever
written, so a run killed at any moment leaves none behind. An xlsx file is read
by openpyxl (Excel caps a sheet at about a million rows) and handed to DuckDB
as an Arrow table. Columns that are not in the source's header list (the
citizens' data) are never selected.
"""
from __future__ import annotations

import codecs
import csv
import fcntl
import hashlib
import io
import os
import select
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, time
from pathlib import Path

import numpy as np
import pyarrow as pa

from domain.textnorm import nfc
from domain.vnparse import Number
from sources.tabular import (EXCEL_SUFFIXES, HEADER_SCAN_LINES, TEXT_SUFFIXES, UnreadableFile, _decode_line,
                             _is_utf8, _match_header, _separator, decode, header_index, read_excel)

SNIFF_BYTES = 1 << 18          # the header sits in the first lines: a quarter MiB is plenty
CHUNK_BYTES = 1 << 22


@dataclass
class TextLayout:
    """What the first lines of a text file say about the rest."""
    path: Path                  # the file as it arrived
    encoding: str               # as found in the file
    delimiter: str
    header_row: int             # the header's line number; data start on the next line
    width: int                  # fields in the header row
    positions: dict[str, int]   # canonical column → field index
    headers: dict[str, str]     # canonical column → header as written
    newline: str = "\n"
    stream: str | None = None   # how the file is decoded into the UTF-8 text DuckDB reads from a pipe
                                # ("cp1258", "utf-16", "mixed", ...); None: DuckDB reads the file itself
    lines: int | None = None    # lines of that text as a text editor numbers them, once a read went through it
    blank_tail: int = 0         # blank lines at its end


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


def needs_transcoding(layout: TextLayout) -> bool:
    return layout.encoding not in ("utf-8", "utf-8-sig")


def streamed(layout: TextLayout, mixed: bool = False) -> TextLayout:
    """The layout read through a pipe: the file decoded to UTF-8 and NFC while DuckDB reads it. `mixed`: line by
    line, UTF-8 where a line is UTF-8, else Windows-1258 (a file pasted together from two exports)."""
    if mixed or layout.encoding.startswith("utf-8"):
        stream = "mixed"
    else:
        stream = "cp1258" if codecs.lookup(layout.encoding).name == "cp1258" else layout.encoding
    return replace(layout, stream=stream, lines=None, blank_tail=0)


# Windows-1258 writes Vietnamese with its tone marks as combining characters after the letter ("ơ" + U+0301),
# and NFC composes each such pair into one character ("ớ"). unicodedata.normalize does that at about 60 MB/s
# on this text (3 s for a million dossiers); a table of the pairs does it in numpy in about half the time.
def _cp1258_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Byte → code point; byte → is a combining mark; (letter, mark) → the one character NFC makes of them, or
    0; (letter, mark) → NFC changes the pair otherwise (two marks in a row, "á" + dot below → "ạ" + acute)."""
    chars = [bytes([b]).decode("cp1258", errors="replace") for b in range(256)]
    code = np.array([ord(c) for c in chars], np.uint32)
    is_mark = np.array([unicodedata.combining(c) != 0 for c in chars])
    composed, odd = np.zeros((256, 256), np.uint32), np.zeros((256, 256), bool)
    for letter in range(256):
        for mark in np.flatnonzero(is_mark):
            pair = chars[letter] + chars[mark]
            nfc_pair = unicodedata.normalize("NFC", pair)
            if len(nfc_pair) == 1:
                composed[letter, mark] = ord(nfc_pair)
            elif nfc_pair != pair or is_mark[letter]:
                odd[letter, mark] = True
    return code, is_mark, composed, odd


_CP1258_CODE, _IS_MARK, _COMPOSED, _ODD_PAIR = _cp1258_tables()


def cp1258_to_utf8(data: bytes) -> bytes:
    """Windows-1258 bytes (whole lines) as UTF-8 in NFC, as nfc(data.decode("cp1258", errors="replace"))."""
    codes = np.frombuffer(data, np.uint8)
    marks = np.flatnonzero(_IS_MARK[codes])
    marks = marks[marks > 0]                  # a chunk starts a line: a mark there has no letter before it
    if not marks.size:
        return data.decode("cp1258", errors="replace").encode("utf-8")
    letters, tones = codes[marks - 1], codes[marks]
    if _ODD_PAIR[letters, tones].any():       # two marks in a row, or a pair NFC reorders: the library's way
        return nfc(data.decode("cp1258", errors="replace")).encode("utf-8")
    composed = _COMPOSED[letters, tones]
    hit = composed != 0
    text = _CP1258_CODE[codes]
    text[marks[hit] - 1] = composed[hit]
    keep = np.ones(len(text), bool)
    keep[marks[hit]] = False
    return text[keep].astype("<u4").tobytes().decode("utf-32-le").encode("utf-8")


def _mixed_to_utf8(data: bytes) -> bytes:
    """Lines (whole) each in UTF-8 or else Windows-1258, as UTF-8 in NFC; a BOM opening a line is dropped."""
    data = data.removeprefix(codecs.BOM_UTF8).replace(b"\n" + codecs.BOM_UTF8, b"\n")
    if _is_utf8(data):
        return nfc(data.decode("utf-8")).encode("utf-8")
    return nfc("\n".join(_decode_line(line) for line in data.split(b"\n"))).encode("utf-8")


def _whole_lines(chunks: Iterator, newline) -> Iterator:
    """The chunks cut after their last newline, the rest carried over: a character is never split from its
    marks (nor a multi-byte sequence from itself) across two chunks."""
    carry = newline[:0]
    for chunk in chunks:
        chunk = carry + chunk if carry else chunk
        cut = chunk.rfind(newline) + 1
        if cut == 0 and len(chunk) < 16 * CHUNK_BYTES:   # a very long line: go on reading it
            carry = chunk
            continue
        cut = cut or len(chunk)
        carry = chunk[cut:]
        yield chunk[:cut]
    if carry:
        yield carry


def utf8_chunks(layout: TextLayout) -> Iterator[bytes]:
    """The text of a streamed layout's file, decoded, NFC and encoded as UTF-8, in chunks of whole lines."""
    with layout.path.open("rb") as raw:
        if layout.stream in ("cp1258", "mixed"):
            convert = cp1258_to_utf8 if layout.stream == "cp1258" else _mixed_to_utf8
            for chunk in _whole_lines(iter(lambda: raw.read(CHUNK_BYTES), b""), b"\n"):
                yield convert(chunk)
        else:
            reader = io.TextIOWrapper(raw, encoding=layout.stream, errors="replace", newline="")
            for chunk in _whole_lines(iter(lambda: reader.read(CHUNK_BYTES), ""), "\n"):
                yield nfc(chunk).encode("utf-8")


def _newlines(chunk: bytes) -> int:
    return int(np.count_nonzero(np.frombuffer(chunk, np.uint8) == 0x0A))


def blank_lines_at_end(data: bytes) -> int:
    """Blank lines after a text's last line: they hold no row, and DuckDB passes over them."""
    tail = data[len(data.rstrip(b"\r\n")):].replace(b"\r\n", b"\n")
    return len(tail) - 1 if tail and tail.count(b"\n") == len(tail) else 0


def blank_tail(path: Path) -> int:
    """Blank lines at the end of a file (the last 64 KiB are read)."""
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - (1 << 16)))
        return blank_lines_at_end(fh.read())


class _Stopped(Exception):
    pass


class _Feed(threading.Thread):
    """Writes a streamed layout's text into a pipe; stops at its end, at `max_lines`, when the reader has
    closed the pipe, or when told to."""

    def __init__(self, layout: TextLayout, fd: int, max_lines: int | None):
        super().__init__(name="dti-text-feed", daemon=True)
        self.layout, self.fd, self.max_lines = layout, fd, max_lines
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.complete = False
        self.lines, self.last, self.tail = 0, b"\n", b""

    def run(self) -> None:
        try:
            for chunk in utf8_chunks(self.layout):
                if not chunk:
                    continue
                found = _newlines(chunk)
                if self.max_lines is not None and self.lines + found >= self.max_lines:
                    ends = np.flatnonzero(np.frombuffer(chunk, np.uint8) == 0x0A)
                    self._write(chunk[:int(ends[self.max_lines - self.lines - 1]) + 1])
                    return
                self._write(chunk)
                self.lines += found
                self.last = chunk[-1:]
                kept = len(chunk.rstrip(b"\r\n"))
                self.tail = chunk[kept:] if kept else self.tail + chunk
            self.complete = True
        except (BrokenPipeError, _Stopped):
            pass
        except BaseException as exc:  # raised again in the reading thread
            self.error = exc
        finally:
            os.close(self.fd)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            if self.stop.is_set():
                raise _Stopped
            try:
                view = view[os.write(self.fd, view):]
            except BlockingIOError:
                select.select([], [self.fd], [], 0.1)


@contextmanager
def opened(layout: TextLayout | None, max_lines: int | None = None) -> Iterator[str | None]:
    """The path that `read_csv` reads for a layout while the block runs: the file itself, or, for a streamed
    layout, the read end of a pipe that a thread fills with the file's text (its first `max_lines` lines
    only, when given). The text never touches a disk; after a whole read the layout knows its line count."""
    if layout is None or layout.stream is None:
        yield None if layout is None else str(layout.path)
        return
    read_end, write_end = os.pipe()
    try:
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 1 << 20)   # fewer, larger writes; the kernel may refuse
    except (AttributeError, OSError):
        pass
    os.set_blocking(write_end, False)
    feed = _Feed(layout, write_end, max_lines)
    feed.start()
    try:
        yield f"/dev/fd/{read_end}"
    finally:
        feed.stop.set()
        os.close(read_end)   # a feed still writing gets EPIPE
        feed.join()
    if feed.error is not None:
        raise feed.error
    if feed.complete and max_lines is None:
        layout.lines = feed.lines + (feed.last != b"\n")
        layout.blank_tail = blank_lines_at_end(feed.tail)


def read_csv_sql(layout: TextLayout, path: str, rejects: str | None) -> str:
    """The `read_csv` call that reads the data lines of `path` (what `opened` gave), each field as text, in the
    file's order.

    A line with too few or too many fields is left out: with `rejects`, DuckDB notes it in
    `<rejects>_errors` (line, fields); the line's text there is never read.
    """
    columns = ", ".join(f"'f{i}': 'VARCHAR'" for i in range(layout.width))
    quoted = path.replace("'", "''")
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


EXACT_BATCH_ROWS = 100_000


def _text_lines(layout: TextLayout) -> Iterator[str]:
    """The file's lines as text (NFC), each ending in "\\n", split where str.splitlines splits (as read_text)."""
    if layout.stream:
        chunks = (chunk.decode("utf-8") for chunk in utf8_chunks(layout))
    else:
        raw, decoder = layout.path.open("rb"), codecs.getincrementaldecoder("utf-8")(errors="replace")
        chunks = (nfc(decoder.decode(chunk))
                  for chunk in _whole_lines(iter(lambda: raw.read(CHUNK_BYTES), b""), b"\n"))
    start = True
    try:
        for chunk in chunks:
            if start:
                chunk, start = chunk.removeprefix("\ufeff"), False
            for line in chunk.splitlines():
                yield line + "\n"
    finally:
        if not layout.stream:
            raw.close()


class ExactRows:
    """A text file's rows read the exact way, in Python (the csv module), numbered by the line each starts on
    as `sources.tabular.read_text` numbers them: for a file whose line numbers DuckDB's order cannot give (a
    blank line, a line break inside quotes). Unlike read_text it streams: record batches of EXACT_BATCH_ROWS
    rows, so a province's file needs no more memory than a city's. `rows` and `malformed` fill as it is read."""

    def __init__(self, layout: TextLayout, columns: list[str]):
        self.layout, self.columns = layout, columns
        self.rows = 0
        self.malformed: list[tuple[int, int]] = []     # (line, fields found)
        self.schema = pa.schema([("row_number", pa.int32()), *((c, pa.string()) for c in columns)])

    def batches(self) -> Iterator[pa.RecordBatch]:
        layout = self.layout
        lines = _text_lines(layout)
        for _ in range(layout.header_row):
            next(lines, None)
        reader = csv.reader(lines, delimiter=layout.delimiter)
        positions = [layout.positions.get(c) for c in self.columns]
        numbers: list[int] = []
        values: list[list] = [[] for _ in self.columns]
        last = layout.header_row
        for cells in reader:
            first, last = last + 1, layout.header_row + reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != layout.width:
                self.malformed.append((first, len(cells)))
                continue
            numbers.append(first)
            for column, i in zip(values, positions):
                column.append(None if i is None else (cells[i].strip() or None))
            if len(numbers) == EXACT_BATCH_ROWS:
                yield self._batch(numbers, values)
                numbers, values = [], [[] for _ in self.columns]
        if numbers:
            yield self._batch(numbers, values)

    def _batch(self, numbers: list[int], values: list[list]) -> pa.RecordBatch:
        self.rows += len(numbers)
        return pa.record_batch([pa.array(numbers, pa.int32()), *(pa.array(v, pa.string()) for v in values)],
                               schema=self.schema)

    def reader(self) -> pa.RecordBatchReader:
        return pa.RecordBatchReader.from_batches(self.schema, self.batches())


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
