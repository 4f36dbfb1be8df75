"""Report months as Dagster partitions: keyed by the window's start (`2024-05-10` is report month 2024-06).

People think in report months, Dagster in partition keys: every run carries the tag `report_month`, every
materialisation and check result the metadata `report_month`, and every partitioned description says how
a key reads (`PARTITION_NOTE`).
"""
from __future__ import annotations

import warnings

import dagster as dg

from domain.periods import PERIOD_DAY, TZ, ReportMonth

report_months = dg.MonthlyPartitionsDefinition(
    start_date="2023-12-10", day_offset=PERIOD_DAY, timezone=str(TZ), fmt="%Y-%m-%d")

REPORT_MONTH_TAG = "report_month"
PARTITION_NOTE = ("Phân vùng Dagster YYYY-MM-10 là kỳ báo cáo của tháng sau: phân vùng 2024-05-10 = kỳ báo cáo "
                  "2024-06 (từ 10/05/2024 đến trước 10/06/2024). Mỗi lần chạy có nhãn report_month, mỗi kết quả "
                  "có metadata report_month.")


def described(text: str) -> str:
    """A partitioned asset's, check's or job's description, with how its partition keys read."""
    return f"{text.rstrip().rstrip('.')}.\n\n{PARTITION_NOTE}"


def report_month_tags(partition_key: str) -> dict[str, str]:
    """The run tags of a partition: `{"report_month": "2024-06"}` for `2024-05-10`."""
    return {REPORT_MONTH_TAG: str(ReportMonth.from_partition_key(partition_key))}


def month_of_run(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> ReportMonth:
    """The report month of a partitioned step; the run gets the tag `report_month` if it has none yet.

    The job's partitioned config tags the runs of `monthly_report` (the CLI, the schedule, the sensor, the
    launchpad and the job's backfills); a run Dagster's UI starts from the asset graph (its own implicit job)
    or an asset backfill carries only `dagster/partition`, so its first step adds the tag.
    """
    month = ReportMonth.from_partition_key(context.partition_key)
    if context.run.tags.get(REPORT_MONTH_TAG) != str(month):
        context.instance.add_run_tags(context.run.run_id, {REPORT_MONTH_TAG: str(month)})
    return month


def report_month_of_run(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> str | None:
    """For an asset without partitions (the reference data): the report month of the run it is part of,
    None when it was materialised on its own."""
    tags = context.run.tags
    if tags.get(REPORT_MONTH_TAG):
        return tags[REPORT_MONTH_TAG]
    key = tags.get("dagster/partition")
    try:
        return str(ReportMonth.from_partition_key(key)) if key else None
    except ValueError:
        return None


_PARTITIONED_CHECK = "Specifying a partitions_def on an AssetCheckSpec is currently in preview"


def monthly_check_spec(name: str, asset: str, description: str) -> dg.AssetCheckSpec:
    """A check run by its asset's own step, partitioned by report month like `monthly_asset_check`."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=dg.PreviewWarning, message=_PARTITIONED_CHECK)
        return dg.AssetCheckSpec(name, asset=asset, description=description, partitions_def=report_months)


def monthly_asset_check(**kwargs):
    """`dg.asset_check` partitioned by report month, in the pool "duckdb" like the assets. Dagster 1.13 marks a
    partitioned check "preview" with a PreviewWarning on every import of the definitions; the checks are
    partitioned on purpose (one result per report month), so that one notice, and only while the check is
    declared, is not shown.

    A monthly check opens the warehouse (read-write: DuckDB lets no other process open a file a writer holds, not
    even read-only), so it takes the pool's one slot too: with two months running at once (deploy/dagster.yaml) a
    check of one run would otherwise hold the file while a step of the other, slot in hand, waits for it."""
    def decorate(fn):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=dg.PreviewWarning, message=_PARTITIONED_CHECK)
            return dg.asset_check(partitions_def=report_months, pool="duckdb", **kwargs)(fn)

    return decorate
