"""`dti feedback YYYY-MM`: what each unit must fix, one workbook per unit, and the steward's summary."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from domain import reference
from domain.periods import ReportMonth
from domain.vnformat import vn_month, vn_number
from outputs.excel_style import finish, new_workbook, table_sheet
from outputs.feedback_points import add_points_sheet, points_rows
from outputs.labels import SOURCE_NAMES

def failures(con: duckdb.DuckDBPyConnection, month: ReportMonth) -> pd.DataFrame:
    frame = con.execute("select * from quality.validation_failures where report_month = ?", [str(month)]).df()
    labels = reference.messages_table().set_index("check_name")["label_vi"]
    frame["label_vi"] = frame["check_name"].map(labels)
    # as the unit will fix them: file by file, top to bottom, left to right
    return frame.sort_values(["source", "file_name", "sheet", "row_number", "column_name"], na_position="first")


def warnings(con: duckdb.DuckDBPyConnection, month: ReportMonth) -> pd.DataFrame:
    """Values accepted but flagged (quality.validation_warnings): to confirm, not to fix."""
    frame = con.execute("select * from quality.validation_warnings where report_month = ?", [str(month)]).df()
    return frame.sort_values(["responsible_unit", "source", "file_name", "row_number", "column_name"],
                             na_position="first")


WARNING_HEADERS = ["Nguồn", "Tệp", "Trang tính", "Dòng", "Cột", "Giá trị", "Mốc so sánh", "Cần xác nhận"]
WARNING_LABELS = {"bare_percentage": "Chỉ có tỷ lệ %", "pct_contradicts_figures": "Kết quả (%) không khớp",
                  "above_100": "Vượt 100%", "outlier_zscore": "Khác xa các tháng trước",
                  "share_jump": "Tỷ lệ đổi hơn 30 điểm"}


def _warning_rows(frame: pd.DataFrame) -> list[list]:
    return [[SOURCE_NAMES.get(r.source, r.source), r.file_name, r.sheet, r.row_number, r.column_name,
             r.failure_value, None if pd.isna(r.baseline) else vn_number(float(r.baseline), 2), r.message]
            for r in frame.itertuples(index=False)]


UNIT_HEADERS = ["Nguồn", "Tệp", "Trang tính", "Dòng", "Cột", "Giá trị đã gửi", "Lỗi", "Cần sửa thế nào"]
UNIT_WIDTHS = [14, 22, 12, 6, 16, 16, 20, 52]


def _unit_rows(frame: pd.DataFrame) -> list[list]:
    return [[SOURCE_NAMES.get(r.source, r.source), r.file_name, r.sheet, r.row_number, r.column_name,
             r.failure_value, r.label_vi, r.message] for r in frame.itertuples(index=False)]


def write_feedback(con: duckdb.DuckDBPyConnection, month: ReportMonth, out_dir: Path) -> list[Path]:
    """One workbook per unit with something to act on: its failures and warnings, a commune's chances to gain
    points, a department's duties for TPVT; and `_TONG_HOP.xlsx` for the steward."""
    frame, flagged = failures(con, month), warnings(con, month)
    names = reference.units().set_index("unit_code")["name_vi"]
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.xlsx"):  # a re-run must not leave a unit's fixed failures behind
        old.unlink()
    written = []
    points = {u: listed for u in names.index if (listed := points_rows(con, month, u)) is not None}
    units = sorted(set(frame["responsible_unit"].dropna()) | set(flagged["responsible_unit"].dropna()) | set(points))
    for unit in units:
        rows = frame[frame["responsible_unit"] == unit]
        to_confirm = flagged[flagged["responsible_unit"] == unit]
        wb = new_workbook()
        if len(rows) or len(to_confirm):
            table_sheet(wb.active, "Lỗi cần sửa", [
                f"DANH SÁCH SỐ LIỆU CẦN SỬA - KỲ BÁO CÁO {vn_month(str(month)).upper()}",
                f"Đơn vị: {names[unit]} ({unit})", f"Số lỗi: {len(rows)}. Đề nghị sửa và gửi lại trước ngày 12."],
                UNIT_HEADERS, _unit_rows(rows), UNIT_WIDTHS)
        if len(to_confirm):
            table_sheet(wb.create_sheet(), "Cần xác nhận", [
                f"SỐ LIỆU ĐÃ GHI NHẬN NHƯNG CẦN XÁC NHẬN - KỲ BÁO CÁO {vn_month(str(month)).upper()}",
                f"Số cảnh báo: {len(to_confirm)}. Không phải lỗi: số liệu vẫn được tính; đề nghị kiểm tra và xác nhận."],
                WARNING_HEADERS, _warning_rows(to_confirm), UNIT_WIDTHS)
        if unit in points:
            add_points_sheet(wb, points[unit], month, unit, names[unit], first=not (len(rows) or len(to_confirm)))
        path = out_dir / f"{unit}_{month}.xlsx"
        finish(wb).save(path)
        written.append(path)
    wb = new_workbook()
    counts = (frame.assign(unit=frame["responsible_unit"].fillna("(chưa xác định)"))
              .groupby(["unit", "source", "label_vi"], dropna=False).size().reset_index(name="n")
              .sort_values(["unit", "source", "n"], ascending=[True, True, False]))
    table_sheet(wb.active, "Tổng hợp", [f"TỔNG HỢP LỖI DỮ LIỆU - KỲ BÁO CÁO {vn_month(str(month)).upper()}",
                                   f"Tổng số lỗi: {len(frame)}; số đơn vị có lỗi: "
                                   f"{frame['responsible_unit'].nunique()}; cảnh báo (không loại bỏ số liệu): "
                                   f"{len(flagged)}"],
           ["Đơn vị", "Tên đơn vị", "Nguồn", "Lỗi", "Số lượng"],
           [[r.unit, names.get(r.unit, ""), SOURCE_NAMES.get(r.source, r.source), r.label_vi, r.n]
            for r in counts.itertuples(index=False)], [13, 28, 22, 30, 8], landscape=False)
    unknown = frame[frame["responsible_unit"].isna()]
    table_sheet(wb.create_sheet(), "Chưa xác định đơn vị",
           ["LỖI CHƯA XÁC ĐỊNH ĐƯỢC ĐƠN VỊ", "Tệp hoặc dòng không cho biết đơn vị: cán bộ đầu mối xử lý."],
           UNIT_HEADERS, _unit_rows(unknown), UNIT_WIDTHS)
    table_sheet(wb.create_sheet(), "Cảnh báo",
           [f"CẢNH BÁO SỐ LIỆU - KỲ BÁO CÁO {vn_month(str(month)).upper()}",
            f"Số liệu vẫn được ghi nhận, cần đơn vị xác nhận: {len(flagged)} cảnh báo, đếm riêng với lỗi."],
           ["Đơn vị", *WARNING_HEADERS],
           [[r.responsible_unit, *row] for r, row in zip(flagged.itertuples(index=False), _warning_rows(flagged))],
           [12, *UNIT_WIDTHS])
    path = out_dir / f"_TONG_HOP_{month}.xlsx"
    finish(wb).save(path)
    return [*written, path]
