"""The points side of a unit's feedback workbook (issue 16): a commune's `Cơ hội tăng điểm` (what would raise
its DTI score, largest gain per record needed first) and a department's `Nhiệm vụ cung cấp` (the district
criteria it supplies for TPVT, TPVT's score on each this month, and what is missing)."""
from __future__ import annotations

import duckdb
import pandas as pd

from domain.periods import ReportMonth
from domain.units import rubric_of
from domain.vnformat import vn_month, vn_number
from outputs.excel_style import score_text, table_sheet
from warehouse.connection import query

HEADROOM_HEADERS = ["Mã tiêu chí", "Tiêu chí", "Điểm hiện tại", "Điểm bậc tiếp theo", "Điểm tăng thêm",
                    "Cần đạt", "Số bản ghi cần thêm"]
HEADROOM_WIDTHS = [9, 40, 9, 10, 9, 56, 10]
DUTY_HEADERS = ["Mã tiêu chí", "Tiêu chí", "Đơn vị phụ trách (theo bộ tiêu chí)", "Điểm tối đa", "Điểm TPVT kỳ này",
                "Căn cứ", "Còn thiếu"]
DUTY_WIDTHS = [9, 34, 26, 8, 9, 40, 40]


def has_points_sheet(con: duckdb.DuckDBPyConnection, month: ReportMonth, unit_code: str) -> bool:
    if rubric_of(unit_code) == "commune":
        return not query(con, "feedback_headroom", report_month=str(month), unit_code=unit_code).empty
    return rubric_of(unit_code) is None and not query(con, "feedback_duties", report_month=str(month),
                                                      unit_code=unit_code).empty


def add_points_sheet(wb, con: duckdb.DuckDBPyConnection, month: ReportMonth, unit_code: str, unit_name: str,
                     first: bool) -> None:
    """The commune's headroom, or the department's duties, as a sheet of `wb` (its first sheet when `first`)."""
    ws = wb.active if first else wb.create_sheet()
    period = vn_month(str(month)).upper()
    if rubric_of(unit_code) == "commune":
        rows = query(con, "feedback_headroom", report_month=str(month), unit_code=unit_code)
        table_sheet(ws, "Cơ hội tăng điểm", [
            f"CƠ HỘI TĂNG ĐIỂM DTI - KỲ BÁO CÁO {period}", f"Đơn vị: {unit_name} ({unit_code})",
            f"{len(rows)} tiêu chí chưa đạt điểm tối đa; trước hết là tiêu chí tăng nhiều điểm nhất cho mỗi bản ghi "
            f"cần thêm (số bản ghi: thêm vào tử số, giữ nguyên mẫu số)."],
            HEADROOM_HEADERS, [[r.criterion_code, r.criterion_name, score_text(r.current_score),
                                score_text(r.next_score), score_text(r.gain), r.needed,
                                None if pd.isna(r.needed_count) else vn_number(int(r.needed_count))]
                               for r in rows.itertuples(index=False)], HEADROOM_WIDTHS)
        return
    rows = query(con, "feedback_duties", report_month=str(month), unit_code=unit_code)
    table_sheet(ws, "Nhiệm vụ cung cấp", [
        f"TIÊU CHÍ DTI CẤP HUYỆN ĐƠN VỊ PHỤ TRÁCH CUNG CẤP - KỲ BÁO CÁO {period}",
        f"Đơn vị: {unit_name} ({unit_code}); {len(rows)} tiêu chí của thành phố (TPVT)."],
        DUTY_HEADERS, [[r.criterion_code, r.criterion_name, r.responsible_text, score_text(r.max_points),
                        score_text(r.final_score), r.basis, r.missing] for r in rows.itertuples(index=False)],
        DUTY_WIDTHS)
