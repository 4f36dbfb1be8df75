"""Unit workbooks (`units/`): the Dagster asset around landing.unit_workbooks."""
import dagster as dg

from assets.checks import rows_accounted, rows_accounted_spec
from assets.partitions import described, month_of_run, report_months
from assets.resources import InboxResource, WarehouseResource
from landing.unit_workbooks import land_unit_workbooks


@dg.asset(partitions_def=report_months, group_name="sources", pool="duckdb",
          description=described("Sổ số liệu của các đơn vị (units/): ThongTinChung, ChiTieu, DTI — staging.unit_*"),
          check_specs=[rows_accounted_spec("unit_workbooks", "units")])
def unit_workbooks(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                   inbox: InboxResource) -> dg.MaterializeResult:
    month = month_of_run(context)
    with warehouse.connect() as con:
        summary = land_unit_workbooks(con, inbox.root, month)
        check = rows_accounted(con, str(month), "units")
    context.log.info(f"Kỳ {month}: {summary['files']} tệp, {summary['rows_loaded']}/{summary['rows_read']} dòng "
                     f"hợp lệ, {summary['failures']} lỗi")
    return dg.MaterializeResult(metadata={"report_month": str(month), **summary}, check_results=[check])
