"""Native Excel charts of the monthly report (openpyxl.chart), and the figures they are drawn from.

The same three pictures are on the dashboard (`outputs.dashboard_data`): each indicator against its target
(bar coloured as a traffic light, target beside it), the communes' DTI ranking (bars stacked by group, the
first-ranked on top), and the city's DTI over the year's months. The figures sit on a hidden sheet
`Dữ liệu biểu đồ` (LibreOffice and Excel do not print a hidden sheet).
"""
from __future__ import annotations

import math

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.marker import DataPoint

from outputs import dashboard_data
from outputs.excel_style import BOLD, header_row, print_setup

DATA_SHEET = "Dữ liệu biểu đồ"
TRAFFIC = {"achieved": "2E7D32", "not_achieved": "C62828"}
TARGET_COLOUR = "9E9E9E"
GROUP_COLOURS = ["1F4E79", "2E75B6", "9DC3E6", "548235", "A9D18E", "BF9000", "FFD966", "7F6000"]
ROW_POINTS = 15.0  # the height of a row reserved under a chart
CM_POINTS = 28.35


def reserve_rows(ws, row: int, height_cm: float) -> int:
    """Blank rows of a fixed height under a chart anchored at `row`; returns the first row after them."""
    count = math.ceil(height_cm * CM_POINTS / ROW_POINTS) + 1
    for r in range(row, row + count):
        ws.row_dimensions[r].height = ROW_POINTS
    return row + count


def data_sheet(wb, con, month: str):
    """The hidden sheet; returns {chart name: (first row, last row)} of each block."""
    ws = wb.create_sheet(DATA_SHEET)
    blocks = {}
    indicators = dashboard_data.indicators_vs_target(con, month)
    header_row(ws, 1, ["Chỉ tiêu", "Kết quả (%)", "Chỉ tiêu (%)", "Đánh giá"], [12, 12, 12, 14])
    for r, row in enumerate(indicators.itertuples(index=False), start=2):
        ws.cell(r, 1, row.indicator_code)
        ws.cell(r, 2, round(float(row.value_pct), 2))
        ws.cell(r, 3, None if row.target_pct is None or row.target_pct != row.target_pct else row.target_pct)
        ws.cell(r, 4, row.status)
    blocks["indicators"] = (2, 1 + len(indicators), list(indicators["status"]))
    blocks["indicators_max"] = max([100.0, *indicators["value_pct"], *indicators["target_pct"].dropna()])

    ranking = dashboard_data.ranking(con, month)
    top = len(indicators) + 4
    header_row(ws, top, ["Đơn vị", *[f"Nhóm {g[6:]}" for g in dashboard_data.GROUP_COLUMNS]])
    for r, row in enumerate(ranking.itertuples(index=False), start=top + 1):
        ws.cell(r, 1, row[1])
        for c, value in enumerate(row[2:2 + len(dashboard_data.GROUP_COLUMNS)], start=2):
            ws.cell(r, c, None if value != value else round(float(value), 2))
    blocks["ranking"] = (top, top + len(ranking))

    trend = dashboard_data.dti_trend(con, month)
    top = top + len(ranking) + 3
    header_row(ws, top, ["Kỳ", "Thành phố", "Bình quân phường, xã"])
    for r, row in enumerate(trend.itertuples(index=False), start=top + 1):
        ws.cell(r, 1, row[0])
        ws.cell(r, 2, None if row[1] != row[1] else round(float(row[1]), 2))
        ws.cell(r, 3, None if row[2] != row[2] else round(float(row[2]), 2))
    blocks["trend"] = (top, top + len(trend))
    ws.cell(top - 1, 1).font = BOLD
    print_setup(ws)
    ws.sheet_state = "hidden"
    return ws, blocks


def _style(chart, title: str, width: float, height: float) -> None:
    chart.title, chart.width, chart.height = title, width, height
    chart.legend.position = "b"


def indicator_chart(data, first: int, last: int, statuses: list[str], top: float = 100) -> BarChart:
    """Each indicator with figures: its result (green achieved, red not) and its target (grey)."""
    chart = BarChart()
    chart.type, chart.grouping = "bar", "clustered"
    _style(chart, "Biểu đồ 1. Kết quả thực hiện chỉ tiêu so với chỉ tiêu (%)", 18, indicator_chart_height(last - first + 1))
    chart.add_data(Reference(data, min_col=2, max_col=3, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(data, min_col=1, min_row=first, max_row=last))
    result, target = chart.series
    result.graphicalProperties.solidFill = TRAFFIC["achieved"]
    target.graphicalProperties.solidFill = TARGET_COLOUR
    for i, status in enumerate(statuses):
        if status in TRAFFIC:
            point = DataPoint(idx=i)
            point.graphicalProperties.solidFill = TRAFFIC[status]
            result.dPt.append(point)
    _top_down(chart)
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, math.ceil(top / 10) * 10  # a value above 100% shows
    return chart


def _top_down(chart: BarChart) -> None:
    """Horizontal bars read from the top: the first row first, every label shown, both axes drawn."""
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.tickLblSkip = 1                  # every label, not every other one
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.gapWidth = 40


def indicator_chart_height(count: int) -> float:
    return max(6.0, 2.5 + 0.42 * count)


def ranking_chart(data, header: int, last: int) -> BarChart:
    """The communes' year-to-date DTI, bars stacked by group I–VIII, in rank order from the top."""
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    _style(chart, "Biểu đồ 2. Xếp hạng DTI phường, xã (điểm theo nhóm)", 18, ranking_chart_height(last - header))
    chart.add_data(Reference(data, min_col=2, max_col=1 + len(dashboard_data.GROUP_COLUMNS), min_row=header,
                             max_row=last), titles_from_data=True)
    chart.set_categories(Reference(data, min_col=1, min_row=header + 1, max_row=last))
    for series, colour in zip(chart.series, GROUP_COLOURS):
        series.graphicalProperties.solidFill = colour
    _top_down(chart)
    return chart


def ranking_chart_height(count: int) -> float:
    return max(6.0, 3.0 + 0.5 * count)


def trend_chart(data, header: int, last: int) -> LineChart:
    chart = LineChart()
    _style(chart, "Biểu đồ 3. Điểm DTI qua các kỳ báo cáo trong năm", 18, 7)
    chart.add_data(Reference(data, min_col=2, max_col=3, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(data, min_col=1, min_row=header + 1, max_row=last))
    for series in chart.series:
        series.marker.symbol, series.smooth = "circle", False
    chart.x_axis.delete = chart.y_axis.delete = False
    return chart
