"""Landing a month of one export source in the warehouse: read, type, check and store inside DuckDB.

For each file (in name order):
1. before the transaction, the reader sniffs it (`sources.text_layout`), and `type_value` types once each the
   spellings of units, enumerations and yes/no that the reference data and the file's first rows hold;
2. one INSERT … SELECT from `read_csv` (or the Arrow table of an xlsx file) types every cell on the SQL fast
   path and keeps, for a row with a cell it could not type, that row's cells as text (`rejected_cells`);
   DuckDB notes the malformed lines it leaves out;
3. each row's line number comes from its position in the insert (DuckDB keeps the file's order inside the
   transaction) shifted past the malformed lines before it, and is stored for every row of every file (one
   UPDATE, whatever the file's size);
4. the few rows with `rejected_cells` go to `type_value`, which either types them (a spelling the fast
   path does not take) or writes their failures;
5. the source's pandera checks (`schemas.exports`) run in DuckDB on the month's typed rows, and the rows
   that fail are marked.
That is the first transaction. The second deletes the failed rows and writes the failures and the file
manifest. Deleting rows in the transaction that inserted them would make DuckDB rewrite the whole insert
at commit; once committed, a delete costs little. A run stopped between the two leaves the month's failed
rows marked in the live warehouse only: readers see the snapshot published after a whole run, and the
next run of the month replaces them. Nothing but failing rows ever reaches Python.
"""
from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa

from domain.failures import FailureLog, to_frame
from sources.inbox import InboxFile, list_files
from domain.periods import ReportMonth, month_of
from domain.units import UnitResolver
from warehouse.connection import replace_rows, sql_text, transaction
from schemas.columns import LOOKED_UP, fails_sql, known_spellings, lookup_table, type_value, typed_sql
from schemas.manifest import manifest_frame, manifest_record
from schemas.exports import ExportSchema
from schemas.validation import shown
from sources.exports import ExportSource
from sources.excel import ExcelRows, read_excel_rows
from sources.formats import SUFFIXES, UnreadableFile, is_excel, is_text
from sources.records import ExactRows, read_through
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


def settle_rejected_cells(con, table: str, schema: ExportSchema, log: FailureLog, resolver: UnitResolver,
                          month: ReportMonth) -> None:
    """Rows the fast path could not type: `type_value` types them, or logs each failing cell (they keep
    `rejected_cells` until the second transaction deletes them)."""
    rows = con.execute(f"select rowid, file_name, sheet, row_number, rejected_cells from {table} "
                       f"where report_month = ? and rejected_cells is not null", [str(month)]).fetchall()
    fixed = []
    for rowid, file_name, sheet, row_number, cells in rows:
        raw = json.loads(cells)
        unit = resolver.resolve(raw.get("unit_code")) if "unit_code" in schema.columns else None
        values, ok = {"rid": rowid}, True
        for name, col in schema.columns.items():
            try:
                values[name] = type_value(raw.get(name), col, resolver)
            except ValueError as exc:
                check, expected = exc.args
                value = raw.get(name)
                log.add(check, sheet=sheet, row=row_number, column=col.display,
                        value=value.strip() if isinstance(value, str) else value, expected=expected,
                        file_name=file_name, unit_code=unit)
                ok = False
        if ok:
            fixed.append(values)
    if fixed:
        frame = pd.DataFrame(fixed, columns=["rid", *schema.columns])
        con.register("_fixed", frame)
        assignments = ", ".join(f"{c} = _fixed.{c}" for c in schema.columns)
        con.execute(f"update {table} set {assignments}, rejected_cells = null from _fixed "
                    f"where {table}.rowid = _fixed.rid")
        con.unregister("_fixed")


def run_checks(con, table: str, schema: ExportSchema, month: ReportMonth, log: FailureLog) -> None:
    """The source's pandera checks, compiled by pandera's Ibis backend to SQL and run on the month's typed
    rows; a row that fails is marked (`rejected_cells` = '{}') for the second transaction to delete."""
    from landing.ibis_checks import failing_rows

    # In this transaction rowids follow the inserts: files in name order, rows in the file's order. That is
    # the rows' position; a failing row's line is the one stored with it.
    columns = ", ".join(schema.checked_columns)
    con.execute(f"create or replace temp view _month_rows as select rowid as _rid, rowid as position, file_name, "
                f"sheet, {columns} from {table} where report_month = '{month}' and rejected_cells is null")
    failures = [(name, column, frame) for name, column, frame in failing_rows(con, "_month_rows", schema.checks(month))]
    if not failures:
        return
    con.register("_gone", pd.DataFrame({"rid": sorted({int(r) for _, _, f in failures for r in f["_rid"]})}))
    lines = dict(con.execute(f"select rowid, row_number from {table} "
                             f"where rowid in (select rid from _gone)").fetchall())
    con.execute(f"update {table} set rejected_cells = '{{}}' where rowid in (select rid from _gone)")
    con.unregister("_gone")
    display = schema.display
    for check_name, column, frame in failures:
        order = schema.blamed(check_name)
        blamed = order.later if order else column
        for row in frame.to_dict("records"):
            if order:
                expected = "" if pd.isna(row[order.earlier]) else shown(row[order.earlier])
            elif check_name == "out_of_month":
                expected = str(month_of(row[blamed]))
            else:
                expected = ""
            log.add(check_name, sheet=row["sheet"], row=lines[int(row["_rid"])], column=display.get(blamed, blamed),
                    value=shown(row[blamed]), expected=expected, file_name=row["file_name"],
                    unit_code=row.get("unit_code"))


def mark_current(con, table: str, key: str, files: list[PreparedFile], month: ReportMonth) -> None:
    """Snapshot sources: per key, the row of the newest file wins (the first such row within it)."""
    con.register("_files", pd.DataFrame({"file_name": [p.file.name for p in files],
                                         "modified_at": [p.file.modified_at for p in files]}))
    con.execute(f"update {table} set is_current = true where rowid in (select rid from ("
                f"select t.rowid as rid, row_number() over (partition by t.{key} order by f.modified_at desc, "
                f"t.file_name, t.row_number) as n from {table} t join _files f using (file_name) "
                f"where t.report_month = ?) where n = 1)", [str(month)])
    con.unregister("_files")


def land_export(con, inbox: Path, month: ReportMonth, source: ExportSource, schema: ExportSchema,
                table: str) -> dict:
    """Replace the month's rows of one export source; every row read is loaded or has a failure."""
    files = list_files(inbox / str(month) / source.name, SUFFIXES, digests=False)
    log = FailureLog(str(month), source.name)
    resolver = UnitResolver()
    con.execute(sql_text("record_macros"))
    # each file's SHA-256 and line count, read beside DuckDB's work (hashlib and numpy let go of the GIL)
    with ThreadPoolExecutor(max_workers=1) as reader:
        prepared = [prepare(con, f, source, schema, log, resolver) for f in files]
        for p in prepared:
            p.read_through = reader.submit(read_through, p.file.path)
        with transaction(con):  # 1: the rows, typed, numbered and checked
            con.execute(f"delete from {table} where report_month = ?", [str(month)])
            for p in prepared:
                if p.readable:
                    insert_file(con, table, source, schema, p, month)
                    for line, fields in p.malformed:
                        log.add("row_malformed", sheet=p.sheet, row=line, value=fields,
                                expected=p.width, file_name=p.file.name)
            settle_rejected_cells(con, table, schema, log, resolver, month)
            run_checks(con, table, schema, month, log)
        with transaction(con):  # 2: the failed rows out, the failures and the manifest in
            con.execute(f"delete from {table} where report_month = ? and rejected_cells is not null", [str(month)])
            if schema.snapshot:
                mark_current(con, table, schema.key, [p for p in prepared if p.readable], month)
            loaded = dict(con.execute(f"select file_name, count(*) from {table} where report_month = ? "
                                      f"group by 1", [str(month)]).fetchall())
            for p in prepared:
                p.file = replace(p.file, sha256=p.read_through.result()[0])
            manifest = manifest_frame([manifest_record(str(month), source.name, p.file, p.rows_read,
                                                       int(loaded.get(p.file.name, 0)), p.readable)
                                       for p in prepared])
            replace_rows(con, "quality.validation_failures", to_frame(log.failures), report_month=str(month),
                         source=source.name)
            replace_rows(con, "raw.files", manifest, report_month=str(month), source=source.name)
    return {"files": len(files), "rows_read": sum(p.rows_read for p in prepared),
            "rows_loaded": sum(loaded.values()), "failures": len(log.failures)}
