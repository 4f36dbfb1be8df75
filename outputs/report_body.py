"""The body of the monthly report as a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP).

Sheet `Báo cáo`: issuing body and national motto side by side, `Số: .../BC-VHTT`, place and date (number and
day left for the office to fill in when it signs), the title, the narrative. Sheet `Bảng 2, biểu đồ`, the
last of the body: the communes' ranking, the charts, `Nơi nhận:` and the signature block. Bảng 1 (the
indicators) sits between them on a sheet of its own so that its header repeats on every printed page.
"""
from __future__ import annotations

import pandas as pd

from domain.periods import ReportMonth
from domain.vnformat import vn_month, vn_number
from outputs import report_charts as charts
from outputs.excel_style import RIGHT, body_cells, header_row, merged_line, page_break_before, print_setup
from outputs.report_summary import summary

ISSUER_PARENT, ISSUER = "UBND THÀNH PHỐ VŨNG TÀU", "PHÒNG VĂN HÓA VÀ THÔNG TIN"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
NUMBER = "Số: .../BC-VHTT"
DOCUMENT_WIDTHS = [10, 17, 10, 18, 19, 19]   # A:C the issuing body, D:F the motto; 93 units ≈ 17 cm
RECIPIENTS = ["- UBND thành phố (để báo cáo);", "- Sở Thông tin và Truyền thông (để báo cáo);",
              "- Các phòng, ban thuộc UBND thành phố;", "- UBND các phường, xã;", "- Lưu: VT, VHTT."]
SIGNER = "TRƯỞNG PHÒNG"


def place_and_date(month: ReportMonth) -> str:
    return f"Vũng Tàu, ngày ... tháng {month.month:02d} năm {month.year}"


def title(month: ReportMonth) -> tuple[str, str]:
    return "BÁO CÁO", f"Kết quả thực hiện chuyển đổi số {vn_month(str(month))} trên địa bàn thành phố Vũng Tàu"


def letterhead(ws, month: ReportMonth) -> int:
    """Rows 1–8: the document's head; returns the next free row."""
    for col, width in enumerate(DOCUMENT_WIDTHS, start=1):
        ws.column_dimensions[chr(64 + col)].width = width
    merged_line(ws, 1, ISSUER_PARENT, 1, 3, size=12)
    merged_line(ws, 2, ISSUER, 1, 3, size=12, bold=True)
    merged_line(ws, 3, "_______________", 1, 3, size=8)
    merged_line(ws, 1, MOTTO[0], 4, 6, size=12, bold=True)
    merged_line(ws, 2, MOTTO[1], 4, 6, size=13, bold=True)
    merged_line(ws, 3, "_______________________", 4, 6, size=8)
    merged_line(ws, 4, NUMBER, 1, 3, size=13)
    merged_line(ws, 4, place_and_date(month), 4, 6, size=13, italic=True)
    heading, subject = title(month)
    merged_line(ws, 6, heading, 1, 6, size=14, bold=True)
    merged_line(ws, 7, subject, 1, 6, size=14, bold=True)
    return 9


def narrative(ws, row: int, sections: list[tuple[str, list[str]]]) -> int:
    for heading, lines in sections:
        merged_line(ws, row, heading, 1, 6, size=13, bold=True, horizontal="left")
        row += 1
        for line in lines:
            merged_line(ws, row, line if line.startswith("- ") else "    " + line, 1, 6, size=13,
                        horizontal="justify")
            row += 1
    return row


def document_sheet(ws, con, month: ReportMonth, indicators: list[dict]) -> None:
    ws.title = "Báo cáo"
    row = letterhead(ws, month)
    narrative(ws, row, summary(con, month, indicators))
    print_setup(ws)
    ws.sheet_view.showGridLines = False


RANKING_HEADERS = ["Hạng", "Phường, xã", "Tổng điểm", "Kỳ trước", "Tăng/giảm (điểm)", "Hạng kỳ trước"]


def ranking_rows(con, month: ReportMonth) -> list[list]:
    frame = con.execute("""
        select s.achieved_rank as rank, u.name_vi, s.achieved_total as total_score, p.achieved_total as previous,
               p.achieved_rank as previous_rank
        from marts.dti_summary s join ref.units u using (unit_code)
        left join marts.dti_summary p on p.unit_code = s.unit_code and p.report_month = ?
        where s.report_month = ? and s.rubric = 'commune' order by s.achieved_rank, u.sort_order""",
                        [str(month.previous()), str(month)]).df()
    rows = []
    for r in frame.itertuples(index=False):
        change = None if pd.isna(r.previous) else r.total_score - r.previous
        rows.append([int(r.rank), r.name_vi, vn_number(float(r.total_score), 2),
                     None if pd.isna(r.previous) else vn_number(float(r.previous), 2),
                     None if change is None else ("+" if change > 0 else "") + vn_number(round(change, 2), 2),
                     None if pd.isna(r.previous_rank) else int(r.previous_rank)])
    return rows


def _caption(ws, row: int, text: str) -> None:
    merged_line(ws, row, text, 1, 6, size=12, bold=True)


def signature(ws, row: int) -> int:
    merged_line(ws, row, "Nơi nhận:", 1, 2, size=12, bold=True, italic=True, horizontal="left")
    merged_line(ws, row, SIGNER, 4, 6, size=13, bold=True)
    for i, line in enumerate(RECIPIENTS, start=1):
        merged_line(ws, row + i, line, 1, 3, size=11, horizontal="left")
    merged_line(ws, row + len(RECIPIENTS) + 2, "(Ký, ghi rõ họ tên)", 4, 6, size=12, italic=True)
    return row + len(RECIPIENTS) + 3


def closing_sheet(ws, con, month: ReportMonth, data, blocks: dict) -> None:
    """Bảng 2 (ranking), the three charts, Nơi nhận and the signature: the last page(s) of the body."""
    ws.title = "Bảng 2, biểu đồ"
    _caption(ws, 1, f"Bảng 2. Xếp hạng Chỉ số chuyển đổi số (DTI) phường, xã lũy kế đến {vn_month(str(month))}")
    header_row(ws, 2, RANKING_HEADERS, DOCUMENT_WIDTHS)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 8, 22
    rows = ranking_rows(con, month)
    for r, values in enumerate(rows, start=3):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value)
            if c > 2:
                ws.cell(r, c).alignment = RIGHT
    body_cells(ws, 3, 2 + len(rows), 1, 6, size=12)
    row = 4 + len(rows)

    first, last = blocks["ranking"]
    ws.add_chart(charts.ranking_chart(data, first, last), f"A{row}")
    row = charts.reserve_rows(ws, row, charts.ranking_chart_height(last - first))
    page_break_before(ws, row)
    first, last, statuses = blocks["indicators"]
    if last >= first:
        ws.add_chart(charts.indicator_chart(data, first, last, statuses, blocks["indicators_max"]), f"A{row}")
        row = charts.reserve_rows(ws, row, charts.indicator_chart_height(last - first + 1))
    first, last = blocks["trend"]
    ws.add_chart(charts.trend_chart(data, first, last), f"A{row}")
    row = charts.reserve_rows(ws, row, 7) + 1
    signature(ws, row)
    print_setup(ws, freeze="A3")
    ws.sheet_view.showGridLines = False

