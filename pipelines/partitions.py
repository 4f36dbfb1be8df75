"""Report months as Dagster partitions: keyed by the window's start (`2024-05-10` is report month 2024-06)."""
import dagster as dg

from dti.periods import PERIOD_DAY, TZ

report_months = dg.MonthlyPartitionsDefinition(
    start_date="2023-12-10", day_offset=PERIOD_DAY, timezone=str(TZ), fmt="%Y-%m-%d")
