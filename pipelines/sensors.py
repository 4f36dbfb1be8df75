"""A new or changed file in the inbox re-runs its report month."""
from __future__ import annotations

import json

import dagster as dg

from dti.paths import inbox_dir
from dti.periods import ReportMonth
from pipelines.jobs import execution_config, monthly_job


def inbox_state(root) -> dict[str, float]:
    """{relative path: mtime} of every file under a report-month folder."""
    state = {}
    if not root.is_dir():
        return state
    for month_dir in root.iterdir():
        try:
            ReportMonth.parse(month_dir.name)
        except ValueError:
            continue
        for path in month_dir.rglob("*"):
            if path.is_file():
                state[str(path.relative_to(root))] = path.stat().st_mtime
    return state


@dg.sensor(job=monthly_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Tệp mới hoặc thay đổi trong hộp thư: chạy lại kỳ báo cáo của tệp đó")
def inbox_sensor(context: dg.SensorEvaluationContext):
    root = inbox_dir()
    before = json.loads(context.cursor) if context.cursor else {}
    now = inbox_state(root)
    changed = sorted({rel.split("/")[0] for rel, mtime in now.items() if before.get(rel) != mtime})
    for name in changed:
        month = ReportMonth.parse(name)
        yield dg.RunRequest(run_key=f"{month}:{max(now[r] for r in now if r.startswith(name + '/'))}",
                            partition_key=month.partition_key, run_config=execution_config(month),
                            tags={"report_month": str(month)})
    context.update_cursor(json.dumps(now))
