"""The figures the dashboard shows, read from the published read-only snapshot."""
from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.connection import query
from warehouse.versions import latest_publication

from domain import reference
from domain.targets import parse_target
from outputs.labels import SOURCE_NAMES

STATUS_LABELS = {"achieved": "Đạt", "not_achieved": "Chưa đạt", "no_data": "—"}
STATUS_COLOURS = {"Đạt": "#c6efce", "Chưa đạt": "#ffc7ce", "—": "#ededed"}
GROUP_COLUMNS = ["group_I", "group_II", "group_III", "group_IV", "group_V", "group_VI", "group_VII", "group_VIII"]


def months(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [m for (m,) in con.execute(
        "select distinct report_month from marts.dti_summary order by 1 desc").fetchall()]


def ranking(con, month: str) -> pd.DataFrame:
    return con.execute(f"""
        select s.achieved_rank as "Hạng", u.name_vi as "Đơn vị",
               {', '.join(f's.{g} as "{g[6:]}"' for g in GROUP_COLUMNS)},
               s.bonus_penalty as "Thưởng/trừ", s.total_score as "Tổng điểm", s.achieved_total as "Điểm đạt được"
        from marts.dti_summary s join ref.units u using (unit_code)
        where s.report_month = ? and s.rubric = 'commune' order by s.achieved_rank, u.sort_order""", [month]).df()


def attainment_grid(con, month: str) -> pd.DataFrame:
    """Unit × indicator, each cell the status label (TPVT first, then units in their order)."""
    frame = con.execute("""
        select u.short_name_vi as unit, u.sort_order, a.indicator_code, a.status
        from marts.indicator_attainment a join ref.units u using (unit_code)
        where a.report_month = ?""", [month]).df()
    frame["status"] = frame["status"].map(STATUS_LABELS)
    grid = frame.pivot_table(index=["sort_order", "unit"], columns="indicator_code", values="status",
                             aggfunc="first").fillna("")
    grid = grid.droplevel(0)
    grid.index.name, grid.columns.name = "Đơn vị", None
    return grid


def city_trend(con) -> pd.DataFrame:
    return con.execute("""
        select report_month as "Kỳ", indicator_code as "Chỉ tiêu", value_pct as "Kết quả (%)"
        from marts.indicator_attainment where unit_code = 'TPVT' and value_pct is not null
        order by 1, 2""").df()


def score_trend(con) -> pd.DataFrame:
    return con.execute("""
        select s.report_month as "Kỳ", u.short_name_vi as "Đơn vị", s.total_score as "Tổng điểm"
        from marts.dti_summary s join ref.units u using (unit_code) order by 1, 2""").df()


def indicators_vs_target(con, month: str) -> pd.DataFrame:
    """The city's indicators that have figures: result, the applied target's bound (%), status; catalogue order.
    The report's Biểu đồ 1 and the dashboard's bar chart draw this frame."""
    frame = con.execute("""
        select a.indicator_code, a.value_pct, a.target_text, a.status
        from marts.indicator_attainment a
        join ref.indicators i on i.indicator_code = a.indicator_code
             and i.year = (select max(year) from ref.indicators where year <= cast(left(?, 4) as integer))
        where a.report_month = ? and a.unit_code = 'TPVT' and a.value_pct is not null
        order by case i.group_code when 'CQS' then 1 when 'KTS' then 2 else 3 end, i.stt""", [month, month]).df()
    targets = [parse_target(t) for t in frame["target_text"]]
    frame["target_pct"] = [None if t is None else t.lower for t in targets]
    frame["Đánh giá"] = frame["status"].map(STATUS_LABELS)
    return frame


def dti_trend(con, month: str) -> pd.DataFrame:
    """The year's months up to `month`: the city's DTI total and the communes' average (Biểu đồ 3)."""
    return con.execute("""
        select report_month as "Kỳ", max(total_score) filter (rubric = 'district') as "Thành phố",
               avg(total_score) filter (rubric = 'commune') as "Bình quân phường, xã"
        from marts.dti_summary where left(report_month, 4) = left(?, 4) and report_month <= ?
        group by 1 order by 1""", [month, month]).df()


def failures_by_unit(con, month: str) -> pd.DataFrame:
    frame = con.execute("""
        select coalesce(u.name_vi, '(chưa xác định đơn vị)') as "Đơn vị", f.source, count(*) as "Số lỗi"
        from quality.validation_failures f left join ref.units u on u.unit_code = f.responsible_unit
        where f.report_month = ? group by all order by "Số lỗi" desc, 1""", [month]).df()
    frame.insert(1, "Nguồn", frame.pop("source").map(lambda s: SOURCE_NAMES.get(s, s)))
    return frame


FAILURE_COLUMNS = ["Nguồn", "Tệp", "Trang tính", "Dòng", "Cột", "Giá trị", "Lỗi", "Cần sửa thế nào"]


def failure_rows(con, month: str) -> pd.DataFrame:
    """Every failure of the month as a steward acts on it: the unit (Vietnamese name), where it is (file, sheet,
    row as the unit sees it, column), the value sent and the Vietnamese message; file by file, top to bottom."""
    frame = con.execute("""
        select coalesce(u.name_vi, '(chưa xác định đơn vị)') as unit, f.source, f.file_name, f.sheet, f.row_number,
               f.column_name, f.failure_value, f.check_name as label, f.message
        from quality.validation_failures f
        left join ref.units u on u.unit_code = f.responsible_unit
        where f.report_month = ?
        order by u.sort_order nulls last, f.source, f.file_name, f.sheet, f.row_number nulls first, f.column_name
        """, [month]).df()
    labels = reference.messages_table().set_index("check_name")["label_vi"]
    frame["label"] = frame["label"].map(lambda c: labels.get(c, c))
    frame["source"] = frame["source"].map(lambda s: SOURCE_NAMES.get(s, s))
    frame["row_number"] = frame["row_number"].map(lambda n: "" if pd.isna(n) else str(int(n)))
    frame = frame.fillna("")
    frame.columns = ["Đơn vị", *FAILURE_COLUMNS]
    return frame


def publication_note(con, month: str) -> str:
    """The month's latest published version (dti publish) and the changes pending since (marts.restatements)."""
    found = latest_publication(con, month)
    if found is None:
        return f"Kỳ {month} chưa được công bố (dti publish): đang xem số liệu hiện tại."
    version, published_at, pending = found
    note = f"Kỳ {month}: đã công bố phiên bản {version} ngày {published_at:%d/%m/%Y}."
    return note + (f" {pending} số liệu đã thay đổi sau khi công bố, chưa công bố lại." if pending else "")


HEADROOM_COLUMNS = {"criterion_code": "Mã", "criterion_name": "Tiêu chí", "current_score": "Điểm hiện tại",
                    "next_score": "Bậc tiếp theo", "gain": "Tăng thêm", "needed": "Cần đạt",
                    "needed_count": "Số bản ghi cần thêm"}


def headroom(con, month: str, unit_code: str) -> pd.DataFrame:
    """A commune's chances to gain points, as its feedback workbook lists them (sql/unit_headroom.sql)."""
    frame = query(con, "unit_headroom", report_month=month, unit_code=unit_code)
    frame["needed_count"] = frame["needed_count"].astype(object).where(frame["needed_count"].notna(), None)
    return frame[list(HEADROOM_COLUMNS)].rename(columns=HEADROOM_COLUMNS)


def communes(con) -> list[tuple[str, str]]:
    return con.execute("select unit_code, name_vi from ref.units where rubric = 'commune' order by sort_order").fetchall()
