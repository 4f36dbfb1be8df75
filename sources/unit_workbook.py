"""Reader of the unit workbook (`units/`, SPEC §3.6): three sheets, each under a title block."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sources.excel import SheetTable, find_sheet, labelled_value, open_workbook, read_table

SHEET_GENERAL, SHEET_INDICATORS, SHEET_DTI = "ThongTinChung", "ChiTieu", "DTI"

HEADERS = {
    SHEET_GENERAL: ({"item_no": ("STT",), "label": ("Thông tin", "Thông tin chung", "Nội dung"),
                     "value": ("Số liệu", "Giá trị")}, ("item_no", "value")),
    SHEET_INDICATORS: ({"indicator_code": ("Mã chỉ tiêu", "Mã CT"), "name": ("Nội dung", "Tên chỉ tiêu"),
                        "numerator": ("Tử số",), "denominator": ("Mẫu số",),
                        "value_pct": ("Kết quả (%)", "Kết quả", "Tỷ lệ (%)", "Tỷ lệ"), "note": ("Ghi chú",)},
                       ("indicator_code",)),
    SHEET_DTI: ({"criterion_code": ("Mã tiêu chí",), "name": ("Tiêu chí", "Chỉ số/Chỉ số thành phần"),
                 "max_points": ("Điểm tối đa",), "self_score": ("Điểm tự đánh giá",),
                 "answer": ("Trả lời",), "numerator": ("Tử số",), "denominator": ("Mẫu số",),
                 "evidence": ("Tài liệu kiểm chứng",)}, ("criterion_code",)),
}
# Column names as the unit sees them, for failure rows.
DISPLAY = {sheet: {col: spellings[0] for col, spellings in headers.items()} for sheet, (headers, _) in HEADERS.items()}


@dataclass
class UnitWorkbook:
    unit_code_text: object
    report_month_text: object
    first_sheet: str
    tables: dict[str, SheetTable] = field(default_factory=dict)
    missing_sheets: list[str] = field(default_factory=list)

    @property
    def unit_name_text(self) -> object:
        """Item 1 of ThongTinChung, "Tên cơ quan, đơn vị": the fall-back identity."""
        table = self.tables.get(SHEET_GENERAL)
        for _, values in table.rows if table else ():
            if str(values.get("item_no")).strip().rstrip(".") in ("1", "1.0"):
                return values.get("value")
        return None

    @property
    def rows_read(self) -> int:
        return sum(len(t.rows) for t in self.tables.values())


def read_unit_workbook(path: Path) -> UnitWorkbook:
    """Read the three sheets; raises on a file that is not a readable workbook."""
    workbook = open_workbook(path)
    try:
        visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
        first = (visible or workbook.worksheets)[0]  # a hidden sheet in front is not the form
        result = UnitWorkbook(labelled_value(first, "Mã đơn vị"), labelled_value(first, "Kỳ báo cáo"), first.title)
        for sheet, (headers, required) in HEADERS.items():
            ws = find_sheet(visible, sheet)
            if ws is None:
                result.missing_sheets.append(sheet)
                continue
            result.tables[sheet] = read_table(ws, headers, required)
        return result
    finally:
        workbook.close()
