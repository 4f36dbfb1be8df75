"""`dti template YYYY-MM`: the unit workbooks to fill in (SPEC §3.6), with Excel data validation."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from domain import reference
from domain.periods import ReportMonth
from domain.scoring import parse_parts
from domain.vnformat import vn_month
from domain.units import rubric_of
from outputs.excel_style import (BOLD, BOX, INPUT_FILL, body_cells, finish, font, header_row, new_workbook,
                                 print_setup, protect)
from outputs.template_guide import write_guide
from sources.unit_workbook import HEADERS, SHEET_DTI, SHEET_GENERAL, SHEET_INDICATORS

GENERAL_ITEMS = [
    "Tên cơ quan, đơn vị", "Số lượng người dân từ 15 tuổi trở lên", "Số lượng người dân từ 18 tuổi trở lên",
    "Số lượng khu phố, thôn, xóm và tương đương", "Số lượng đơn vị trực thuộc", "Số lượng CBCC",
    "Số lượng viên chức (không tính viên chức thuộc sự nghiệp y tế, giáo dục)", "Số lượng máy chủ vật lý",
    "Số lượng máy trạm", "Số lượng hệ thống thông tin", "Số lượng doanh nghiệp",
    "Số lượng doanh nghiệp nhỏ và vừa", "Số lượng thủ tục hành chính", "Số lượng DVCTT toàn trình",
    "Số lượng DVCTT một phần", "Đầu mối liên hệ", "Số điện thoại", "Số lượng CBCC lãnh đạo",
]
TABLE_SIZE = 10  # the DTI sheet's 85 criteria on at most 4 landscape pages


def _title(ws, text: str, width: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1, text).font = font(13, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", wrap_text=True)


def _headers(ws, row: int, sheet: str, widths: list[float]) -> None:
    header_row(ws, row, [spellings[0] for spellings in HEADERS[sheet][0].values()], widths)


def _inputs(ws, ref: str) -> None:
    """Input cells: yellow, boxed, unlocked (the sheet is protected around them)."""
    for row in ws[ref]:
        for cell in row:
            cell.fill, cell.border = INPUT_FILL, BOX


def _decimal_validation(ws, cells: str, minimum: float = 0, maximum: float | None = None,
                        stop: bool = False) -> None:
    if maximum is None:
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=str(minimum))
    else:
        dv = DataValidation(type="decimal", operator="between", formula1=str(minimum), formula2=str(maximum))
    # A warning, not a stop: "Đang thống kê" must stay possible in a figure cell.
    dv.errorStyle = "stop" if stop else "warning"
    dv.error, dv.errorTitle = "Đề nghị nhập số (không âm).", "Số liệu không hợp lệ"
    ws.add_data_validation(dv)
    dv.add(cells)


def _parts_prompt(params: str, cell: str) -> DataValidation:
    """The input prompt of a criterion scored in parts (SPEC §7 Parts); Excel shows at most 255 characters."""
    parts = parse_parts(params)
    labels, ratio = [label for label, _, _ in parts], any(is_ratio for _, _, is_ratio in parts)
    text = (f"{len(labels)} phần: " + "; ".join(f"({i}) {label}" for i, label in enumerate(labels, 1))
            + ". Ghi Có/Không cho từng phần, cách nhau dấu chấm phẩy (ví dụ: Có; Không); một Có/Không là cho"
              " mọi phần."
            + (" Phần tỷ lệ: ghi Tử số, Mẫu số." if ratio else ""))
    dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle="Trả lời từng phần",
                        prompt=text[:255])
    dv.add(cell)
    return dv


def write_unit_workbook(path: Path, unit: pd.Series, month: ReportMonth, indicators: pd.DataFrame,
                        criteria: pd.DataFrame | None) -> None:
    wb = new_workbook()
    ws = wb.active
    ws.title = SHEET_GENERAL
    _title(ws, "THÔNG TIN CUNG CẤP PHỤC VỤ ĐÁNH GIÁ CHỈ SỐ CHUYỂN ĐỔI SỐ", 3)
    for row, (label, value) in enumerate((("Mã đơn vị", unit.unit_code), ("Tên đơn vị", unit.name_vi),
                                          ("Kỳ báo cáo", str(month))), start=3):
        ws.cell(row, 1, label).font = BOLD
        ws.cell(row, 2, value)
    _headers(ws, 7, SHEET_GENERAL, [12, 62, 24])
    for i, label in enumerate(GENERAL_ITEMS, start=1):
        ws.cell(7 + i, 1, i)
        ws.cell(7 + i, 2, label)
        ws.cell(7 + i, 3, unit.name_vi if i == 1 else None)
    body_cells(ws, 8, 7 + len(GENERAL_ITEMS), 1, 3, size=TABLE_SIZE + 1)
    _inputs(ws, f"C8:C{7 + len(GENERAL_ITEMS)}")
    _decimal_validation(ws, "C9:C22")
    _decimal_validation(ws, "C25")
    print_setup(ws, title_rows=(7, 7), freeze="C8")
    protect(ws, [f"C8:C{7 + len(GENERAL_ITEMS)}"])

    ws = wb.create_sheet(SHEET_INDICATORS)
    _title(ws, f"KẾT QUẢ THỰC HIỆN CHỈ TIÊU CHUYỂN ĐỔI SỐ - {vn_month(str(month)).upper()}", 6)
    _headers(ws, 3, SHEET_INDICATORS, [10, 52, 9, 9, 9, 18])
    for row, ind in enumerate(indicators.itertuples(index=False), start=4):
        ws.cell(row, 1, ind.indicator_code)
        ws.cell(row, 2, ind.name_vi)
    last = 3 + len(indicators)
    body_cells(ws, 4, last, 1, 6, size=TABLE_SIZE)
    _inputs(ws, f"C4:F{last}")
    _decimal_validation(ws, f"C4:E{last}")
    print_setup(ws, title_rows=(3, 3), freeze="C4")
    protect(ws, [f"C4:F{last}"])

    if criteria is not None:
        ws = wb.create_sheet(SHEET_DTI)
        _title(ws, f"TỰ ĐÁNH GIÁ CHỈ SỐ CHUYỂN ĐỔI SỐ - {vn_month(str(month)).upper()}", 8)
        _headers(ws, 3, SHEET_DTI, [9, 86, 7, 9, 11, 8, 8, 18])
        yes_no = DataValidation(type="list", formula1='"Có,Không"', allow_blank=True)
        ws.add_data_validation(yes_no)
        for row, crit in enumerate(criteria.itertuples(index=False), start=4):
            ws.cell(row, 1, crit.criterion_code)
            ws.cell(row, 2, crit.name_vi)
            ws.cell(row, 3, crit.max_points)
            low, high = min(0, crit.max_points), max(0, crit.max_points)
            _decimal_validation(ws, f"D{row}", low, high, stop=True)
            if crit.rule == "parts":  # one Có/Không per part: a free cell with a prompt, not the Có/Không list
                ws.add_data_validation(_parts_prompt(crit.params, f"E{row}"))
            else:
                yes_no.add(f"E{row}")
        last = 3 + len(criteria)
        body_cells(ws, 4, last, 1, 8, size=TABLE_SIZE)
        _inputs(ws, f"D4:H{last}")
        _decimal_validation(ws, f"F4:G{last}")
        print_setup(ws, landscape=True, title_rows=(3, 3), freeze="C4")
        protect(ws, [f"D4:H{last}"])
    write_guide(wb, unit.name_vi, unit.unit_code, month, criteria is not None)
    path.parent.mkdir(parents=True, exist_ok=True)
    finish(wb).save(path)


def unit_indicator_rows(year: int | None = None) -> pd.DataFrame:
    """The indicators a unit reports itself: those not computed from the exports."""
    catalogue = reference.indicators()
    return catalogue[catalogue["source"] == "units"]


def criterion_rows(rubric: str) -> pd.DataFrame:
    criteria = reference.rubric_criteria()
    return criteria[(criteria["rubric"] == rubric) & (criteria["level"] == "criterion")]


def write_templates(month: ReportMonth, out_dir: Path) -> list[Path]:
    indicators = unit_indicator_rows()
    paths = []
    for unit in reference.units().itertuples(index=False):
        rubric = rubric_of(unit.unit_code)
        path = out_dir / f"{unit.unit_code}_{month}.xlsx"
        write_unit_workbook(path, pd.Series(unit._asdict()), month, indicators,
                            criterion_rows(rubric) if rubric else None)
        paths.append(path)
    return paths
