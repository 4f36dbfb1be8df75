"""Record-level export files as DuckDB relations: the rows stay in the warehouse engine, never in pandas.

A text file is sniffed on its first lines only (`sources/text_layout.py`) and read by DuckDB's `read_csv`,
every field as text; a file in another encoding than UTF-8 is decoded into a pipe DuckDB reads
(`sources/transcode.py`). Where DuckDB's order cannot give a row's line number (a blank line, a line break
inside quotes), `ExactRows` reads the rows in Python, streaming. An xlsx file is read by openpyxl
(`sources/excel.py`). Columns that are not in the source's header list (the citizens' data) are never selected.
"""
from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from sources.text_layout import TextLayout
from sources.transcode import CHUNK_BYTES, text_lines


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


class ExactRows:
    """A text file's rows read the exact way, in Python (the csv module), numbered by the line each starts on
    as a text editor numbers them: for a file whose line numbers DuckDB's order cannot give (a
    blank line, a line break inside quotes). It streams: record batches of EXACT_BATCH_ROWS
    rows, so a province's file needs no more memory than a city's. `rows` and `malformed` fill as it is read."""

    def __init__(self, layout: TextLayout, columns: list[str]):
        self.layout, self.columns = layout, columns
        self.rows = 0
        self.malformed: list[tuple[int, int]] = []     # (line, fields found)
        self.schema = pa.schema([("row_number", pa.int32()), *((c, pa.string()) for c in columns)])

    def batches(self) -> Iterator[pa.RecordBatch]:
        layout = self.layout
        lines = text_lines(layout)
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
