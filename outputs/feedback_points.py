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

HEADROOM_HEADERS = ["Mã", "Tiêu chí", "Điểm hiện tại", "Bậc tiếp theo", "Tăng thêm", "Cần đạt", "Số bản ghi cần thêm"]
HEADROOM_WIDTHS = [7, 34, 8, 8, 8, 62, 9]
SHOWN = 10  # the best chances, on one page: a commune's whole feedback still prints on at most 4 pages (issue 15)
DUTY_HEADERS = ["Mã", "Tiêu chí", "Điểm TPVT / tối đa", "Còn thiếu"]
DUTY_WIDTHS = [7, 48, 10, 72]
SIZE = 9


def points_rows(con: duckdb.DuckDBPyConnection, month: ReportMonth, unit_code: str) -> pd.DataFrame | None:
    """What a unit's points sheet lists: a commune's chances (marts.dti_headroom), a department's duties
    (ref.criterion_duties); None for TPVT, or when there is nothing to list."""
    rubric = rubric_of(unit_code)
    if rubric == "district":
        return None
    rows = query(con, "unit_headroom" if rubric == "commune" else "feedback_duties", report_month=str(month),
                 unit_code=unit_code)
    return None if rows.empty else rows


def add_points_sheet(wb, rows: pd.DataFrame, month: ReportMonth, unit_code: str, unit_name: str,
                     first: bool) -> None:
    """`points_rows` as a sheet of `wb` (its first sheet when `first`): the commune's chances to gain points, or
    the department's duties."""
    ws = wb.active if first else wb.create_sheet()
    period = vn_month(str(month)).upper()
    if rubric_of(unit_code) == "commune":
        every, rows = rows, rows.head(SHOWN)
        table_sheet(ws, "Cơ hội tăng điểm", [
            f"CƠ HỘI TĂNG ĐIỂM DTI - KỲ BÁO CÁO {period}", f"Đơn vị: {unit_name} ({unit_code})",
            f"{len(every)} tiêu chí chưa đạt điểm tối đa; đây là {len(rows)} cơ hội đầu, trước hết là tiêu chí tăng "
            f"nhiều điểm nhất cho mỗi bản ghi cần thêm (thêm vào tử số, giữ nguyên mẫu số); đủ danh sách trên bảng "
            f"điều khiển."],
            HEADROOM_HEADERS, [[r.criterion_code, r.criterion_name, score_text(r.current_score),
                                score_text(r.next_score), score_text(r.gain), r.needed,
                                None if pd.isna(r.needed_count) else vn_number(int(r.needed_count))]
                               for r in rows.itertuples(index=False)], HEADROOM_WIDTHS, size=SIZE)
        return
    full = rows[rows["missing"].isna()]
    short = rows[rows["missing"].notna()]
    table_sheet(ws, "Nhiệm vụ cung cấp", [
        f"TIÊU CHÍ DTI CẤP HUYỆN ĐƠN VỊ PHỤ TRÁCH CUNG CẤP - KỲ BÁO CÁO {period}",
        f"Đơn vị: {unit_name} ({unit_code}); {len(rows)} tiêu chí của thành phố (TPVT), {len(full)} đạt điểm tối đa"
        + (f" ({', '.join(full['criterion_code'])})" if len(full) else "") + "; còn thiếu:"],
        DUTY_HEADERS, [[r.criterion_code, r.criterion_name, f"{score_text(r.final_score) or 'chưa có'} / "
                        f"{score_text(r.max_points)}", r.missing] for r in short.itertuples(index=False)],
        DUTY_WIDTHS, size=SIZE)
