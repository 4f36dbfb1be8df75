"""What the first lines of a text export say about the rest: encoding, separator, header row, which field is
which column (the one sniffer), and the DuckDB `read_csv` call that reads the rest.

Real exports arrive as they are (SPEC §3): UTF-8 with or without BOM, UTF-16, or Windows-1258 with decomposed
tones; `;`, `,` or tab. DuckDB reads UTF-8 itself; any other encoding is decoded into a pipe while DuckDB reads
it (`sources/transcode.py`), so that no copy of a file's text is ever written.
"""
from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass, replace
from pathlib import Path

import charset_normalizer

from domain.textnorm import nfc
from sources.formats import HEADER_SCAN_ROWS, UnreadableFile, header_index, match_header

SNIFF_BYTES = 1 << 18          # the header sits in the first lines: a quarter MiB is plenty


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
        utf8_lines = sum(1 for line in lines if is_utf8(line) and not line.isascii())
        if utf8_lines:  # some lines are UTF-8, others not: a file pasted together from two exports
            return nfc("\n".join(decode_line(line) for line in lines)), "utf-8+cp1258"
    # SPEC §3 admits only these: UTF-16 without its BOM has NUL bytes, Windows-1258 never does.
    candidates = ["utf_16_le", "utf_16_be"] if b"\x00" in data[:4096] else ["cp1258"]
    best = charset_normalizer.from_bytes(data, cp_isolation=candidates).best()
    encoding = best.encoding if best else candidates[0]
    try:
        return nfc(data.decode(encoding)), encoding
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"không xác định được bảng mã ({exc.reason})") from None


def is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def decode_line(line: bytes) -> str:
    return line.decode("utf-8") if is_utf8(line) else line.decode("cp1258", errors="replace")


def _separator(line: str) -> str:
    counts = {sep: line.count(sep) for sep in ("\t", ";", ",")}
    return max(counts, key=counts.get)


def _prefix_text(data: bytes) -> tuple[str, str]:
    """The prefix decoded, and the encoding the whole file is taken to be in."""
    if data.startswith(codecs.BOM_UTF8):
        return nfc(data[3:].decode("utf-8", errors="ignore")), "utf-8-sig"
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" not in data[:4096]:
        cut = data[:data.rfind(b"\n") + 1] or data  # never split a multi-byte character
        if is_utf8(cut):
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
    for number, line in enumerate(text.splitlines()[:HEADER_SCAN_ROWS], start=1):
        sep = _separator(line)
        cells = next(csv.reader([line], delimiter=sep), [])
        positions = match_header(cells, index, required)
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
