"""`dti appraisal YYYY-MM` (SPEC §6): one workbook per commune for the city's appraisers,
`ThamDinh_<UNIT>_<YYYY-MM>.xlsx`, prefilled with each criterion's maximum, self score, computed score and
basis, and the unit's own evidence; the appraisers fill `Điểm UBND cấp huyện thẩm định` (Excel refuses a value
outside 0…max, max…0 for a penalty), `Ý kiến thẩm định` and their name. Everything else is protected.
Filled workbooks come back through the inbox folder `appraisal/` of the month (landing/appraisals.py).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from domain.periods import ReportMonth
from domain.vnformat import vn_number
from schemas.appraisal import score_range
from sources.appraisal import HEADERS, LABEL_APPRAISER, LABEL_MONTH, LABEL_UNIT, SHEET
from warehouse.connection import query

FONT = "Times New Roman"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ROW = 7
# column: (header, width); the order of sources.appraisal.HEADERS
WIDTHS = {"criterion_code": 10, "name": 42, "max_points": 8, "self_score": 9, "computed_score": 9, "basis": 40,
          "evidence": 28, "appraised_score": 13, "comment": 30}
INPUTS = ("appraised_score", "comment")


def file_name(unit_code: str, month: ReportMonth) -> str:
    return f"ThamDinh_{unit_code}_{month}.xlsx"


def _font(bold: bool = False, size: int = 11) -> Font:
    return Font(name=FONT, bold=bold, size=size)


def _range_validation(ws, low: float, high: float) -> DataValidation:
    dv = DataValidation(type="decimal", operator="between", formula1=f"{low:g}", formula2=f"{high:g}",
                        allow_blank=True, showErrorMessage=True, errorStyle="stop")
    dv.errorTitle = "Điểm thẩm định không hợp lệ"
    dv.error = f"Điểm thẩm định của tiêu chí này phải từ {vn_number(low)} đến {vn_number(high)}."
    ws.add_data_validation(dv)
    return dv


def write_appraisal_workbook(path: Path, unit_code: str, unit_name: str, month: ReportMonth,
                             rows: pd.DataFrame) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    columns = list(HEADERS)
    ws.cell(1, 1, "UBND THÀNH PHỐ VŨNG TÀU").font = _font(bold=True)
    ws.cell(2, 1, f"PHIẾU THẨM ĐỊNH ĐIỂM CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP XÃ — {unit_name.upper()}").font = _font(True, 13)
    for row, (label, value) in enumerate(((LABEL_UNIT, unit_code), (LABEL_MONTH, str(month)),
                                          (LABEL_APPRAISER, None)), start=3):
        ws.cell(row, 1, label).font = _font(bold=True)
        cell = ws.cell(row, 2, value)
        cell.font = _font()
        if value is None:  # the appraisers' name: an input
            cell.fill, cell.protection = INPUT_FILL, Protection(locked=False)
    ws.cell(6, 1, "Điền cột \"Điểm UBND cấp huyện thẩm định\" (ô màu vàng) và ý kiến; để trống tiêu chí không thẩm "
                  "định. Gửi lại tệp vào thư mục appraisal/ của kỳ.").font = _font(size=10)
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(HEADER_ROW, i, HEADERS[column][0])
        cell.font, cell.border = _font(bold=True), GRID
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[cell.column_letter].width = WIDTHS[column]
    validations: dict[tuple[float, float], DataValidation] = {}
    for r, item in enumerate(rows.itertuples(index=False), start=HEADER_ROW + 1):
        values = {"criterion_code": item.criterion_code, "name": item.criterion_name, "max_points": item.max_points,
                  "self_score": item.self_score, "computed_score": item.computed_score, "basis": item.basis,
                  "evidence": item.evidence, "appraised_score": None, "comment": None}
        for i, column in enumerate(columns, start=1):
            value = values[column]
            cell = ws.cell(r, i, None if pd.isna(value) else value)
            cell.font, cell.border = _font(), GRID
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column in INPUTS:
                cell.fill, cell.protection = INPUT_FILL, Protection(locked=False)
        bounds = score_range(float(item.max_points))
        if bounds not in validations:
            validations[bounds] = _range_validation(ws, *bounds)
        validations[bounds].add(ws.cell(r, columns.index("appraised_score") + 1).coordinate)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize, ws.page_setup.orientation = ws.PAPERSIZE_A4, "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "Trang &P / &N"
    ws.protection.sheet = True  # only the yellow cells take input
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_appraisals(con, month: ReportMonth, out_dir: Path) -> list[Path]:
    """One workbook per commune, from the read-only snapshot of a month that was run."""
    form = query(con, "appraisal_form", report_month=str(month), year_start=f"{month.year}-01")
    written = []
    for (unit_code, unit_name), rows in form.groupby(["unit_code", "unit_name"], sort=False):
        written.append(write_appraisal_workbook(out_dir / file_name(unit_code, month), unit_code, unit_name,
                                                month, rows))
    return written
