"""Appraisals (`appraisal/`): the Dagster asset around landing.appraisals."""
import dagster as dg

from assets.partitions import described, month_of_run, report_months
from assets.resources import InboxResource, WarehouseResource
from landing.appraisals import land_appraisals


@dg.asset(partitions_def=report_months, group_name="sources", pool="duckdb",
          description=described("Phiếu thẩm định điểm DTI của thành phố (appraisal/) — staging.appraisals, lịch sử "
                                "chỉ thêm, không ghi đè"))
def appraisals(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
               inbox: InboxResource) -> dg.MaterializeResult:
    month = month_of_run(context)
    with warehouse.connect() as con:
        summary = land_appraisals(con, inbox.root, month)
    if summary["files"]:
        context.log.info(f"Kỳ {month}: {summary['files']} phiếu thẩm định, {summary['rows_loaded']}/"
                         f"{summary['rows_read']} dòng hợp lệ ({summary['rows_added']} dòng mới), "
                         f"{summary['failures']} lỗi")
    return dg.MaterializeResult(metadata={"report_month": str(month), **summary})
