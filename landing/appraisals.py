"""Appraisal workbooks returned through `appraisal/` (SPEC §6): read, validate, append to the history.

A file is placed by its labels: `Mã đơn vị` must name a commune (TPVT is appraised by the province) and
`Kỳ báo cáo` the folder's month, else the whole file is one failure and nothing of it lands. Its valid rows
are appended to `staging.appraisals` once (keyed by the file's SHA-256 and the criterion): a re-run adds
nothing, a later file adds its rows beside the earlier ones, and no row is ever updated or deleted. The
manifest and the failures describe the folder as it is now, like every other source.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from domain import reference
from domain.failures import Failure, FailureLog, to_frame
from domain.periods import ReportMonth
from domain.units import UnitResolver, rubric_of
from schemas.appraisal import appraisal_frame
from schemas.manifest import manifest_frame, manifest_record
from sources.appraisal import LABEL_MONTH, LABEL_UNIT, SHEET, read_appraisal_workbook
from sources.excel import HostileWorkbook
from sources.formats import EXCEL_SUFFIXES
from sources.inbox import InboxFile, list_files
from warehouse.connection import replace_rows, transaction

SOURCE = "appraisal"
HISTORY_COLUMNS = ["report_month", "unit_code", "criterion_code", "appraised_score", "comment", "appraiser",
                   "file_name", "sha256", "received_at", "row_number"]


@dataclass
class LandedAppraisal:
    file: InboxFile
    unit_code: str | None = None
    rows_read: int = 0
    frame: pd.DataFrame | None = None
    failures: list[Failure] = field(default_factory=list)
    readable: bool = True

    @property
    def rows_loaded(self) -> int:
        return 0 if self.frame is None else len(self.frame)


def commune_max_points() -> dict[str, float]:
    criteria = reference.rubric_criteria()
    rows = criteria[(criteria["rubric"] == "commune") & (criteria["level"] == "criterion")]
    return {code: float(points) for code, points in zip(rows["criterion_code"], rows["max_points"])}


def _placed(book, month: ReportMonth, resolver: UnitResolver, log: FailureLog) -> str | None:
    """The commune the file appraises, when its labels place it in this month's folder; else failures."""
    unit_code = resolver.resolve(book.unit_code_text) if book.unit_code_text is not None else None
    log.unit_code = unit_code
    if unit_code is None:
        log.add("unit_unknown", sheet=SHEET, column=LABEL_UNIT, value=book.unit_code_text)
    elif rubric_of(unit_code) != "commune":
        log.add("appraisal_not_commune", sheet=SHEET, column=LABEL_UNIT, value=book.unit_code_text)
    try:
        declared = ReportMonth.parse(book.report_month_text)
        if declared != month:
            log.add("misfiled", sheet=SHEET, column=LABEL_MONTH, value=str(declared), expected=str(month))
    except ValueError:
        log.add("report_month_invalid", sheet=SHEET, column=LABEL_MONTH, value=book.report_month_text)
    return None if log.failures else unit_code


def process_appraisal(file: InboxFile, month: ReportMonth, resolver: UnitResolver,
                      max_points: dict[str, float]) -> LandedAppraisal:
    result = LandedAppraisal(file)
    log = FailureLog(str(month), SOURCE, file.name)
    try:
        book = read_appraisal_workbook(file.path)
    except Exception as exc:  # corrupt, not a workbook: one failure, the month goes on
        log.add("file_unreadable", detail=str(exc) if isinstance(exc, HostileWorkbook) else type(exc).__name__)
        result.readable, result.failures = False, log.failures
        return result
    for missing in book.missing:
        log.add("sheet_missing" if missing == SHEET else "header_missing", sheet=book.sheet, column=missing)
    result.rows_read = len(book.scored_rows)
    unit_code = None if book.missing else _placed(book, month, resolver, log)
    if unit_code is not None:
        result.unit_code = unit_code
        frame = appraisal_frame(book.scored_rows, log, max_points)
        appraiser = None if book.appraiser is None else str(book.appraiser).strip() or None
        result.frame = frame.assign(report_month=str(month), unit_code=unit_code, appraiser=appraiser,
                                    file_name=file.name, sha256=file.sha256, received_at=file.modified_at)
    result.failures = log.failures
    return result


def _append_new(con, frame: pd.DataFrame) -> int:
    """Rows of files not yet in the history (by SHA-256 and criterion): the history only grows."""
    con.register("_incoming", frame[HISTORY_COLUMNS])
    try:
        return con.execute("""insert into staging.appraisals by name
                              select i.* from _incoming i
                              anti join staging.appraisals a using (sha256, criterion_code, report_month)""").fetchone()[0]
    finally:
        con.unregister("_incoming")


def land_appraisals(con, inbox: Path, month: ReportMonth) -> dict:
    """Read every appraisal workbook of the month, append what passed to the history, replace the month's
    manifest and failures, in one transaction."""
    resolver, max_points = UnitResolver(), commune_max_points()
    files = list_files(inbox / str(month) / SOURCE, EXCEL_SUFFIXES)
    landed = [process_appraisal(f, month, resolver, max_points) for f in files]
    frames = [b.frame for b in landed if b.frame is not None and not b.frame.empty]
    manifest = [manifest_record(str(month), SOURCE, b.file, b.rows_read, b.rows_loaded, b.readable, b.unit_code)
                for b in landed]
    failures = to_frame([f for b in landed for f in b.failures])
    with transaction(con):
        added = _append_new(con, pd.concat(frames, ignore_index=True)) if frames else 0
        replace_rows(con, "quality.validation_failures", failures, report_month=str(month), source=SOURCE)
        replace_rows(con, "raw.files", manifest_frame(manifest), report_month=str(month), source=SOURCE)
    return {"files": len(files), "rows_read": sum(b.rows_read for b in landed),
            "rows_loaded": sum(b.rows_loaded for b in landed), "rows_added": int(added), "failures": len(failures)}
