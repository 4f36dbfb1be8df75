"""`dti appraisal YYYY-MM` (SPEC §6): one workbook per commune for the city's appraisers,
`ThamDinh_<UNIT>_<YYYY-MM>.xlsx`, prefilled with each criterion's maximum, self score, computed score and
basis, and the unit's own evidence; the appraisers fill `Điểm UBND cấp huyện thẩm định` (Excel refuses a value
outside 0…max, max…0 for a penalty), `Ý kiến thẩm định` and their name. Everything else is protected.
Filled workbooks come back through the inbox folder `appraisal/` of the month (landing/appraisals.py).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.worksheet.datavalidation import DataValidation

from domain.periods import ReportMonth
from domain.vnformat import vn_month, vn_number
from outputs.excel_style import (BOLD, INPUT_FILL, RIGHT, body_cells, excel_safe, finish, font, header_row,
                                 merged_line, new_workbook, print_setup, protect)
from schemas.appraisal import score_range
from sources.appraisal import HEADERS, LABEL_APPRAISER, LABEL_MONTH, LABEL_UNIT, SHEET
from warehouse.connection import query

HEADER_ROW = 7
WIDTHS = {"criterion_code": 8, "name": 38, "max_points": 7, "self_score": 8, "computed_score": 8, "basis": 38,
          "evidence": 24, "appraised_score": 10, "comment": 26}  # the order of sources.appraisal.HEADERS
INPUTS = ("appraised_score", "comment")
SCORES = ("max_points", "self_score", "computed_score")


def file_name(unit_code: str, month: ReportMonth) -> str:
    return f"ThamDinh_{unit_code}_{month}.xlsx"


def _range_validation(ws, low: float, high: float) -> DataValidation:
    dv = DataValidation(type="decimal", operator="between", formula1=f"{low:g}", formula2=f"{high:g}",
                        allow_blank=True, showErrorMessage=True, errorStyle="stop")
    dv.errorTitle = "Điểm thẩm định không hợp lệ"
    dv.error = f"Điểm thẩm định của tiêu chí này phải từ {vn_number(low)} đến {vn_number(high)}."
    ws.add_data_validation(dv)
    return dv


def write_appraisal_workbook(path: Path, unit_code: str, unit_name: str, month: ReportMonth,
                             rows: pd.DataFrame) -> Path:
    wb = new_workbook()
    ws = wb.active
    ws.title = SHEET
    columns = list(HEADERS)
    last = len(columns)
    merged_line(ws, 1, "UBND THÀNH PHỐ VŨNG TÀU", 1, 3, bold=True, horizontal="left")
    merged_line(ws, 2, f"PHIẾU THẨM ĐỊNH ĐIỂM CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP XÃ — {unit_name.upper()} — "
                       f"{vn_month(str(month)).upper()}", 1, last, size=13, bold=True)
    for row, (label, value) in enumerate(((LABEL_UNIT, unit_code), (LABEL_MONTH, str(month)),
                                          (LABEL_APPRAISER, None)), start=3):
        ws.cell(row, 1, label).font = BOLD
        ws.cell(row, 2, value).font = font()
    ws.cell(5, 2).fill = INPUT_FILL  # the appraisers' name
    merged_line(ws, 6, "Điền cột \"Điểm UBND cấp huyện thẩm định\" (ô màu vàng) và ý kiến; để trống tiêu chí không "
                       "thẩm định. Gửi lại tệp vào thư mục appraisal/ của kỳ trong 10 ngày.", 1, last, size=10,
                italic=True, horizontal="left")
    header_row(ws, HEADER_ROW, [HEADERS[c][0] for c in columns], [WIDTHS[c] for c in columns])
    validations: dict[tuple[float, float], DataValidation] = {}
    for r, item in enumerate(rows.itertuples(index=False), start=HEADER_ROW + 1):
        values = {"criterion_code": item.criterion_code, "name": item.criterion_name, "basis": excel_safe(item.basis),
                  "evidence": excel_safe(item.evidence), **{c: getattr(item, c) for c in SCORES}}
        for i, column in enumerate(columns, start=1):
            value = values.get(column)
            cell = ws.cell(r, i, None if value is None or pd.isna(value) else value)
            if column in SCORES:
                cell.alignment = RIGHT
            if column in INPUTS:
                cell.fill = INPUT_FILL
        bounds = score_range(float(item.max_points))
        if bounds not in validations:
            validations[bounds] = _range_validation(ws, *bounds)
        validations[bounds].add(ws.cell(r, columns.index("appraised_score") + 1).coordinate)
    last_row = HEADER_ROW + len(rows)
    body_cells(ws, HEADER_ROW + 1, last_row, 1, last, size=10)
    score_col, comment_col = (ws.cell(1, columns.index(c) + 1).column_letter for c in INPUTS)
    protect(ws, ["B5", f"{score_col}{HEADER_ROW + 1}:{comment_col}{last_row}"])  # only the yellow cells
    print_setup(ws, landscape=True, title_rows=(HEADER_ROW, HEADER_ROW), freeze=ws.cell(HEADER_ROW + 1, 3).coordinate)
    path.parent.mkdir(parents=True, exist_ok=True)
    finish(wb).save(path)
    return path


def write_appraisals(con, month: ReportMonth, out_dir: Path) -> list[Path]:
    """One workbook per commune, from the read-only snapshot of a month that was run."""
    form = query(con, "appraisal_form", report_month=str(month), year_start=month.year_start)
    written = []
    for (unit_code, unit_name), rows in form.groupby(["unit_code", "unit_name"], sort=False):
        written.append(write_appraisal_workbook(out_dir / file_name(unit_code, month), unit_code, unit_name,
                                                month, rows))
    return written
