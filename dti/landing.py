"""Landing a month of one export source in the warehouse: read, type, check and store inside DuckDB.

For each file (in name order):
1. before the transaction, the reader sniffs it (`sources.records`) and one scan collects what the insert
   needs: rows, malformed lines (DuckDB's rejects) and the distinct spellings of units, enumerations and
   yes/no, which `type_value` types once each;
2. one INSERT … SELECT from `read_csv` (or the Arrow table of an xlsx file) types every cell on the SQL fast
   path and keeps, for a row with a cell it could not type, that row's cells as text (`rejected_cells`);
3. each row's line number comes from its position in the insert (DuckDB keeps the file's order inside the
   transaction) shifted past the malformed lines before it;
4. the few rows with `rejected_cells` go to `type_value`, which either types them (a spelling the fast
   path does not take) or writes their failures; the failed rows are deleted.
Then the source's pandera checks (`schemas.exports`) run in DuckDB on the month's rows, their failures are
written and the rows deleted. Nothing but failing rows ever reaches Python.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from dti.failures import FailureLog, to_frame
from dti.manifest import InboxFile, list_files
from dti.periods import ReportMonth, month_of
from dti.units import UnitResolver
from dti.warehouse import replace_rows, sql_text, transaction
from schemas.columns import LOOKED_UP, fails_sql, lookup_table, type_value, typed_sql
from schemas.control import manifest_frame, manifest_record
from schemas.exports import ExportSchema
from sources.exports import ExportSource
from sources.records import (ExcelRows, TextLayout, field_sql, is_excel, is_text, needs_transcoding,
                             physical_lines, read_csv_sql, read_excel_rows, sniff_text, transcode)
from sources.tabular import SUFFIXES, UnreadableFile, read_text

REJECTS = "_rejects"


@dataclass
class PreparedFile:
    file: InboxFile
    readable: bool = True
    sheet: str | None = None
    layout: TextLayout | None = None          # a text file DuckDB reads
    rows: pd.DataFrame | None = None          # or rows read in Python (xlsx, or a text file with odd lines)
    good_rows: int = 0
    malformed: list[tuple[int, int]] = field(default_factory=list)   # (line, fields found)
    width: int = 0
    lookups: dict[str, dict[str, object]] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return self.good_rows + len(self.malformed)


def raw_columns_sql(source: ExportSource, prepared: PreparedFile) -> str:
    """SELECT list naming each of the source's columns, as text, from the file's relation."""
    if prepared.layout is not None:
        return ", ".join(f"{field_sql(prepared.layout, c)} as {c}" for c in source.headers)
    return ", ".join(f"nullif(trim({c}), '') as {c}" for c in source.headers)


def relation_sql(prepared: PreparedFile, rejects: bool) -> str:
    if prepared.layout is not None:
        return read_csv_sql(prepared.layout, REJECTS if rejects else None)
    return "_file_rows"


def scan(con, source: ExportSource, schema: ExportSchema, prepared: PreparedFile) -> None:
    """One pass: the rows, DuckDB's malformed lines, the distinct spellings of the looked-up columns."""
    looked_up = [c for c, col in schema.columns.items() if col.kind in LOOKED_UP]
    con.execute(f"drop table if exists {REJECTS}_errors; drop table if exists {REJECTS}_scans")
    lists = "".join(f", list(distinct {c})" for c in looked_up)
    result = con.execute(f"select count(*){lists} from (select {raw_columns_sql(source, prepared)} "
                         f"from {relation_sql(prepared, rejects=True)})").fetchall()[0]
    prepared.good_rows = result[0]
    for column, spellings in zip(looked_up, result[1:]):
        prepared.lookups[column] = [s for s in spellings or [] if s is not None]
    if prepared.layout is not None:
        errors = con.execute(f"select line, min(column_idx), max(column_idx), bool_or(error_type in ('INVALID UNICODE', 'INVALID ENCODING')) "
                             f"from {REJECTS}_errors group by line order by line").fetchall()
        if any(e[3] for e in errors):
            raise UnicodeError("invalid UTF-8")
        prepared.malformed = [(int(line), int(lo if lo < prepared.layout.width else hi)) for line, lo, hi, _ in errors]


def lines_accounted(prepared: PreparedFile) -> bool:
    """Every line after the header is a row or a malformed line: no blank line, no line break inside a field."""
    layout = prepared.layout
    return physical_lines(layout.path) == layout.header_row + prepared.good_rows + len(prepared.malformed)


def rows_in_python(prepared: PreparedFile, source: ExportSource) -> None:
    """Read a text file the exact, slow way: for files whose line numbers DuckDB's order cannot give."""
    table = read_text(prepared.file.path, source.headers, source.required)
    records = [{"row_number": n, **{c: values.get(c) for c in source.headers}} for n, values in table.rows]
    prepared.rows = pd.DataFrame(records, columns=["row_number", *source.headers]).astype("string")
    prepared.rows["row_number"] = prepared.rows["row_number"].astype("int32")
    prepared.malformed, prepared.layout = table.malformed, None


def prepare(con, file: InboxFile, source: ExportSource, schema: ExportSchema, log: FailureLog,
            resolver: UnitResolver, workdir: Path) -> PreparedFile:
    prepared = PreparedFile(file)
    try:
        if is_excel(file.path):
            excel: ExcelRows = read_excel_rows(file.path, source.headers, source.required)
            prepared.sheet = excel.sheet
            if excel.table is not None:
                prepared.rows = excel.table.to_pandas()
            found = excel.header_row is not None
        elif is_text(file.path):
            prepared.layout = sniff_text(file.path, source.headers, source.required)
            found = prepared.layout is not None
            if found and needs_transcoding(prepared.layout):
                prepared.layout = transcode(prepared.layout, workdir)
        else:
            raise UnreadableFile(f"loại tệp {file.path.suffix or '(không đuôi)'} không được hỗ trợ")
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
    prepared.width = prepared.layout.width if prepared.layout else 0
    try:
        _scan_file(con, source, schema, prepared, workdir)
    except duckdb.Error as exc:
        log.add("file_unreadable", detail=str(exc).splitlines()[0][:120], file_name=file.name)
        prepared.readable = False
        return prepared
    for line, fields in prepared.malformed:
        log.add("row_malformed", sheet=prepared.sheet, row=line, value=fields, expected=prepared.width,
                file_name=file.name)
    for column, spellings in prepared.lookups.items():
        prepared.lookups[column] = lookup_table(spellings, schema.columns[column], resolver)
    return prepared


def _scan_file(con, source, schema, prepared: PreparedFile, workdir: Path) -> None:
    if prepared.rows is not None:
        con.register("_file_rows", prepared.rows)
        scan(con, source, schema, prepared)
        return
    try:
        scan(con, source, schema, prepared)
    except (UnicodeError, duckdb.InvalidInputException) as exc:
        if "unicode" not in str(exc).lower() and "utf" not in str(exc).lower():
            raise
        prepared.layout = transcode(prepared.layout, workdir, mixed=True)  # lines in two encodings
        scan(con, source, schema, prepared)
    if not lines_accounted(prepared):
        rows_in_python(prepared, source)
        con.register("_file_rows", prepared.rows)
        scan(con, source, schema, prepared)


def shift_sql(thresholds: list[int], position: str, lo: int = 0, hi: int | None = None) -> str:
    """How many thresholds are ≤ position, as a balanced CASE (a binary search in SQL)."""
    hi = len(thresholds) if hi is None else hi
    if lo == hi:
        return str(lo)
    mid = (lo + hi) // 2
    return (f"(case when {position} < {thresholds[mid]} then {shift_sql(thresholds, position, lo, mid)} "
            f"else {shift_sql(thresholds, position, mid + 1, hi)} end)")


def insert_file(con, table: str, source: ExportSource, schema: ExportSchema, prepared: PreparedFile,
                month: ReportMonth) -> None:
    """One INSERT of the file's rows typed on the fast path, then each row's line number."""
    columns = schema.columns
    typed = {c: typed_sql(col, f"raw_{c}", prepared.lookups.get(c)) for c, col in columns.items()}
    fails = " or ".join(fails_sql(col, f"raw_{c}", c) for c, col in columns.items())
    cells = ", ".join(f"{c} := raw_{c}" for c in columns)
    from_rows = prepared.layout is None
    line = "row_number" if from_rows else "null::integer"
    con.execute(
        f"insert into {table} by name "
        f"select $month as report_month, $file as file_name, $sheet as sheet, row_number, "
        f"{', '.join(columns)}, case when {fails} then to_json(struct_pack({cells})) end as rejected_cells "
        f"{', false as is_current' if schema.snapshot else ''} "
        f"from (select {line} as row_number, {', '.join(f'raw_{c}' for c in columns)}, "
        f"{', '.join(f'{expr} as {c}' for c, expr in typed.items())} "
        f"from (select {'row_number, ' if from_rows else ''}"
        f"{', '.join(f'{c} as raw_{c}' for c in columns)} "
        f"from (select {'row_number, ' if from_rows else ''}{raw_columns_sql(source, prepared)} "
        f"from {relation_sql(prepared, rejects=False)})))",
        {"month": str(month), "file": prepared.file.name, "sheet": prepared.sheet})
    if not from_rows:
        number_lines(con, table, prepared)


def number_lines(con, table: str, prepared: PreparedFile) -> None:
    """Line = header line + 1 + position among the rows + malformed lines before it (rows keep the file's order)."""
    first = con.execute(f"select min(rowid) from {table} where row_number is null").fetchall()[0][0]
    if first is None:
        return
    # a malformed line that is the i-th (from 0) sits before the rows from position (line - header - 1 - i) on
    thresholds = [line - prepared.layout.header_row - 1 - i for i, (line, _) in enumerate(prepared.malformed)]
    position = f"(rowid - {first})"
    con.execute(f"update {table} set row_number = {prepared.layout.header_row + 1} + {position} + "
                f"{shift_sql(thresholds, position)} where row_number is null")


def settle_rejected_cells(con, table: str, schema: ExportSchema, log: FailureLog, resolver: UnitResolver,
                          month: ReportMonth) -> None:
    """Rows the fast path could not type: `type_value` types them, or logs each failing cell and they go."""
    rows = con.execute(f"select rowid, file_name, sheet, row_number, rejected_cells from {table} "
                       f"where report_month = ? and rejected_cells is not null", [str(month)]).fetchall()
    fixed, failed = [], []
    for rowid, file_name, sheet, row_number, cells in rows:
        raw = json.loads(cells)
        unit = resolver.resolve(raw.get("unit_code")) if "unit_code" in schema.columns else None
        values, ok = {"rid": rowid}, True
        for name, col in schema.columns.items():
            try:
                values[name] = type_value(raw.get(name), col, resolver)
            except ValueError as exc:
                check, expected = exc.args
                log.add(check, sheet=sheet, row=row_number, column=col.display, value=raw.get(name),
                        expected=expected, file_name=file_name, unit_code=unit)
                ok = False
        (fixed if ok else failed).append(values if ok else rowid)
    if fixed:
        frame = pd.DataFrame(fixed, columns=["rid", *schema.columns])
        con.register("_fixed", frame)
        assignments = ", ".join(f"{c} = _fixed.{c}" for c in schema.columns)
        con.execute(f"update {table} set {assignments}, rejected_cells = null from _fixed "
                    f"where {table}.rowid = _fixed.rid")
        con.unregister("_fixed")
    delete_rows(con, table, failed)


def delete_rows(con, table: str, rowids: list[int]) -> None:
    if rowids:
        con.register("_gone", pd.DataFrame({"rid": rowids}))
        con.execute(f"delete from {table} where rowid in (select rid from _gone)")
        con.unregister("_gone")


def _shown(value: object) -> object:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def run_checks(con, table: str, schema: ExportSchema, month: ReportMonth, log: FailureLog) -> None:
    """The source's pandera checks, compiled by pandera's Ibis backend to SQL and run on the month's rows."""
    from dti.ibis_checks import failing_rows

    con.execute(f"create or replace temp view _month_rows as select rowid as _rid, * from {table} "
                f"where report_month = '{month}'")
    display = schema.display
    gone = set()
    for check_name, column, frame in failing_rows(con, "_month_rows", schema.checks(month)):
        order = schema.blamed(check_name)
        blamed = order.later if order else column
        for row in frame.to_dict("records"):
            if order:
                expected = "" if pd.isna(row[order.earlier]) else _shown(row[order.earlier])
            elif check_name == "out_of_month":
                expected = str(month_of(row[blamed]))
            else:
                expected = ""
            log.add(check_name, sheet=row["sheet"], row=int(row["row_number"]), column=display.get(blamed, blamed),
                    value=_shown(row[blamed]), expected=expected, file_name=row["file_name"],
                    unit_code=row.get("unit_code"))
            gone.add(int(row["_rid"]))
    delete_rows(con, table, sorted(gone))


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
    files = list_files(inbox / str(month) / source.name, SUFFIXES)
    log = FailureLog(str(month), source.name)
    resolver = UnitResolver()
    con.execute(sql_text("record_macros"))
    with tempfile.TemporaryDirectory(prefix="dti-transcode-") as workdir:
        prepared = [prepare(con, f, source, schema, log, resolver, Path(workdir)) for f in files]
        with transaction(con):
            con.execute(f"delete from {table} where report_month = ?", [str(month)])
            for p in prepared:
                if p.readable:
                    if p.rows is not None:
                        con.register("_file_rows", p.rows)
                    insert_file(con, table, source, schema, p, month)
            settle_rejected_cells(con, table, schema, log, resolver, month)
            run_checks(con, table, schema, month, log)
            if schema.snapshot:
                mark_current(con, table, schema.key, [p for p in prepared if p.readable], month)
            loaded = dict(con.execute(f"select file_name, count(*) from {table} where report_month = ? "
                                      f"group by 1", [str(month)]).fetchall())
            manifest = manifest_frame([manifest_record(str(month), source.name, p.file, p.rows_read,
                                                       int(loaded.get(p.file.name, 0)), p.readable)
                                       for p in prepared])
            replace_rows(con, "quality.validation_failures", to_frame(log.failures), report_month=str(month),
                         source=source.name)
            replace_rows(con, "raw.files", manifest, report_month=str(month), source=source.name)
    return {"files": len(files), "rows_read": sum(p.rows_read for p in prepared),
            "rows_loaded": sum(loaded.values()), "failures": len(log.failures)}
