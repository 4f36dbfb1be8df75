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
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pandas as pd

from domain.failures import FailureLog, to_frame
from sources.inbox import list_files
from domain.periods import ReportMonth, month_of
from domain.units import UnitResolver
from warehouse.connection import replace_rows, sql_text, transaction
from schemas.columns import type_value
from schemas.manifest import manifest_frame, manifest_record
from schemas.exports import ExportSchema
from schemas.validation import shown
from sources.exports import ExportSource
from sources.formats import SUFFIXES
from sources.records import read_through

from landing.export_file import PreparedFile, insert_file, prepare


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
    clock = Phases()
    with ThreadPoolExecutor(max_workers=1) as reader:
        with clock("dò tệp"):
            prepared = [prepare(con, f, source, schema, log, resolver) for f in files]
        for p in prepared:
            p.read_through = reader.submit(read_through, p.file.path)
        with transaction(con):  # 1: the rows, typed, numbered and checked
            con.execute(f"delete from {table} where report_month = ?", [str(month)])
            with clock("đọc, định kiểu, số dòng"):
                for p in prepared:
                    if p.readable:
                        insert_file(con, table, source, schema, p, month)
                        for line, fields in p.malformed:
                            log.add("row_malformed", sheet=p.sheet, row=line, value=fields,
                                    expected=p.width, file_name=p.file.name)
                settle_rejected_cells(con, table, schema, log, resolver, month)
            with clock("kiểm tra pandera"):
                run_checks(con, table, schema, month, log)
            clock.start("ghi")
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
        clock.stop()
    return {"files": len(files), "rows_read": sum(p.rows_read for p in prepared),
            "rows_loaded": sum(loaded.values()), "failures": len(log.failures), "phases": clock.said()}


class Phases:
    """Seconds of each landing phase, said as `dò tệp 0,1 s; đọc, định kiểu, số dòng 12,2 s; ...`."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.current: tuple[str, float] | None = None

    def start(self, name: str) -> None:
        self.stop()
        self.current = (name, time.monotonic())

    def stop(self) -> None:
        if self.current is not None:
            name, began = self.current
            self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - began
            self.current = None

    @contextmanager
    def __call__(self, name: str):
        self.start(name)
        try:
            yield
        finally:
            self.stop()

    def said(self) -> str:
        return "; ".join(f"{name} {seconds:.1f} s".replace(".", ",") for name, seconds in self.seconds.items())
