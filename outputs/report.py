"""`dti report YYYY-MM`: the report VHTT sends the city on the 25th, as an administrative document.

Body (≤ 10 A4 pages): `Báo cáo` (letterhead, title, narrative), `Bảng 1 Chỉ tiêu` (the city's indicators
against the three targets, traffic lights, the change since last month), `Bảng 2, biểu đồ` (the communes'
ranking, native Excel charts, Nơi nhận, signature). Annexes (Phụ lục I–VII): per-unit tables and the DTI
forms. `outputs.pdf.to_pdf` prints it to the PDF the office signs.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from openpyxl.styles import PatternFill

from domain.periods import ReportMonth
from domain.vnformat import vn_month, vn_number
from outputs import report_charts
from outputs.excel_style import (BOLD, HEADER_FILL, RIGHT, STATUS_FILLS, body_cells, finish, header_row,
                                 merged_line, new_workbook, pct_text, print_setup)
from outputs.report_annexes import write_annexes
from outputs.report_body import closing_sheet, document_sheet

STATUS = {"achieved": "Đạt", "not_achieved": "Chưa đạt", "no_data": "Chưa có số liệu"}
GROUPS = {"CQS": "I. Nhóm Chính quyền số", "KTS": "II. Nhóm Kinh tế số", "XHS": "III. Nhóm Xã hội số"}
INDICATOR_HEADERS = ["Mã chỉ tiêu", "Nội dung", "Chỉ tiêu quốc gia", "Chỉ tiêu của tỉnh", "Chỉ tiêu của thành phố",
                     "Kết quả thực hiện", "Đánh giá", "Kỳ trước", "Tăng/giảm (điểm %)"]
INDICATOR_WIDTHS = [9, 44, 12, 12, 13, 19, 10, 10, 10]
INDICATOR_HEADER_ROW = 3


def result_text(value_pct, numerator, denominator) -> str:
    """ "98,27% (23.391/23.802)", or the bare percentage, or "Chưa có số liệu"."""
    if value_pct is None or pd.isna(value_pct):
        return "Chưa có số liệu"
    text = vn_number(float(value_pct), 2) + "%"
    if numerator is not None and not pd.isna(numerator) and denominator is not None and not pd.isna(denominator):
        text += f" ({vn_number(float(numerator))}/{vn_number(float(denominator))})"
    return text


def change_text(value_pct, previous_pct) -> str | None:
    """The change since last month in percentage points: "+33,33", "-5", "0"; None without both figures."""
    if value_pct is None or previous_pct is None or pd.isna(value_pct) or pd.isna(previous_pct):
        return None
    change = round(float(value_pct) - float(previous_pct), 2)
    return ("+" if change > 0 else "") + vn_number(change, 2)


def indicator_rows(con, month: ReportMonth) -> list[dict]:
    frame = con.execute("""
        select i.group_code, i.stt, i.indicator_code, i.name_vi, i.target_national_text, i.target_province_text,
               i.target_city_text, a.value_pct, a.numerator, a.denominator, a.status, a.target_text,
               p.value_pct as previous_pct
        from marts.indicator_attainment a
        join ref.indicators i using (indicator_code)
        left join marts.indicator_attainment p
          on p.unit_code = 'TPVT' and p.indicator_code = a.indicator_code and p.report_month = $previous
        where a.unit_code = 'TPVT' and a.report_month = $month
          and i.year = (select max(year) from ref.indicators where year <= $year)
        order by case i.group_code when 'CQS' then 1 when 'KTS' then 2 else 3 end, i.stt""",
                        {"month": str(month), "previous": str(month.previous()), "year": month.year}).df()
    return frame.to_dict("records")


def indicator_sheet(ws, month: ReportMonth, indicators: list[dict]) -> None:
    """Bảng 1: one row per indicator of the catalogue, by group; its header repeats on every page."""
    ws.title = "Bảng 1 Chỉ tiêu"
    merged_line(ws, 1, f"Bảng 1. Kết quả thực hiện các chỉ tiêu chuyển đổi số của thành phố, {vn_month(str(month))}"
                       f" (số liệu từ {month.start:%d/%m/%Y} đến trước {month.end:%d/%m/%Y})", 1, 9, size=12,
                bold=True)
    header_row(ws, INDICATOR_HEADER_ROW, INDICATOR_HEADERS, INDICATOR_WIDTHS)
    row, group = INDICATOR_HEADER_ROW, None
    for r in indicators:
        row += 1
        if r["group_code"] != group:
            group = r["group_code"]
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)
            ws.cell(row, 1, GROUPS[group]).font = BOLD
            ws.cell(row, 1).fill = HEADER_FILL
            row += 1
        values = [r["indicator_code"], r["name_vi"], r["target_national_text"], r["target_province_text"],
                  r["target_city_text"], result_text(r["value_pct"], r["numerator"], r["denominator"]),
                  STATUS[r["status"]], pct_text(r["previous_pct"]), change_text(r["value_pct"], r["previous_pct"])]
        for c, value in enumerate(values, start=1):
            ws.cell(row, c, value)
        for c in (6, 8, 9):
            ws.cell(row, c).alignment = RIGHT
        ws.cell(row, 7).fill = PatternFill("solid", fgColor=STATUS_FILLS[r["status"]])
    body_cells(ws, INDICATOR_HEADER_ROW + 1, row, 1, 9)
    print_setup(ws, landscape=True, title_rows=(INDICATOR_HEADER_ROW, INDICATOR_HEADER_ROW), freeze="C4")


def write_report(con: duckdb.DuckDBPyConnection, month: ReportMonth, path: Path) -> Path:
    wb = new_workbook()
    indicators = indicator_rows(con, month)
    document_sheet(wb.active, con, month, indicators)
    indicator_sheet(wb.create_sheet(), month, indicators)
    closing = wb.create_sheet()
    write_annexes(wb, con, month)
    data, blocks = report_charts.data_sheet(wb, con, str(month))
    closing_sheet(closing, con, month, data, blocks)
    finish(wb)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
