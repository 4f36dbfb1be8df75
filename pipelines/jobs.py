"""Jobs: one report month end to end, with the executor chosen by the month's size."""
import dagster as dg

from domain.paths import inbox_dir
from domain.periods import ReportMonth
from assets.partitions import described, report_month_tags, report_months

# A month below this size runs in one process. Dagster's per-step processes cost about 1 s a step (29 steps)
# even from a forkserver that has imported the definitions once, 8 s a step without one. Issue 17 measured a
# whole `dti run` in process up to 20,000,000 dossiers (3.6 GiB): DuckDB's memory limit bounds the landing
# (about 1.1 GiB peak RSS at 20M rows), so the step processes bought no memory a province month needs and
# cost it half a minute. Above this size (a month several times larger) each step runs in a process of its
# own, one at a time since DuckDB has one writer, and the memory a step used goes back to the system as it ends.
IN_PROCESS_BELOW_BYTES = 8 * 2**30
IN_PROCESS = {"execution": {"config": {"in_process": {}}}}
MULTIPROCESS = {"execution": {"config": {"multiprocess": {
    "max_concurrent": 1, "start_method": {"forkserver": {"preload_modules": ["pipelines.definitions"]}}}}}}


def month_bytes(month: ReportMonth) -> int:
    folder = inbox_dir() / str(month)
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def execution_config(month: ReportMonth) -> dict:
    return IN_PROCESS if month_bytes(month) < IN_PROCESS_BELOW_BYTES else MULTIPROCESS


# A run of a partition, however it is launched (the CLI, the schedule, the sensor, the UI's launchpad or a
# backfill of the job), gets the executor its month's size calls for and the tag `report_month`.
monthly_config = dg.PartitionedConfig(
    partitions_def=report_months,
    run_config_for_partition_key_fn=lambda key: execution_config(ReportMonth.from_partition_key(key)),
    tags_for_partition_key_fn=report_month_tags)

monthly_job = dg.define_asset_job(
    "monthly_report", selection=dg.AssetSelection.all(),  # partitioned as its assets (and monthly_config)
    description=described("Một kỳ báo cáo từ hộp thư đến các bảng tổng hợp và bản sao công bố"),
    executor_def=dg.multi_or_in_process_executor, config=monthly_config)
