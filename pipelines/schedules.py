"""Report month M runs on the 13th of M, the day after the units' deadline (Asia/Ho_Chi_Minh)."""
import dagster as dg

from domain.paths import empty_month_message, inbox_dir, month_has_files
from domain.periods import TZ, ReportMonth
from pipelines.jobs import execution_config, monthly_job


@dg.schedule(job=monthly_job, name="monthly_report_schedule", cron_schedule="0 6 13 * *",
             execution_timezone=str(TZ), default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Kỳ báo cáo tháng M chạy lúc 06:00 ngày 13 tháng M (sau hạn nộp ngày 12): ngày 13/06/2024 "
                         "chạy kỳ 2024-06, phân vùng Dagster 2024-05-10. Kỳ chưa có tệp nào trong hộp thư thì bỏ qua.")
def monthly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    when = context.scheduled_execution_time
    month = ReportMonth(when.year, when.month)
    if not month_has_files(inbox_dir(), str(month)):  # an empty month is not run (SPEC §6)
        return dg.SkipReason(empty_month_message(inbox_dir(), str(month)))
    return dg.RunRequest(partition_key=month.partition_key, run_config=execution_config(month),
                         tags={"report_month": str(month)})
