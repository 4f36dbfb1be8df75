"""After a month's marts are committed: the read-only snapshot and the Parquet files readers use."""
import dagster as dg

from assets.marts import (dti_summary, indicator_attainment, later_months_refreshed, restatements, submission_status,
                          unit_measures)
from warehouse.dictionary import apply_comments
from warehouse.publish import parquet_dir, publish
from assets.partitions import described, month_of_run, report_months
from assets.resources import WarehouseResource


@dg.asset(partitions_def=report_months, group_name="publish", pool="duckdb",
          deps=[indicator_attainment, dti_summary, submission_status, unit_measures, later_months_refreshed,
                restatements, "validation_warnings"],
          description=described("Bản sao chỉ đọc của kho và tệp Parquet của các bảng tổng hợp, cho người phân tích "
                                "và BI"))
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    month = month_of_run(context)
    with warehouse.connect() as con:
        comments = apply_comments(con)  # analysts read what each table and column means in DuckDB itself
    snapshot = publish(warehouse.file)
    return dg.MaterializeResult(metadata={
        "report_month": str(month),
        "comments": comments, "snapshot": dg.MetadataValue.path(str(snapshot)),
        "parquet": dg.MetadataValue.path(str(parquet_dir(warehouse.file)))})
