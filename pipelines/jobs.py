"""Jobs: one report month end to end."""
import dagster as dg

from pipelines.partitions import report_months

monthly_job = dg.define_asset_job(
    "monthly_report", selection=dg.AssetSelection.all(), partitions_def=report_months,
    description="Một kỳ báo cáo từ hộp thư đến các bảng tổng hợp",
    # DuckDB allows one writer: run the steps one after another in one process.
    executor_def=dg.in_process_executor)
