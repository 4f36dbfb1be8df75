"""Reader of a filled appraisal workbook (`appraisal/`, SPEC §6): `ThamDinh_<UNIT>_<YYYY-MM>.xlsx` as written by
`dti appraisal`, one sheet `ThamDinh` under a title block with the labels `Mã đơn vị`, `Kỳ báo cáo` and
`Người thẩm định`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sources.excel import SheetTable, find_sheet, labelled_value, open_workbook, read_table

SHEET = "ThamDinh"
LABEL_UNIT, LABEL_MONTH, LABEL_APPRAISER = "Mã đơn vị", "Kỳ báo cáo", "Người thẩm định"
HEADERS = {
    "criterion_code": ("Mã tiêu chí",),
    "name": ("Tiêu chí",),
    "max_points": ("Điểm tối đa",),
    "self_score": ("Điểm tự đánh giá",),
    "computed_score": ("Điểm tính từ dữ liệu",),
    "basis": ("Căn cứ",),
    "evidence": ("Tài liệu kiểm chứng",),
    "appraised_score": ("Điểm UBND cấp huyện thẩm định", "Điểm thẩm định"),
    "comment": ("Ý kiến thẩm định",),
}
REQUIRED = ("criterion_code", "appraised_score")
# Column names as the appraiser sees them, for failure rows.
DISPLAY = {col: spellings[0] for col, spellings in HEADERS.items()}


@dataclass
class AppraisalWorkbook:
    unit_code_text: object
    report_month_text: object
    appraiser: object
    sheet: str | None
    table: SheetTable | None = None
    missing: list[str] = field(default_factory=list)  # a sheet or headers not found

    @property
    def scored_rows(self) -> list[tuple[int, dict[str, object]]]:
        """The rows an appraiser filled: a score or a comment; the prefilled rest is the form, not input."""
        rows = self.table.rows if self.table else []
        return [(n, v) for n, v in rows if v.get("appraised_score") is not None or v.get("comment") is not None]


def read_appraisal_workbook(path: Path) -> AppraisalWorkbook:
    """The labels and the ThamDinh table; raises on a file that is not a readable workbook."""
    workbook = open_workbook(path)
    try:
        visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
        ws = find_sheet(visible, SHEET)
        if ws is None:
            return AppraisalWorkbook(None, None, None, None, missing=[SHEET])
        book = AppraisalWorkbook(labelled_value(ws, LABEL_UNIT), labelled_value(ws, LABEL_MONTH),
                                 labelled_value(ws, LABEL_APPRAISER), ws.title)
        book.table = read_table(ws, HEADERS, REQUIRED)
        book.missing = [DISPLAY[c] for c in book.table.missing]
        return book
    finally:
        workbook.close()
