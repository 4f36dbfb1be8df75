"""One export file on its way into staging: sniffed and its lookups built (`prepare`), then inserted by one
INSERT … SELECT from `read_csv` or an Arrow table, each row numbered by the line it stands on (`insert_file`).
The month's steps around it are in `landing/exports.py`."""
from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field

import pyarrow as pa

from domain.failures import FailureLog
from sources.inbox import InboxFile
from domain.periods import ReportMonth
from domain.units import UnitResolver
from schemas.columns import LOOKED_UP, fails_sql, known_spellings, lookup_table, typed_sql
from schemas.exports import ExportSchema
from sources.exports import ExportSource
from sources.excel import ExcelRows, read_excel_rows
from sources.formats import UnreadableFile, is_excel, is_text
from sources.records import ExactRows
from sources.text_layout import TextLayout, field_sql, needs_transcoding, read_csv_sql, sniff_text, streamed
from sources.transcode import blank_tail, opened

REJECTS = "_rejects"    # DuckDB's tables of the lines read_csv left out
SAMPLE_ROWS = 100_000   # a file's first rows, whose spellings join the reference data's on the fast path


@dataclass
class PreparedFile:
    file: InboxFile
    readable: bool = True
    sheet: str | None = None
    layout: TextLayout | None = None          # a text file DuckDB reads (itself, or streamed through a pipe)
    rows: pa.Table | None = None              # or rows read in Python: an xlsx file's
    exact: ExactRows | None = None            # or a text file's with odd lines, streamed
    rows_read: int = 0
    width: int = 0                            # fields in the header row of a text file
    malformed: list[tuple[int, int]] = field(default_factory=list)   # (line, fields found)
    lookups: dict[str, dict[str, object]] = field(default_factory=dict)
    first_rowid: int | None = None            # a text file read by DuckDB: its first row's rowid in the insert
    read_through: Future | None = None        # (SHA-256, lines) of the file, read beside DuckDB's work


def raw_columns_sql(source: ExportSource, prepared: PreparedFile) -> str:
    """SELECT list naming each of the source's columns, as text, from the file's relation."""
    if prepared.layout is not None:
        return ", ".join(f"{field_sql(prepared.layout, c)} as {c}" for c in source.headers)
    return ", ".join(f"nullif({c}, '') as {c}" for c in source.headers)


def relation_sql(prepared: PreparedFile, path: str | None, rejects: bool = False) -> str:
    """What the file's rows are read from: `read_csv` of `path` (which `opened` gave), or the registered rows."""
    if prepared.layout is not None:
        return read_csv_sql(prepared.layout, path, REJECTS if rejects else None)
    return "_file_rows"


def build_lookups(con, source: ExportSource, schema: ExportSchema, prepared: PreparedFile,
                  resolver: UnitResolver) -> None:
    """What the fast path looks up: the reference data's spellings and those of the file's first rows."""
    looked_up = [c for c, col in schema.columns.items() if col.kind in LOOKED_UP]
    lists = ", ".join(f"list(distinct {c})" for c in looked_up)
    first_lines = prepared.layout.header_row + SAMPLE_ROWS if prepared.layout else None
    with opened(prepared.layout, max_lines=first_lines) as path:
        sampled = con.execute(f"select {lists} from (select {raw_columns_sql(source, prepared)} "
                              f"from {relation_sql(prepared, path)} limit {SAMPLE_ROWS})").fetchall()[0]
    for column, spellings in zip(looked_up, sampled):
        col = schema.columns[column]
        known = known_spellings(col.kind, col.enum)
        prepared.lookups[column] = lookup_table([*known, *(s for s in spellings or [] if s is not None)], col,
                                                resolver)


def prepare(con, file: InboxFile, source: ExportSource, schema: ExportSchema, log: FailureLog,
            resolver: UnitResolver) -> PreparedFile:
    """Before the transaction: the file's kind, encoding and header, and what the fast path looks up."""
    prepared = PreparedFile(file)
    try:
        if is_excel(file.path):
            excel: ExcelRows = read_excel_rows(file.path, source.headers, source.required)
            prepared.sheet = excel.sheet
            prepared.rows = excel.table
            found = excel.header_row is not None
        elif is_text(file.path):
            prepared.layout = sniff_text(file.path, source.headers, source.required)
            found = prepared.layout is not None
            if found:
                prepared.width = prepared.layout.width
            if found and needs_transcoding(prepared.layout):   # decoded as DuckDB reads it, never copied
                prepared.layout = streamed(prepared.layout)
        else:
            raise UnreadableFile(f"loại tệp {file.path.suffix or '(không đuôi)'} không được hỗ trợ")
        if found:
            if prepared.rows is not None:
                con.register("_file_rows", prepared.rows)
            build_lookups(con, source, schema, prepared, resolver)
    except UnreadableFile as exc:
        log.add("file_unreadable", detail=str(exc), file_name=file.name)
        prepared.readable = False
        return prepared
    except Exception as exc:  # a corrupt file must not stop the month
        log.add("file_unreadable", detail=type(exc).__name__, file_name=file.name)
        prepared.readable = False
        return prepared
    if not found:
        required = ", ".join(schema.columns[c].display for c in source.required)
        log.add("header_unmatched", sheet=prepared.sheet, expected=required, file_name=file.name)
        prepared.readable = False
    return prepared


def rows_in_python(prepared: PreparedFile, source: ExportSource) -> None:
    """Read a text file the exact, slow way: for a file whose line numbers DuckDB's order cannot give. The
    rows stream to DuckDB in batches as they are read (their malformed lines noted meanwhile)."""
    prepared.exact = ExactRows(prepared.layout, list(source.headers))
    prepared.malformed, prepared.layout = prepared.exact.malformed, None


def shift_sql(thresholds: list[int], position: str, lo: int = 0, hi: int | None = None) -> str:
    """How many thresholds are ≤ position, as a balanced CASE (a binary search in SQL)."""
    hi = len(thresholds) if hi is None else hi
    if lo == hi:
        return str(lo)
    mid = (lo + hi) // 2
    return (f"(case when {position} < {thresholds[mid]} then {shift_sql(thresholds, position, lo, mid)} "
            f"else {shift_sql(thresholds, position, mid + 1, hi)} end)")


def insert_sql(table: str, source: ExportSource, schema: ExportSchema, prepared: PreparedFile,
               path: str | None) -> str:
    """One INSERT of a file's rows typed on the fast path; a row with a cell it could not type keeps its
    cells as text in `rejected_cells`."""
    columns = schema.columns
    typed = {c: typed_sql(col, f"raw_{c}", prepared.lookups.get(c)) for c, col in columns.items()}
    fails = " or ".join(fails_sql(col, f"raw_{c}", c) for c, col in columns.items())
    cells = ", ".join(f"{c} := raw_{c}" for c in columns)
    from_rows = prepared.layout is None
    line = "row_number" if from_rows else "null::integer"
    return (
        f"insert into {table} by name "
        f"select $month as report_month, $file as file_name, $sheet as sheet, row_number, "
        f"{', '.join(columns)}, case when {fails} then to_json(struct_pack({cells})) end as rejected_cells "
        f"{', false as is_current' if schema.snapshot else ''} "
        f"from (select {line} as row_number, {', '.join(f'raw_{c}' for c in columns)}, "
        f"{', '.join(f'{expr} as {c}' for c, expr in typed.items())} "
        f"from (select {'row_number, ' if from_rows else ''}"
        f"{', '.join(f'{c} as raw_{c}' for c in columns)} "
        f"from (select {'row_number, ' if from_rows else ''}{raw_columns_sql(source, prepared)} "
        f"from {relation_sql(prepared, path, rejects=True)})))")


def insert_file(con, table: str, source: ExportSource, schema: ExportSchema, prepared: PreparedFile,
                month: ReportMonth) -> None:
    """The file's rows in the table, each with its line number; its malformed lines noted."""
    params = {"month": str(month), "file": prepared.file.name, "sheet": prepared.sheet}
    if prepared.rows is not None:
        con.register("_file_rows", prepared.rows)
        con.execute(insert_sql(table, source, schema, prepared, None), params)
        prepared.rows_read = len(prepared.rows) + len(prepared.malformed)
        return
    if prepared.exact is not None:
        con.register("_file_rows", prepared.exact.reader())
        con.execute(insert_sql(table, source, schema, prepared, None), params)
        con.unregister("_file_rows")
        prepared.rows_read = prepared.exact.rows + len(prepared.malformed)
        return
    con.execute(f"drop table if exists {REJECTS}_errors; drop table if exists {REJECTS}_scans")
    with opened(prepared.layout) as path:
        con.execute(insert_sql(table, source, schema, prepared, path), params)
    errors = con.execute(
        f"select line, min(column_idx), max(column_idx), "
        f"bool_or(error_type in ('INVALID UNICODE', 'INVALID ENCODING')) "
        f"from {REJECTS}_errors group by line order by line").fetchall()
    con.execute(f"drop table {REJECTS}_errors; drop table {REJECTS}_scans")  # they hold the lines' text
    this_file = f"report_month = '{month}' and file_name = '{prepared.file.name.replace(chr(39), chr(39) * 2)}'"
    first, rows = con.execute(f"select min(rowid), count(*) from {table} where {this_file}").fetchall()[0]
    width = prepared.layout.width
    prepared.malformed = [(int(line), int(lo if lo < width else hi)) for line, lo, hi, _ in errors]
    prepared.rows_read = rows + len(prepared.malformed)
    if any(e[3] for e in errors):      # lines past the sniffed start in another encoding: read it again
        con.execute(f"delete from {table} where {this_file}")
        prepared.layout = streamed(prepared.layout, mixed=True)
        return insert_file(con, table, source, schema, prepared, month)
    if prepared.layout.stream:         # counted as the text went through the pipe
        lines, blank = prepared.layout.lines, prepared.layout.blank_tail
    else:
        lines, blank = prepared.read_through.result()[1], blank_tail(prepared.file.path)
    if lines is None or lines - blank != prepared.layout.header_row + prepared.rows_read:
        # a blank line or a line break inside quotes: positions are not lines, so read it the exact way
        # (blank lines at the very end hold no row and shift none)
        con.execute(f"delete from {table} where {this_file}")
        rows_in_python(prepared, source)
        return insert_file(con, table, source, schema, prepared, month)
    prepared.first_rowid = first
    if rows:
        con.execute(f"update {table} set row_number = {line_sql(prepared)} where {this_file}")


def line_sql(prepared: PreparedFile) -> str:
    """A row's line, from its rowid in the inserting transaction (where rows keep the file's order):
    header line + 1 + position among the rows + the malformed lines before it."""
    # a malformed line that is the i-th (from 0) sits before the rows from position (line - header - 1 - i) on
    thresholds = [line - prepared.layout.header_row - 1 - i for i, (line, _) in enumerate(prepared.malformed)]
    position = f"(rowid - {prepared.first_rowid})"
    return f"{prepared.layout.header_row + 1} + {position} + {shift_sql(thresholds, position)}"
