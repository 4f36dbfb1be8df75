"""Unit workbooks (`units/`, SPEC §3.6): read, validate, land into staging, account for every row."""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd

from domain import reference
from domain.failures import Failure, FailureLog, to_frame
from sources.inbox import InboxFile, list_files
from domain.periods import ReportMonth
from domain.units import UnitResolver, rubric_of
from warehouse.connection import replace_rows, transaction
from sources.excel import HostileWorkbook
from schemas.manifest import manifest_frame, manifest_record
from schemas.unit_workbook import dti_frame, general_info_frame, indicator_frame, rejected_indicators
from sources.unit_workbook import SHEET_DTI, SHEET_GENERAL, SHEET_INDICATORS, read_unit_workbook

SOURCE = "units"
REJECTED = "ChiTieu (rejected rows)"


@dataclass
class LandedWorkbook:
    file: InboxFile
    unit_code: str | None = None
    rows_read: int = 0
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    rejected_indicators: pd.DataFrame | None = None  # ChiTieu rows rejected: still no_data in the marts
    failures: list[Failure] = field(default_factory=list)
    readable: bool = True

    @property
    def rows_loaded(self) -> int:
        return sum(len(f) for f in self.frames.values())


def process_workbook(file: InboxFile, month: ReportMonth, resolver: UnitResolver, catalogue: pd.DataFrame,
                     criteria: pd.DataFrame) -> LandedWorkbook:
    result = LandedWorkbook(file)
    log = FailureLog(str(month), SOURCE, file.name)
    try:
        book = read_unit_workbook(file.path)
    except Exception as exc:  # corrupt, not a workbook, password-protected: one failure, the month goes on
        log.add("file_unreadable", detail=str(exc) if isinstance(exc, HostileWorkbook) else type(exc).__name__)
        result.readable, result.failures = False, log.failures
        return result
    result.rows_read = book.rows_read
    sheet = book.first_sheet
    unit_code = resolver.resolve(book.unit_code_text) if book.unit_code_text else None
    name_code = resolver.resolve(book.unit_name_text)
    log.unit_code = unit_code  # failures name the unit they go back to, once it is known
    if unit_code is None and book.unit_code_text is not None:
        log.add("unit_unknown", sheet=sheet, column="Mã đơn vị", value=book.unit_code_text)
    elif unit_code and name_code and unit_code != name_code:
        log.add("unit_mismatch", sheet=sheet, column="Mã đơn vị", value=book.unit_code_text)
    elif unit_code is None:
        unit_code = log.unit_code = name_code
        if unit_code is None:
            log.add("unit_unknown", sheet=SHEET_GENERAL, column="Tên cơ quan, đơn vị", value=book.unit_name_text)
    try:
        declared = ReportMonth.parse(book.report_month_text)
        if declared != month:
            log.add("misfiled", sheet=sheet, column="Kỳ báo cáo", value=str(declared), expected=str(month))
    except ValueError:
        log.add("report_month_invalid", sheet=sheet, column="Kỳ báo cáo", value=book.report_month_text)
    for missing in book.missing_sheets:
        if missing != SHEET_DTI or rubric_of(unit_code) is not None:
            log.add("sheet_missing", column=missing)
    for name, table in book.tables.items():
        for column in table.missing:
            log.add("header_missing", sheet=name, column=column)
    if log.failures:  # the workbook as a whole cannot be placed: every row is rejected
        result.failures = log.failures
        return result
    result.unit_code = unit_code
    year = reference.catalogue_year(month.year, set(catalogue["year"]))
    codes = set(catalogue.loc[catalogue["year"] == year, "indicator_code"])
    if SHEET_GENERAL in book.tables:
        result.frames[SHEET_GENERAL] = general_info_frame(book.tables[SHEET_GENERAL].rows, log)
    if SHEET_INDICATORS in book.tables:
        result.frames[SHEET_INDICATORS] = indicator_frame(book.tables[SHEET_INDICATORS].rows, log, codes, year)
        result.rejected_indicators = rejected_indicators(book.tables[SHEET_INDICATORS].rows, log)
    rubric = rubric_of(unit_code)
    if rubric and SHEET_DTI in book.tables:
        rubric_rows = criteria[(criteria["rubric"] == rubric) & (criteria["level"] == "criterion")]
        result.frames[SHEET_DTI] = dti_frame(book.tables[SHEET_DTI].rows, log, rubric_rows, rubric)
    elif SHEET_DTI in book.tables:  # a department's DTI sheet is not expected: read, not scored
        result.rows_read -= len(book.tables[SHEET_DTI].rows)
    result.failures = log.failures
    return result


def read_all(files: list[InboxFile], process) -> list[LandedWorkbook]:
    """Each file through `process`, in the file order. openpyxl parses in Python, one core at a time: a month's
    30 workbooks take about 1,5 s, so they are shared between forked processes, one per core (a fork costs
    milliseconds and inherits the imports; each child only reads files and returns frames)."""
    workers = min(len(files), os.cpu_count() or 1)
    if workers < 2:
        return [process(f) for f in files]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(process, files, chunksize=-(-len(files) // workers)))


def land_unit_workbooks(con, inbox: Path, month: ReportMonth) -> dict:
    """Read every workbook of the month, land what passed, replace the month's rows in one transaction."""
    resolver = UnitResolver()
    catalogue, criteria = reference.indicators(), reference.rubric_criteria()
    files = list_files(inbox / str(month) / SOURCE, (".xlsx", ".xlsm"))
    landed = read_all(files, partial(process_workbook, month=month, resolver=resolver, catalogue=catalogue,
                                     criteria=criteria))
    newest: dict[str, LandedWorkbook] = {}
    for book in landed:  # the newest workbook of a unit wins; earlier ones stay on record
        if book.unit_code and (book.unit_code not in newest
                               or book.file.modified_at >= newest[book.unit_code].file.modified_at):
            newest[book.unit_code] = book
    current = {id(b) for b in newest.values()}
    staging = {SHEET_GENERAL: [], SHEET_INDICATORS: [], SHEET_DTI: [], REJECTED: []}
    manifest = []
    for book in landed:
        frames = dict(book.frames)
        if book.rejected_indicators is not None:
            frames[REJECTED] = book.rejected_indicators
        for sheet, frame in frames.items():
            staging[sheet].append(frame.assign(report_month=str(month), unit_code=book.unit_code,
                                               file_name=book.file.name, is_current=id(book) in current))
        manifest.append(manifest_record(str(month), SOURCE, book.file, book.rows_read, book.rows_loaded,
                                        book.readable, book.unit_code, id(book) in current))
    failures = to_frame([f for book in landed for f in book.failures])
    tables = {SHEET_GENERAL: "staging.unit_general_info", SHEET_INDICATORS: "staging.unit_indicators",
              SHEET_DTI: "staging.unit_dti_answers", REJECTED: "staging.unit_indicators_rejected"}
    with transaction(con):
        for sheet, table in tables.items():
            frame = pd.concat(staging[sheet], ignore_index=True) if staging[sheet] else None
            if frame is not None and sheet == SHEET_GENERAL:
                frame = frame.drop(columns="row_number")
            replace_rows(con, table, frame, report_month=str(month))
        replace_rows(con, "quality.validation_failures", failures, report_month=str(month), source=SOURCE)
        replace_rows(con, "raw.files", manifest_frame(manifest), report_month=str(month), source=SOURCE)
    return {"files": len(files), "rows_read": sum(b.rows_read for b in landed),
            "rows_loaded": sum(b.rows_loaded for b in landed), "failures": len(failures),
            "units_received": len(newest)}
