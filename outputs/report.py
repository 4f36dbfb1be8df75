"""`dti report YYYY-MM`: the workbook VHTT sends the city on the 25th, in the shape of seed 003."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from outputs.feedback import excel_safe
from domain.periods import ReportMonth
from domain.vnformat import vn_number

STATUS = {"achieved": ("Đạt", "C6EFCE"), "not_achieved": ("Chưa đạt", "FFC7CE"), "no_data": ("Chưa có số liệu", "EDEDED")}
GROUPS = {"CQS": "I. Nhóm Chính quyền số", "KTS": "II. Nhóm Kinh tế số", "XHS": "III. Nhóm Xã hội số"}
BOLD, THIN = Font(bold=True), Side(style="thin", color="999999")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def result_text(value_pct, numerator, denominator) -> str:
    """ "98,27% (23.391/23.802)", or the bare percentage, or "Chưa có số liệu"."""
    if value_pct is None or pd.isna(value_pct):
        return "Chưa có số liệu"
    text = vn_number(float(value_pct), 2) + "%"
    if numerator is not None and not pd.isna(numerator) and denominator is not None and not pd.isna(denominator):
        text += f" ({vn_number(float(numerator))}/{vn_number(float(denominator))})"
    return text


def _table(ws, top: int, headers: list[str], rows: list[list], widths: list[int]) -> int:
    for col, (header, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(top, col, header)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c, excel_safe(None if value is None or (isinstance(value, float) and pd.isna(value))
                                            else value))
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return top + len(rows)


def _title(ws, lines: list[str]) -> int:
    for i, line in enumerate(lines, start=1):
        ws.cell(i, 1, line).font = Font(bold=True, size=13 if i == 1 else 11)
    return len(lines) + 2


def indicator_rows(con, month: ReportMonth) -> list[dict]:
    frame = con.execute("""
        select i.group_code, i.stt, i.indicator_code, i.name_vi, i.target_national_text, i.target_province_text,
               i.target_city_text, a.value_pct, a.numerator, a.denominator, a.status, p.value_pct as previous_pct
        from marts.indicator_attainment a
        join ref.indicators i using (indicator_code)
        left join marts.indicator_attainment p
          on p.unit_code = 'TPVT' and p.indicator_code = a.indicator_code and p.report_month = $previous
        where a.unit_code = 'TPVT' and a.report_month = $month
          and i.year = (select max(year) from ref.indicators where year <= $year)
        order by case i.group_code when 'CQS' then 1 when 'KTS' then 2 else 3 end, i.stt""",
                        {"month": str(month), "previous": str(month.previous()), "year": month.year}).df()
    return frame.to_dict("records")


def write_indicators(ws, con, month: ReportMonth) -> None:
    top = _title(ws, [f"KẾT QUẢ THỰC HIỆN CHỈ TIÊU CHUYỂN ĐỔI SỐ - KỲ BÁO CÁO {month}",
                      f"Số liệu từ {month.start:%d/%m/%Y} đến trước {month.end:%d/%m/%Y}; toàn thành phố (TPVT)"])
    headers = ["STT", "Nội dung", "Chỉ tiêu quốc gia", "Chỉ tiêu của tỉnh", "Chỉ tiêu của thành phố",
               "Kết quả thực hiện", "Đánh giá", "Kỳ trước", "Thay đổi (điểm %)", "Mã chỉ tiêu"]
    rows, fills, group = [], [], None
    for r in indicator_rows(con, month):
        if r["group_code"] != group:
            group = r["group_code"]
            rows.append([GROUPS[group], *[None] * 9])
            fills.append(None)
        change = (r["value_pct"] - r["previous_pct"]
                  if not pd.isna(r["value_pct"]) and not pd.isna(r["previous_pct"]) else None)
        label, colour = STATUS[r["status"]]
        rows.append([f"{r['stt']:02d}", r["name_vi"], r["target_national_text"], r["target_province_text"],
                     r["target_city_text"], result_text(r["value_pct"], r["numerator"], r["denominator"]), label,
                     None if pd.isna(r["previous_pct"]) else vn_number(float(r["previous_pct"]), 2) + "%",
                     None if change is None else round(float(change), 2), r["indicator_code"]])
        fills.append(colour)
    _table(ws, top, headers, rows, [6, 60, 14, 14, 18, 28, 16, 12, 12, 12])
    for i, colour in enumerate(fills, start=top + 1):
        if colour is None:
            ws.cell(i, 1).font = BOLD
        else:
            ws.cell(i, 7).fill = PatternFill("solid", fgColor=colour)
            ws.cell(i, 9).number_format = '+0.00;-0.00;0.00'
    ws.freeze_panes = ws.cell(top + 1, 3)


PER_UNIT = {
    "Văn bản": ("1. PHẦN MỀM QUẢN LÝ VĂN BẢN VÀ ĐIỀU HÀNH (trừ văn bản mật)",
                ["VB đi trên phần mềm", "VB đến trên phần mềm", "VB đi không trên phần mềm",
                 "VB đến không trên phần mềm"], """
        select unit_code,
               sum(numerator) filter (code = 'VI.1.2'), sum(numerator) filter (code = 'VI.1.1'),
               sum(denominator - numerator) filter (code = 'VI.1.2'), sum(denominator - numerator) filter (code = 'VI.1.1')
        from marts.unit_measures where report_month = $month and code in ('VI.1.1', 'VI.1.2') group by unit_code"""),
    "Chữ ký số": ("2. CHỮ KÝ SỐ", ["VB đi ký số cá nhân và tổ chức", "Tổng VB đi", "Tỷ lệ"], """
        select unit_code, numerator, denominator, numerator / nullif(denominator, 0)
        from marts.unit_measures where report_month = $month and code = 'VI.2.2'"""),
    "Hồ sơ TTHC": ("3. HỒ SƠ THỦ TỤC HÀNH CHÍNH",
                   ["Tổng số hồ sơ tiếp nhận", "Đã trả kết quả đúng hạn", "Đã trả kết quả trễ hạn",
                    "Hồ sơ trực tuyến", "Trực tuyến từ xa"], """
        select case when grouping(unit_code) = 1 then 'TPVT' else unit_code end, count(*),
               count(*) filter (resolved_at <= due_at), count(*) filter (resolved_at > due_at or
                                                                         (resolved_at is not null and due_at is null)),
               count(*) filter (channel = 'Trực tuyến'), count(*) filter (channel = 'Trực tuyến' and remote)
        from staging.dossiers where report_month = $month
        group by grouping sets ((unit_code), ()) having not (grouping(unit_code) = 0 and unit_code = 'TPVT')"""),
    "Thanh toán trực tuyến": ("4. THANH TOÁN TRỰC TUYẾN",
                              ["Hồ sơ có phí, lệ phí", "Hồ sơ thanh toán trực tuyến", "Tỷ lệ hồ sơ",
                               "Tổng phí, lệ phí (đồng)", "Thanh toán trực tuyến (đồng)", "Tỷ lệ giá trị"], """
        select unit_code,
               sum(denominator) filter (code = 'CQS-03'), sum(numerator) filter (code = 'CQS-03'),
               sum(numerator) filter (code = 'CQS-03') / nullif(sum(denominator) filter (code = 'CQS-03'), 0),
               sum(denominator) filter (code = 'CQS-04'), sum(numerator) filter (code = 'CQS-04'),
               sum(numerator) filter (code = 'CQS-04') / nullif(sum(denominator) filter (code = 'CQS-04'), 0)
        from marts.unit_measures where report_month = $month and code in ('CQS-03', 'CQS-04') group by unit_code"""),
}


def write_per_unit(ws, con, month: ReportMonth, title: str, headers: list[str], query: str) -> None:
    top = _title(ws, [title, f"Kỳ báo cáo {month}"])
    figures = {r[0]: r[1:] for r in con.execute(query, {"month": str(month)}).fetchall()}
    units = con.execute("select unit_code, name_vi, level from ref.units order by sort_order").fetchall()
    rows = []
    for code, name, level in units:
        values = figures.get(code, (None,) * len(headers))
        rows.append([("Toàn thành phố" if level == "city" else name), *values])
    _table(ws, top, ["Tên cơ quan, đơn vị", *headers], rows, [34, *[16] * len(headers)])
    for r in range(top + 1, top + 1 + len(rows)):
        for c, header in enumerate(headers, start=2):
            ws.cell(r, c).number_format = "0.00%" if header.startswith("Tỷ lệ") else "#,##0"
    ws.cell(top + 1, 1).font = BOLD


def write_dti_form(ws, con, month: ReportMonth, unit_code: str, unit_name: str) -> None:
    summary = con.execute("select * from marts.dti_summary where report_month = ? and unit_code = ?",
                          [str(month), unit_code]).df()
    rubric = summary["rubric"].iloc[0] if len(summary) else ("district" if unit_code == "TPVT" else "commune")
    heading = ("CHỈ SỐ CHUYỂN ĐỔI SỐ TẠI UBND CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ" if rubric == "district"
               else "CHỈ SỐ CHUYỂN ĐỔI SỐ TẠI UBND CÁC XÃ, PHƯỜNG, THỊ TRẤN")
    total = summary["total_score"].iloc[0] if len(summary) else None
    rank = summary["rank"].iloc[0] if len(summary) else None
    top = _title(ws, [heading, f"{unit_name} - lũy kế đến kỳ {month}",
                      f"Tổng điểm: {vn_number(float(total), 2) if total is not None else '-'}"
                      + (f"; xếp hạng {int(rank)}/17" if rank is not None and not pd.isna(rank) else "")])
    rows = con.execute("""
        select c.level, c.criterion_code, c.name_vi, c.max_points, s.self_score, s.computed_score, s.final_score,
               s.basis
        from ref.rubric_criteria c
        left join marts.dti_scores s on s.criterion_code = c.criterion_code and s.rubric = c.rubric
             and s.report_month = $month and s.unit_code = $unit
        where c.rubric = $rubric order by c.seq""", {"month": str(month), "unit": unit_code, "rubric": rubric}).fetchall()
    groups = {g: summary[f"group_{g}"].iloc[0] for g in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")} \
        if len(summary) else {}
    if len(summary):
        groups["IX"] = summary["bonus_penalty"].iloc[0]
    out, bold_rows = [], []
    for level, code, name, max_points, self_score, computed, final, basis in rows:
        if level == "group":
            bold_rows.append(len(out))
            out.append([code, name, max_points, None, None, groups.get(code), "Điểm nhóm (không vượt điểm tối đa)"])
        elif level == "section":
            out.append([code.split(".", 1)[1], name, None, None, None, None, None])
        else:
            out.append([code.split(".", 1)[1], name, max_points, self_score, computed, final, basis])
    _table(ws, top, ["STT", "Chỉ số/Chỉ số thành phần", "Điểm tối đa", "Điểm tự đánh giá", "Điểm tính từ dữ liệu",
                     "Điểm đạt được", "Căn cứ"], out, [8, 60, 10, 12, 12, 12, 60])
    for i in bold_rows:
        for c in range(1, 8):
            ws.cell(top + 1 + i, c).font = BOLD
    for r in range(top + 1, top + 1 + len(out)):
        for c in (4, 5, 6):
            ws.cell(r, c).number_format = "0.00"


def write_ranking(ws, con, month: ReportMonth) -> None:
    top = _title(ws, [f"XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP XÃ - LŨY KẾ ĐẾN KỲ {month}"])
    rows = con.execute("""
        select s.rank, u.name_vi, s.group_I, s.group_II, s.group_III, s.group_IV, s.group_V, s.group_VI,
               s.group_VII, s.group_VIII, s.bonus_penalty, s.total_score
        from marts.dti_summary s join ref.units u using (unit_code)
        where s.report_month = ? and s.rubric = 'commune' order by s.rank, u.sort_order""", [str(month)]).fetchall()
    _table(ws, top, ["Hạng", "Đơn vị", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "Thưởng/trừ", "Tổng điểm"],
           [list(r) for r in rows], [8, 28, *[8] * 9, 12])
    for r in range(top + 1, top + 1 + len(rows)):
        for c in range(3, 13):
            ws.cell(r, c).number_format = "0.00"


def write_report(con: duckdb.DuckDBPyConnection, month: ReportMonth, path: Path) -> Path:
    wb = Workbook()
    write_indicators(wb.active, con, month)
    wb.active.title = "Chỉ tiêu"
    for sheet, (title, headers, query) in PER_UNIT.items():
        write_per_unit(wb.create_sheet(sheet), con, month, title, headers, query)
    write_ranking(wb.create_sheet("Xếp hạng DTI"), con, month)
    for code, name in con.execute("select unit_code, name_vi from ref.units where rubric is not null "
                                  "order by sort_order").fetchall():
        write_dti_form(wb.create_sheet(f"DTI {code}"[:31]), con, month, code, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
