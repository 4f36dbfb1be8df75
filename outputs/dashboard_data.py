"""The figures the dashboard shows, read from the published read-only snapshot."""
from __future__ import annotations

import duckdb
import pandas as pd

STATUS_LABELS = {"achieved": "Đạt", "not_achieved": "Chưa đạt", "no_data": "—"}
STATUS_COLOURS = {"Đạt": "#c6efce", "Chưa đạt": "#ffc7ce", "—": "#ededed"}
GROUP_COLUMNS = ["group_I", "group_II", "group_III", "group_IV", "group_V", "group_VI", "group_VII", "group_VIII"]


def months(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [m for (m,) in con.execute(
        "select distinct report_month from marts.dti_summary order by 1 desc").fetchall()]


def ranking(con, month: str) -> pd.DataFrame:
    return con.execute(f"""
        select s.rank as "Hạng", u.name_vi as "Đơn vị", {', '.join(f's.{g} as "{g[6:]}"' for g in GROUP_COLUMNS)},
               s.bonus_penalty as "Thưởng/trừ", s.total_score as "Tổng điểm"
        from marts.dti_summary s join ref.units u using (unit_code)
        where s.report_month = ? and s.rubric = 'commune' order by s.rank, u.sort_order""", [month]).df()


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


def failures_by_unit(con, month: str) -> pd.DataFrame:
    return con.execute("""
        select coalesce(u.short_name_vi, '(chưa xác định)') as "Đơn vị", f.source as "Nguồn", count(*) as "Số lỗi"
        from quality.validation_failures f left join ref.units u on u.unit_code = f.responsible_unit
        where f.report_month = ? group by all order by "Số lỗi" desc""", [month]).df()
