"""The marts (schema `marts`) of one report month: Dagster wiring around warehouse.marts."""

import dagster as dg

from assets.appraisals import appraisals
from assets.mart_checks import SPECS, expectations_result
from assets.reference import ref_indicators, ref_units
from assets.unit_workbooks import unit_workbooks
from warehouse import marts
from domain.paths import empty_month_message, month_has_files
from domain.periods import ReportMonth
from assets.partitions import described, month_of_run, report_months
from assets.resources import InboxResource, WarehouseResource


def _month(context) -> ReportMonth:
    return month_of_run(context)


@dg.asset(partitions_def=report_months, group_name="marts", pool="duckdb",
          deps=[unit_workbooks, ref_indicators, ref_units, "unit_measures"],
          description=described("Kết quả thực hiện chỉ tiêu theo đơn vị và toàn thành phố (TPVT)"),
          check_specs=[SPECS["indicator_attainment"]])
def indicator_attainment(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    month = _month(context)
    with warehouse.connect() as con:
        year = marts.build_indicator_attainment(con, month)
        counts = dict(con.execute(
            "select status, count(*) from marts.indicator_attainment where report_month = ? group by 1",
            [str(month)]).fetchall())
        check = expectations_result(con, warehouse.file, "indicator_attainment", str(month))
    if year != month.year:
        context.log.warning(f"Năm {month.year} chưa có danh mục chỉ tiêu: dùng danh mục năm {year}")
    return dg.MaterializeResult(metadata={"report_month": str(month), **{k: int(v) for k, v in counts.items()}},
                                check_results=[check])


@dg.asset(partitions_def=report_months, group_name="marts", pool="duckdb",
          deps=["onestop", "qlvb", "procedures", "ioc_accounts", "ioc_feedback", unit_workbooks, ref_units],
          description=described("Tử số / mẫu số theo đơn vị của SPEC §3.7, tính từ các dòng hợp lệ của dữ liệu xuất"))
def unit_measures(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                  inbox: InboxResource) -> dg.MaterializeResult:
    month = _month(context)
    if not month_has_files(inbox.root, str(month)):  # the marts of an empty month are not built (SPEC §6)
        raise dg.Failure(description=empty_month_message(inbox.root, str(month)))
    with warehouse.connect() as con:
        marts.build_unit_measures(con, month)
        rows = con.execute("select count(*) from marts.unit_measures where report_month = ?",
                           [str(month)]).fetchone()[0]
    return dg.MaterializeResult(metadata={"report_month": str(month), "rows": int(rows)})


@dg.asset(partitions_def=report_months, group_name="marts", pool="duckdb",
          deps=[unit_workbooks, appraisals, "onestop", ref_units],
          description=described("Tình trạng nộp báo cáo: đơn vị × nguồn, đúng hạn hay trễ"))
def submission_status(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    month = _month(context)
    with warehouse.connect() as con:
        marts.build_submission_status(con, month)
        late = con.execute("select count(*) filter (not received), count(*) filter (on_time = false) "
                           "from marts.submission_status where report_month = ? and source = 'units'",
                           [str(month)]).fetchone()
    return dg.MaterializeResult(metadata={"report_month": str(month), "not_received": late[0], "late": late[1]})


@dg.asset(partitions_def=report_months, group_name="marts", pool="duckdb",
          deps=[unit_measures, indicator_attainment, submission_status, appraisals, "ref_rubric_criteria"],
          description=described("Điểm DTI theo tiêu chí, lũy kế từ đầu năm: tự đánh giá, tính từ dữ liệu, điểm cuối "
                                "cùng"), check_specs=[SPECS["dti_scores"]])
def dti_scores(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    month = _month(context)
    with warehouse.connect() as con:
        scores = marts.build_dti_scores(con, month)
        check = expectations_result(con, warehouse.file, "dti_scores", str(month))
    computed = int(scores["computed_score"].notna().sum())
    return dg.MaterializeResult(metadata={"report_month": str(month), "rows": len(scores),
                                          "computed": computed}, check_results=[check])


@dg.asset(partitions_def=report_months, group_name="marts", pool="duckdb", deps=[dti_scores],
          description=described("Tổng hợp điểm DTI theo nhóm, tổng điểm và xếp hạng phường, xã"),
          check_specs=[SPECS["dti_summary"]])
def dti_summary(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    month = _month(context)
    with warehouse.connect() as con:
        marts.build_dti_summary(con, month)
        top = con.execute("select unit_code, total_score from marts.dti_summary where report_month = ? "
                          "and rank = 1", [str(month)]).fetchall()
        check = expectations_result(con, warehouse.file, "dti_summary", str(month))
    return dg.MaterializeResult(metadata={"report_month": str(month), "top": [f"{u}: {t:g}" for u, t in top]},
                                check_results=[check])


@dg.asset(partitions_def=report_months, group_name="marts", pool="duckdb", deps=[dti_summary],
          description=described("Lũy kế từ đầu năm: chạy lại một kỳ cũ thì cập nhật luôn các kỳ sau của cùng năm "
                                "đã chạy"))
def later_months_refreshed(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    month = _month(context)
    with warehouse.connect() as con:
        later = marts.refresh_later_months(con, month)
    if later:
        context.log.info(f"Kỳ {month} chạy lại: đã cập nhật số liệu lũy kế của các kỳ sau "
                         f"{', '.join(map(str, later))}")
    return dg.MaterializeResult(metadata={"report_month": str(month), "refreshed": [str(m) for m in later]})


@dg.asset(partitions_def=report_months, group_name="marts", pool="duckdb", deps=[dti_summary, later_months_refreshed],
          description=described("Đính chính: số liệu đã công bố (dti publish) mà lần chạy này làm thay đổi, kèm tệp "
                                "gây ra thay đổi"))
def restatements(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:

    from domain.periods import local_now
    from warehouse.versions import log_restatements

    month = _month(context)
    with warehouse.connect() as con:
        added = log_restatements(con, month, local_now())
    if added:
        context.log.warning(f"Kỳ {month}: {added} số liệu đã công bố thay đổi (xem marts.restatements); chạy "
                            f"dti publish để công bố phiên bản mới")
    return dg.MaterializeResult(metadata={"report_month": str(month), "restated": added})
