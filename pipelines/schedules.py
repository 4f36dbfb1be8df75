"""Report month M runs on the 13th of M, the day after the units' deadline (Asia/Ho_Chi_Minh)."""
import dagster as dg

from pipelines.jobs import monthly_job

monthly_schedule = dg.build_schedule_from_partitioned_job(
    monthly_job, day_of_month=13, hour_of_day=6, minute_of_hour=0,
    default_status=dg.DefaultScheduleStatus.RUNNING)
