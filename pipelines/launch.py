"""Run one report month end to end from this process: the `dti run` and `dti demo` path, and the tests'.

Crash-safe (issue 14): runs of this host whose process died (SIGKILL, OOM, power cut) are marked failed and
their pool slots freed before this one starts (`pipelines/recovery.py`); a wait for the run lock or for the
pool's slot says who holds it and ends after DTI_WAIT_SECONDS (`WaitTimeout`, exit code 4,
`pipelines/pool_waits.py`); SIGTERM or Ctrl+C stop the run at any point, mark it failed, free its slots and
the lock (`RunStopped`, `pipelines/stops.py`).
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from domain import paths
from domain.faults import RunStopped
from domain.periods import ReportMonth
from warehouse.connection import run_lock


def _print(text: str) -> None:
    print(text, flush=True)


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME, defaulting to data/dagster, with the repository's dagster.yaml in it."""
    home = Path(os.environ.get("DAGSTER_HOME") or "data/dagster").resolve()
    paths.writable_dir(home, "DAGSTER_HOME")
    if not (home / "dagster.yaml").exists():
        shutil.copy(paths.REPO_DIR / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _loggers(quiet: bool, progress: bool, steps: int) -> dict:
    """The steps' own lines (Vietnamese, one per source) and warnings, not Dagster's event stream; on a
    terminal counted progress lines of the steps (pipelines/progress.py)."""
    if quiet and progress:
        return {"loggers": {"progress": {"config": {"steps": steps}}}}
    return {"loggers": {"console": {"config": {"log_level": "INFO" if quiet else "DEBUG"}}}}


def run_month(month: ReportMonth, quiet: bool = True, say: Callable[[str], None] = _print,
              progress: bool | None = None) -> bool:
    """Materialise one report month: in this process for a city-sized month, else each step in a process of
    its own (pipelines/jobs.py decides by the size of the month's inbox). True when the run succeeded."""
    ensure_dagster_home()
    from warehouse.expectations import docs_folder, start_worker, stop_worker

    start_worker(docs_folder(paths.warehouse_path()))   # it imports great-expectations while the run starts
    import dagster as dg

    from pipelines import pool_waits, recovery, stops as stopping
    from pipelines.definitions import defs, monthly_report_job
    from pipelines.jobs import IN_PROCESS, execution_config
    from pipelines.progress import stop_all as stop_progress
    from pipelines.timings import LAST as times, process_seconds, read_steps

    if quiet:
        logging.getLogger("dagster").setLevel(logging.WARNING)
    job = defs.resolve_job_def("monthly_report")
    loggers = _loggers(quiet, sys.stdout.isatty() if progress is None else progress, len(job.graph.nodes))
    tags = {"report_month": str(month), **recovery.process_tags()}  # dti/host, dti/pid: see recovery.recover
    started_at = datetime.now(timezone.utc)
    holder = (f"tiến trình {os.getpid()} trên máy {recovery.host_name()}, kỳ {month}, "
              f"từ {started_at.astimezone():%d/%m/%Y %H:%M:%S}")
    run_ids: set[str] = set()
    with stopping.stop_on_signals() as stops:
        try:
            with run_lock(on_wait=say, holder=holder), dg.DagsterInstance.get() as instance:
                pool_waits.wait_for_pool(instance, str(month), say)
                config = execution_config(month)
                times.startup = process_seconds()
                began = time.monotonic()
                try:
                    with pool_waits.bounded_slot_waits(instance, str(month), say, stops) as guard:
                        if config == IN_PROCESS:
                            run_ids.add(run_id := str(uuid.uuid4()))
                            result = job.execute_in_process(
                                partition_key=month.partition_key, instance=instance, raise_on_error=False,
                                tags=tags, run_config=loggers, run_id=run_id)
                        else:
                            say("Kỳ báo cáo lớn: mỗi bước chạy trong một tiến trình riêng.")
                            result = dg.execute_job(dg.reconstructable(monthly_report_job), instance=instance,
                                                    run_config={**config, **loggers}, raise_on_error=False,
                                                    tags={**tags, "dagster/partition": month.partition_key})
                finally:
                    times.run = time.monotonic() - began
                    stop_progress()
                    stop_worker()
                    with stopping.signals_held():  # the cleanup itself is not cut short by a second signal
                        if config != IN_PROCESS:  # execute_job chooses its run id: find it by its tags
                            run_ids |= recovery.runs_of_this_process(instance, started_at)
                        try:
                            read_steps(instance, run_ids)
                        except Exception:  # noqa: BLE001 - the times are a courtesy, never a failure
                            pass
                        stopped = stops.requested()
                        recovery.release_runs(
                            instance, run_ids,
                            reason=f"Lần chạy kỳ {month} kết thúc bất thường"
                                   + (f" (dừng theo yêu cầu: {stops.name})" if stopped else "")
                                   + ": ghi là thất bại, chỗ ghi kho đã trả.",
                            note=(f"Dừng theo yêu cầu ({stops.name}) ở tiến trình {os.getpid()}: lần chạy ghi là thất "
                                  f"bại, chỗ ghi kho (nhóm '{recovery.POOL}') và khóa kho đã trả; chạy lại dti run "
                                  f"{month} khi cần.") if stopped else None)
                if stopped and not result.success:
                    raise KeyboardInterrupt
                if guard.timed_out is not None:
                    raise guard.timed_out
        except KeyboardInterrupt:  # SIGTERM/SIGINT (stops.stop_on_signals) anywhere in the block above
            which = f" ({stops.name})" if stops.drain() is not None else ""
            runs = ", ".join(sorted(r[:8] for r in run_ids))
            raise RunStopped(
                f"Đã dừng kỳ {month} theo yêu cầu{which}"
                + (f": lần chạy {runs} được ghi là thất bại, chỗ ghi kho và khóa kho đã trả" if runs else
                   " trước khi lần chạy bắt đầu")
                + f"; kỳ chưa chạy xong, chạy lại dti run {month} khi cần.",
                stops.signum or signal.SIGINT) from None
    return result.success
