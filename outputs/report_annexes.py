"""The annexes (Phụ lục) of the monthly report: per-unit tables and the DTI forms.

Each annex is one sheet: `PHỤ LỤC <n>`, its title, the line tying it to the report, then one table whose
header row repeats on every printed page. The communes' DTI forms are one table (criteria × communes, the
final score of each), so that 17 forms print on a few landscape pages instead of one form each.
"""
from __future__ import annotations

import pandas as pd
from openpyxl.styles import Alignment

from domain.periods import ReportMonth
from domain.vnformat import vn_month
from outputs.excel_style import (BOLD, HEADER_FILL, RIGHT, body_cells, font, header_row, merged_line, pct_text,
                                 print_setup, put_number, score_text)
from outputs.excel_style import excel_safe
from warehouse.connection import query

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
GROUPS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")

PER_UNIT = {
    "Văn bản": ("Văn bản đi, đến trên phần mềm quản lý văn bản và điều hành (trừ văn bản mật)",
                ["VB đi trên phần mềm", "VB đến trên phần mềm", "VB đi không trên phần mềm",
                 "VB đến không trên phần mềm"], """
        select unit_code,
               sum(numerator) filter (code = 'VI.1.2'), sum(numerator) filter (code = 'VI.1.1'),
               sum(denominator - numerator) filter (code = 'VI.1.2'), sum(denominator - numerator) filter (code = 'VI.1.1')
        from marts.unit_measures where report_month = $month and code in ('VI.1.1', 'VI.1.2') group by unit_code"""),
    "Chữ ký số": ("Sử dụng chữ ký số", ["VB đi ký số cá nhân và tổ chức", "Tổng VB đi", "Tỷ lệ"], """
        select unit_code, numerator, denominator, 100 * numerator / nullif(denominator, 0)
        from marts.unit_measures where report_month = $month and code = 'VI.2.2'"""),
    "Hồ sơ TTHC": ("Hồ sơ thủ tục hành chính",
                   ["Tổng số hồ sơ tiếp nhận", "Đã trả kết quả đúng hạn", "Đã trả kết quả trễ hạn",
                    "Hồ sơ trực tuyến", "Trực tuyến từ xa"], """
        select case when grouping(unit_code) = 1 then 'TPVT' else unit_code end, count(*),
               count(*) filter (resolved_at <= due_at), count(*) filter (resolved_at > due_at or
                                                                         (resolved_at is not null and due_at is null)),
               count(*) filter (channel = 'Trực tuyến'), count(*) filter (channel = 'Trực tuyến' and remote)
        from staging.dossiers where report_month = $month
        group by grouping sets ((unit_code), ()) having not (grouping(unit_code) = 0 and unit_code = 'TPVT')"""),
    "Thanh toán": ("Thanh toán trực tuyến phí, lệ phí",
                   ["Hồ sơ có phí, lệ phí", "Hồ sơ thanh toán trực tuyến", "Tỷ lệ hồ sơ",
                    "Tổng phí, lệ phí (đồng)", "Thanh toán trực tuyến (đồng)", "Tỷ lệ giá trị"], """
        select unit_code,
               sum(denominator) filter (code = 'CQS-03'), sum(numerator) filter (code = 'CQS-03'),
               100 * sum(numerator) filter (code = 'CQS-03') / nullif(sum(denominator) filter (code = 'CQS-03'), 0),
               sum(denominator) filter (code = 'CQS-04'), sum(numerator) filter (code = 'CQS-04'),
               100 * sum(numerator) filter (code = 'CQS-04') / nullif(sum(denominator) filter (code = 'CQS-04'), 0)
        from marts.unit_measures where report_month = $month and code in ('CQS-03', 'CQS-04') group by unit_code"""),
}


def annex_title(ws, number: int, text: str, month: ReportMonth, last_col: int) -> int:
    """Rows 1–3; returns the header row (5)."""
    merged_line(ws, 1, f"PHỤ LỤC {ROMAN[number - 1]}", 1, last_col, size=12, bold=True)
    merged_line(ws, 2, text.upper(), 1, last_col, size=12, bold=True)
    merged_line(ws, 3, f"(Kèm theo Báo cáo số .../BC-VHTT ngày ... tháng {month.month:02d} năm {month.year} của "
                       f"Phòng Văn hóa và Thông tin; {vn_month(str(month))})", 1, last_col, size=11, italic=True)
    return 5


def _sheet(wb, number: int, short: str):
    return wb.create_sheet(f"PL {ROMAN[number - 1]} {short}"[:31])


def _finish_table(ws, header: int, last_row: int, last_col: int, landscape: bool = False, size: float = 11) -> None:
    body_cells(ws, header + 1, last_row, 1, last_col, size=size)
    print_setup(ws, landscape=landscape, title_rows=(header, header), freeze=ws.cell(header + 1, 3).coordinate)


def per_unit_annex(wb, con, month: ReportMonth, number: int, short: str) -> None:
    title, headers, query = PER_UNIT[short]
    ws = _sheet(wb, number, short)
    header = annex_title(ws, number, title, month, 1 + len(headers))
    figures = {r[0]: r[1:] for r in con.execute(query, {"month": str(month)}).fetchall()}
    units = con.execute("select unit_code, name_vi, level from ref.units order by sort_order").fetchall()
    header_row(ws, header, ["Tên cơ quan, đơn vị", *headers], [30, *[13] * len(headers)])
    for r, (code, name, level) in enumerate(units, start=header + 1):
        ws.cell(r, 1, "Toàn thành phố" if level == "city" else name)
        if level == "city":
            ws.cell(r, 1).font = BOLD
        for c, (label, value) in enumerate(zip(headers, figures.get(code, (None,) * len(headers))), start=2):
            if label.startswith("Tỷ lệ"):
                ws.cell(r, c, pct_text(value)).alignment = RIGHT
            else:
                put_number(ws.cell(r, c), value)
    _finish_table(ws, header, header + len(units), 1 + len(headers))


def groups_annex(wb, con, month: ReportMonth, number: int) -> None:
    ws = _sheet(wb, number, "Điểm DTI theo nhóm")
    headers = ["Hạng", "Đơn vị", *GROUPS, "Thưởng/ trừ", "Tổng điểm"]
    header = annex_title(ws, number, f"Điểm Chỉ số chuyển đổi số theo nhóm, lũy kế đến {vn_month(str(month))}",
                         month, len(headers))
    rows = con.execute(f"""
        select s.rank, u.name_vi, {', '.join(f's.group_{g}' for g in GROUPS)}, s.bonus_penalty, s.total_score
        from marts.dti_summary s join ref.units u using (unit_code)
        where s.report_month = ? order by s.rubric = 'commune', s.rank, u.sort_order""", [str(month)]).fetchall()
    header_row(ws, header, headers, [6, 24, *[7.5] * 9, 9])
    for r, row in enumerate(rows, start=header + 1):
        ws.cell(r, 1, row[0])
        ws.cell(r, 2, row[1])
        for c, value in enumerate(row[2:], start=3):
            ws.cell(r, c, score_text(value)).alignment = RIGHT
    _finish_table(ws, header, header + len(rows), len(headers))


def _criteria(con, rubric: str) -> list[tuple]:
    return con.execute("select level, criterion_code, name_vi, max_points from ref.rubric_criteria "
                       "where rubric = ? order by seq", [rubric]).fetchall()


def city_form_annex(wb, con, month: ReportMonth, number: int) -> None:
    """TPVT's form: self, computed and final score of each criterion with its basis."""
    ws = _sheet(wb, number, "DTI thành phố")
    headers = ["STT", "Chỉ số/Chỉ số thành phần", "Điểm tối đa", "Điểm tự đánh giá", "Điểm tính từ dữ liệu",
               "Điểm đạt được", "Căn cứ"]
    header = annex_title(ws, number, f"Chỉ số chuyển đổi số của thành phố Vũng Tàu, lũy kế đến "
                                     f"{vn_month(str(month))}", month, len(headers))
    scores = {r[0]: r[1:] for r in con.execute(
        "select criterion_code, self_score, computed_score, final_score, basis from marts.dti_scores "
        "where report_month = ? and unit_code = 'TPVT'", [str(month)]).fetchall()}
    summary = con.execute("select * from marts.dti_summary where report_month = ? and unit_code = 'TPVT'",
                          [str(month)]).df()
    group_scores = {} if summary.empty else {g: summary[f"group_{g}"].iloc[0] for g in GROUPS}
    if not summary.empty:
        group_scores["IX"] = summary["bonus_penalty"].iloc[0]
    header_row(ws, header, headers, [6, 50, 8, 9, 9, 9, 56])
    r = header
    for level, code, name, max_points in _criteria(con, "district"):
        r += 1
        if level == "group":
            values = [code, name, score_text(max_points), None, None, score_text(group_scores.get(code)), None]
        elif level == "section":
            values = [code.split(".", 1)[1], name, None, None, None, None, None]
        else:
            self_score, computed, final, basis = scores.get(code, (None,) * 4)
            values = [code.split(".", 1)[1], name, score_text(max_points), score_text(self_score),
                      score_text(computed), score_text(final), excel_safe(basis)]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            if 3 <= c <= 6:
                cell.alignment = RIGHT
            if level == "group":
                cell.font, cell.fill = BOLD, HEADER_FILL
    total = None if summary.empty else summary["total_score"].iloc[0]
    r += 1
    ws.cell(r, 2, "Tổng điểm").font = BOLD
    ws.cell(r, 6, score_text(total)).alignment = RIGHT
    _finish_table(ws, header, r, len(headers), landscape=True, size=10)


def communes_form_annex(wb, con, month: ReportMonth, number: int) -> None:
    """The communes' forms side by side: each criterion's achieved score (điểm đạt được: the appraisers' score
    where given, else the final score) per commune."""
    ws = _sheet(wb, number, "DTI phường, xã")
    communes = con.execute("select unit_code, short_name_vi from ref.units where level = 'commune' "
                           "order by sort_order").fetchall()
    headers = ["STT", "Chỉ số/Chỉ số thành phần", "Điểm tối đa", *[name for _, name in communes]]
    header = annex_title(ws, number, f"Điểm đạt được của phường, xã theo từng chỉ số, lũy kế đến "
                                     f"{vn_month(str(month))}", month, len(headers))
    scores = con.execute("select unit_code, criterion_code, achieved_score from marts.dti_scores "
                         "where report_month = ? and rubric = 'commune'", [str(month)]).df()
    final = {(r.unit_code, r.criterion_code): r.achieved_score for r in scores.itertuples(index=False)}
    summary = con.execute("select * from marts.dti_summary where report_month = ? and rubric = 'commune'",
                          [str(month)]).df().set_index("unit_code")
    header_row(ws, header, headers, [5, 46, 6, *[5.6] * len(communes)])
    for c in range(4, 4 + len(communes)):
        ws.cell(header, c).alignment = Alignment(text_rotation=90, horizontal="center", vertical="bottom",
                                                 wrap_text=True)
    r = header
    for level, code, name, max_points in _criteria(con, "commune"):
        r += 1
        if level == "section":
            values = [code.split(".", 1)[1], name, None]
        else:
            values = [code if level == "group" else code.split(".", 1)[1], name, score_text(max_points)]
        for unit, _ in communes:
            if level == "group":
                column = "bonus_penalty" if code == "IX" else f"group_{code}"
                value = summary.at[unit, column] if unit in summary.index else None
            elif level == "criterion":
                value = final.get((unit, code))
            else:
                value = None
            values.append(score_text(None if value is None or pd.isna(value) else value))
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            if c >= 3:
                cell.alignment = RIGHT
            if level == "group":
                cell.font, cell.fill = BOLD, HEADER_FILL
    for label, column in (("Tổng điểm trước thẩm định", "total_score"), ("Tổng điểm đạt được", "achieved_total"),
                          ("Xếp hạng", "achieved_rank")):
        r += 1
        ws.cell(r, 2, label).font = BOLD
        for c, (unit, _) in enumerate(communes, start=4):
            value = summary.at[unit, column] if unit in summary.index else None
            ws.cell(r, c, None if value is None or pd.isna(value) else
                    (int(value) if column == "rank" else score_text(value))).alignment = RIGHT
    _finish_table(ws, header, r, len(headers), landscape=True, size=10)
    for row in ws.iter_rows(min_row=header, max_row=r, min_col=3, max_col=len(headers)):
        for cell in row:
            cell.font = font(9, bold=cell.font.b)  # 20 columns of figures on a landscape page


def appraisal_annex(wb, con, month: ReportMonth, number: int) -> None:
    """Where the city's appraisers departed from the communes' self scores and the computed ones, with their
    comments (dti appraisal, issue 16)."""
    ws = _sheet(wb, number, "Thẩm định")
    headers = ["Phường, xã", "Mã", "Chỉ số", "Điểm tối đa", "Điểm tự đánh giá", "Điểm tính từ dữ liệu",
               "Điểm UBND cấp huyện thẩm định", "Ý kiến thẩm định"]
    header = annex_title(ws, number, f"Kết quả thẩm định điểm DTI của phường, xã khác điểm tự đánh giá hoặc điểm "
                                     f"tính từ dữ liệu, lũy kế đến {vn_month(str(month))}", month, len(headers))
    rows = query(con, "report_appraisal_departures", report_month=str(month))
    header_row(ws, header, headers, [14, 8, 40, 8, 9, 9, 10, 40])
    if rows.empty:
        ws.cell(header + 1, 1, "Chưa có kết quả thẩm định khác điểm tự đánh giá hoặc điểm tính từ dữ liệu.")
    for r, row in enumerate(rows.itertuples(index=False), start=header + 1):
        values = [row.unit_name, row.criterion_code, row.criterion_name, score_text(row.max_points),
                  score_text(row.self_score), score_text(row.computed_score), score_text(row.appraised_score),
                  excel_safe(row.appraisal_comment)]
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value).alignment = RIGHT if 4 <= c <= 7 else ws.cell(r, c).alignment
    _finish_table(ws, header, header + max(len(rows), 1), len(headers), landscape=True, size=10)


def write_annexes(wb, con, month: ReportMonth) -> None:
    number = 0
    for short in PER_UNIT:
        number += 1
        per_unit_annex(wb, con, month, number, short)
    groups_annex(wb, con, month, number + 1)
    city_form_annex(wb, con, month, number + 2)
    communes_form_annex(wb, con, month, number + 3)
    appraisal_annex(wb, con, month, number + 4)
