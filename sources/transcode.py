"""A text export in another encoding than UTF-8, decoded to UTF-8 (NFC) into a pipe that DuckDB's `read_csv`
reads from the other end (`opened`): the file's text, citizens' names, ID-card and phone numbers among it,
passes through memory only, so a run killed at any moment leaves no copy of it behind."""
from __future__ import annotations

import codecs
import fcntl
import io
import os
import select
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from domain.textnorm import nfc
from sources.text_layout import TextLayout, decode_line, is_utf8

CHUNK_BYTES = 1 << 22


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
    if is_utf8(data):
        return nfc(data.decode("utf-8")).encode("utf-8")
    return nfc("\n".join(decode_line(line) for line in data.split(b"\n"))).encode("utf-8")


def whole_lines(chunks: Iterator, newline) -> Iterator:
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
            for chunk in whole_lines(iter(lambda: raw.read(CHUNK_BYTES), b""), b"\n"):
                yield convert(chunk)
        else:
            reader = io.TextIOWrapper(raw, encoding=layout.stream, errors="replace", newline="")
            for chunk in whole_lines(iter(lambda: reader.read(CHUNK_BYTES), ""), "\n"):
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


def text_lines(layout: TextLayout) -> Iterator[str]:
    """The file's lines as text (NFC), each ending in "\\n", split where str.splitlines splits (as read_text)."""
    if layout.stream:
        chunks = (chunk.decode("utf-8") for chunk in utf8_chunks(layout))
    else:
        raw, decoder = layout.path.open("rb"), codecs.getincrementaldecoder("utf-8")(errors="replace")
        chunks = (nfc(decoder.decode(chunk))
                  for chunk in whole_lines(iter(lambda: raw.read(CHUNK_BYTES), b""), b"\n"))
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
