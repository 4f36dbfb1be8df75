"""Jobs: one report month end to end, with the executor chosen by the month's size."""
import dagster as dg

from dti.paths import inbox_dir
from dti.periods import ReportMonth
from pipelines.partitions import report_months

# A month below this size runs in one process. Dagster's per-step processes cost about 1 s a step (22 steps)
# even from a forkserver that has imported the definitions once, 8 s a step without one: most of a city
# month's run, and a fair share of a province month's (5,000,000 dossiers, 900 MiB, about 15 s in process,
# memory bounded by DuckDB's limit). Above it each step runs in a process of its own, one at a time since
# DuckDB has one writer, and the memory a step used goes back to the system as it ends.
IN_PROCESS_BELOW_BYTES = 2**30
IN_PROCESS = {"execution": {"config": {"in_process": {}}}}
MULTIPROCESS = {"execution": {"config": {"multiprocess": {
    "max_concurrent": 1, "start_method": {"forkserver": {"preload_modules": ["pipelines.definitions"]}}}}}}


def month_bytes(month: ReportMonth) -> int:
    folder = inbox_dir() / str(month)
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def execution_config(month: ReportMonth) -> dict:
    return IN_PROCESS if month_bytes(month) < IN_PROCESS_BELOW_BYTES else MULTIPROCESS


monthly_job = dg.define_asset_job(
    "monthly_report", selection=dg.AssetSelection.all(), partitions_def=report_months,
    description="Một kỳ báo cáo từ hộp thư đến các bảng tổng hợp",
    executor_def=dg.multi_or_in_process_executor, config=IN_PROCESS)
