"""The marts of one report month, each built by its SQL file in sql/ (the Dagster assets only wire these).

Year to date (SPEC §7): a month's scores read every earlier month of its year, so building a month
again refreshes the later months of the year already built (`refresh_later_months`), in order.
"""
from __future__ import annotations

import duckdb

from domain import reference
from domain.figures import FigureBook, score_frame
from domain.headroom import headroom_frame
from domain.periods import ReportMonth
from warehouse.connection import query, replace_rows, run_sql, sql_text, transaction


def build_unit_measures(con: duckdb.DuckDBPyConnection, month: ReportMonth) -> None:
    run_sql(con, "unit_measures", report_month=str(month), year_start=month.year_start,
            period_start=month.start, period_end=month.end)


def build_indicator_attainment(con: duckdb.DuckDBPyConnection, month: ReportMonth) -> int:
    """Returns the catalogue year used (the month's own, or the latest earlier one)."""
    year = reference.catalogue_year(month.year, set(reference.indicators()["year"]))
    con.execute(sql_text("target_macros"))  # meets_target: the one comparison with a target
    run_sql(con, "indicator_attainment", report_month=str(month), catalogue_year=year)
    return year


def build_submission_status(con: duckdb.DuckDBPyConnection, month: ReportMonth) -> None:
    run_sql(con, "submission_status", report_month=str(month), deadline=month.deadline)


def build_dti_scores(con: duckdb.DuckDBPyConnection, month: ReportMonth):
    """marts.dti_scores (with the appraisal in force and the achieved score) and marts.dti_headroom."""
    params = {"report_month": str(month), "year_start": month.year_start}
    book = FigureBook(query(con, "dti_info", **params), query(con, "dti_indicator_figures", **params))
    inputs = query(con, "dti_inputs", **params)
    scores = score_frame(inputs, book).merge(query(con, "dti_appraisals", **params),
                                             on=["unit_code", "criterion_code"], how="left")
    scores["appraised_score"] = scores["appraised_score"].astype("float64")
    # SPEC §4: the appraisers' score when given, else the final score
    scores["achieved_score"] = scores["appraised_score"].fillna(scores["final_score"])
    criteria = reference.rubric_criteria()
    names = dict(zip(zip(criteria["rubric"], criteria["criterion_code"]), criteria["name_vi"]))
    headroom = headroom_frame(scores, inputs, names).assign(report_month=str(month))
    scores = scores.assign(report_month=str(month))
    with transaction(con):
        replace_rows(con, "marts.dti_scores", scores, report_month=str(month))
        replace_rows(con, "marts.dti_headroom", headroom, report_month=str(month))
    return scores


def record_appraisal_round(con: duckdb.DuckDBPyConnection, month: ReportMonth, issued_at) -> None:
    """The month's appraisal workbooks were written: note it, and rebuild the month's submission status with
    its `appraisal` rows (every commune, none received yet)."""
    run_sql(con, "record_appraisal_round", report_month=str(month), issued_at=issued_at)
    build_submission_status(con, month)


def build_dti_summary(con: duckdb.DuckDBPyConnection, month: ReportMonth) -> None:
    run_sql(con, "dti_summary", report_month=str(month))


def build_validation_warnings(con: duckdb.DuckDBPyConnection, month: ReportMonth) -> int:
    """The month's values accepted but flagged for the steward; returns how many."""
    run_sql(con, "validation_warnings", report_month=str(month), year_start=month.year_start)
    return con.execute("select count(*) from quality.validation_warnings where report_month = ?",
                       [str(month)]).fetchone()[0]


def later_months_built(con: duckdb.DuckDBPyConnection, month: ReportMonth) -> list[ReportMonth]:
    """The months after `month` in its year whose marts were already built, in order."""
    rows = con.execute("select distinct report_month from marts.dti_summary where report_month > ? "
                       "and report_month <= ? order by 1", [str(month), f"{month.year}-12"]).fetchall()
    return [ReportMonth.parse(m) for (m,) in rows]


def refresh_later_months(con: duckdb.DuckDBPyConnection, month: ReportMonth) -> list[ReportMonth]:
    """Rebuild, in order, every later month of the year already built: their year-to-date figures and
    carried snapshots read this month (SPEC §7, a late correction). Their own staging rows are unchanged."""
    later = later_months_built(con, month)
    for each in later:
        build_unit_measures(con, each)
        build_indicator_attainment(con, each)
        build_validation_warnings(con, each)
        build_dti_scores(con, each)
        build_dti_summary(con, each)
    return later
