"""The marts (schema `marts`), each one SQL file in sql/ run for one report month."""

import dagster as dg

from assets.reference import ref_indicators, ref_units
from assets.unit_workbooks import catalogue_year, unit_workbooks
from dti import reference
from dti.periods import ReportMonth
from dti.scoring import score_frame
from dti.warehouse import query, replace_rows, run_sql, transaction
from pipelines.partitions import report_months
from pipelines.resources import WarehouseResource


@dg.asset(partitions_def=report_months, group_name="marts", pool="duckdb",
          deps=[unit_workbooks, ref_indicators, ref_units, "unit_measures"],
          description="Kết quả thực hiện chỉ tiêu theo đơn vị và toàn thành phố (TPVT)")
def indicator_attainment(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    month = ReportMonth.from_partition_key(context.partition_key)
    years = set(reference.indicators()["year"])
    year = catalogue_year(month, years)
    if year != month.year:
        context.log.warning(f"Năm {month.year} chưa có danh mục chỉ tiêu: dùng danh mục năm {year}")
    with warehouse.connect() as con:
        run_sql(con, "indicator_attainment", report_month=str(month), catalogue_year=year)
        counts = dict(con.execute(
            "select status, count(*) from marts.indicator_attainment where report_month = ? group by 1",
            [str(month)]).fetchall())
    return dg.MaterializeResult(metadata={"report_month": str(month), **{k: int(v) for k, v in counts.items()}})


@dg.asset(partitions_def=report_months, group_name="marts", pool="duckdb",
          deps=["onestop", "qlvb", "procedures", "ioc_accounts", "ioc_feedback", unit_workbooks, ref_units],
          description="Tử số / mẫu số theo đơn vị của SPEC §3.7, tính từ các dòng hợp lệ của dữ liệu xuất")
def unit_measures(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    month = ReportMonth.from_partition_key(context.partition_key)
    with warehouse.connect() as con:
        run_sql(con, "unit_measures", report_month=str(month), period_start=month.start, period_end=month.end)
        rows = con.execute("select count(*) from marts.unit_measures where report_month = ?",
                           [str(month)]).fetchone()[0]
    return dg.MaterializeResult(metadata={"report_month": str(month), "rows": int(rows)})


@dg.asset(partitions_def=report_months, group_name="marts", pool="duckdb", deps=[unit_workbooks, "onestop", ref_units],
          description="Tình trạng nộp báo cáo: đơn vị × nguồn, đúng hạn hay trễ")
def submission_status(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    month = ReportMonth.from_partition_key(context.partition_key)
    with warehouse.connect() as con:
        run_sql(con, "submission_status", report_month=str(month), deadline=month.deadline)
        late = con.execute("select count(*) filter (not received), count(*) filter (on_time = false) "
                           "from marts.submission_status where report_month = ? and source = 'units'",
                           [str(month)]).fetchone()
    return dg.MaterializeResult(metadata={"report_month": str(month), "not_received": late[0], "late": late[1]})


@dg.asset(partitions_def=report_months, group_name="marts", pool="duckdb",
          deps=[unit_measures, indicator_attainment, submission_status, "ref_rubric_criteria"],
          description="Điểm DTI theo tiêu chí, lũy kế từ đầu năm: tự đánh giá, tính từ dữ liệu, điểm cuối cùng")
def dti_scores(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    month = ReportMonth.from_partition_key(context.partition_key)
    with warehouse.connect() as con:
        inputs = query(con, "dti_inputs", report_month=str(month), year_start=f"{month.year}-01")
        scores = score_frame(inputs).assign(report_month=str(month))
        with transaction(con):
            replace_rows(con, "marts.dti_scores", scores, report_month=str(month))
    computed = int(scores["computed_score"].notna().sum())
    return dg.MaterializeResult(metadata={"report_month": str(month), "rows": len(scores),
                                          "computed": computed})


@dg.asset(partitions_def=report_months, group_name="marts", pool="duckdb", deps=[dti_scores],
          description="Tổng hợp điểm DTI theo nhóm, tổng điểm và xếp hạng phường, xã")
def dti_summary(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    month = ReportMonth.from_partition_key(context.partition_key)
    with warehouse.connect() as con:
        run_sql(con, "dti_summary", report_month=str(month))
        top = con.execute("select unit_code, total_score from marts.dti_summary where report_month = ? "
                          "and rank = 1", [str(month)]).fetchall()
    return dg.MaterializeResult(metadata={"report_month": str(month), "top": [f"{u}: {t:g}" for u, t in top]})
