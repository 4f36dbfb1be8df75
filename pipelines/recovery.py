"""Crash recovery for `dti run` (issue 14): runs whose process died are marked failed and their slots freed.

A run's steps share the Dagster pool `duckdb` (limit 1, `dagster.yaml`): a step claims the pool's one slot
in DAGSTER_HOME's event-log storage and frees it when it ends. A `dti run` killed with SIGKILL (an OOM kill,
a power cut) frees nothing: its run stays STARTED and its slot stays claimed, and every later run would wait
for that slot forever.

- `process_tags` marks each run with the host and process that runs it (`dti/host`, `dti/pid`,
  `dti/pid_start`: the process's start time, so that a reused pid is not taken for the run's process).
- `recover` (at `dti run` start, and while waiting: `pipelines/pool_waits.py`) marks failed the runs of this
  host whose process is gone, with a Vietnamese message in their event log, and frees their slots; it frees
  the slots of runs that ended `free_slots_after_run_end_seconds` ago (dagster.yaml's run monitoring: what
  Dagster's daemon does under `dagster dev`). A live run, or a run of another host, is never touched.
- `release_runs` marks failed and frees what a run of this process left when it ended or was stopped.
"""
from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

POOL = "duckdb"
HOST_TAG, PID_TAG, PID_START_TAG = "dti/host", "dti/pid", "dti/pid_start"
# when DAGSTER_HOME's dagster.yaml predates run_monitoring.free_slots_after_run_end_seconds
FREE_SLOTS_AFTER_RUN_END_SECONDS = 30

Notice = Callable[[str], None]


# ------------------------------------------------------------------------------------------------ processes


def host_name() -> str:
    return socket.gethostname()


def _proc_stat(pid: int) -> tuple[str, str] | None:
    """(state, start time in clock ticks since boot) of a Linux process; None when there is no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (OSError, ValueError):
        return None
    fields = text[text.rfind(")") + 2:].split()  # the name, in parentheses, may hold spaces
    return (fields[0], fields[19]) if len(fields) > 19 else None


def _has_proc() -> bool:
    return Path("/proc/self/stat").exists()


def process_start(pid: int) -> str:
    stat = _proc_stat(pid) if _has_proc() else None
    return stat[1] if stat else ""


def process_alive(pid: int, start: str = "") -> bool:
    """Whether process `pid` still runs (a zombie does not), and is the one that started at `start`."""
    if pid <= 0:
        return False
    if _has_proc():
        stat = _proc_stat(pid)
        if stat is None or stat[0] in ("Z", "X", "x"):
            return False
        return not start or stat[1] == start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_tags() -> dict[str, str]:
    """The tags that tie a run to this process: `recover` fails a run of this host whose process is gone."""
    tags = {HOST_TAG: host_name(), PID_TAG: str(os.getpid())}
    start = process_start(os.getpid())
    if start:
        tags[PID_START_TAG] = start
    return tags


def _run_pid(run) -> int:
    try:
        return int(run.tags.get(PID_TAG, ""))
    except ValueError:
        return 0


def run_process_gone(run) -> bool:
    """True only for a run of this host whose process is gone; a run of another host, or without the tags
    (launched from the Dagster UI or daemon), is never judged from here."""
    if run.tags.get(HOST_TAG) != host_name():
        return False
    pid = _run_pid(run)
    return pid > 0 and not process_alive(pid, run.tags.get(PID_START_TAG, ""))


# ------------------------------------------------------------------------------------------------ messages


def describe_run(run, run_id: str = "") -> str:
    """'lần chạy 1a2b3c4d (kỳ 2024-06, tiến trình 1234 trên máy abc)', in words a steward can act on."""
    if run is None:
        return f"lần chạy {run_id[:8]} (không còn trong DAGSTER_HOME)"
    month = run.tags.get("report_month") or ""
    if not month and run.tags.get("dagster/partition"):
        try:
            from domain.periods import ReportMonth

            month = str(ReportMonth.from_partition_key(run.tags["dagster/partition"]))
        except ValueError:
            month = ""
    parts = [f"kỳ {month}"] if month else []
    pid, host = _run_pid(run), run.tags.get(HOST_TAG)
    if pid and host:
        here = host == host_name()
        parts.append(f"tiến trình {pid} trên máy {host}" + ("" if here else " (máy khác)"))
    else:
        parts.append("khởi chạy từ giao diện Dagster hoặc daemon")
    parts.append(f"trạng thái {run.status.value}")
    return f"lần chạy {run.run_id[:8]} ({', '.join(parts)})"


def stop_advice(run) -> str:
    if run is None:
        return ""
    pid, host = _run_pid(run), run.tags.get(HOST_TAG)
    if pid and host == host_name():
        return f"hãy đợi nó xong, hoặc dừng nó (kill {pid}) rồi chạy lại"
    if pid and host:
        return f"hãy đợi nó xong, hoặc dừng nó trên máy {host} (kill {pid}) rồi chạy lại"
    return "hãy đợi nó xong, hoặc hủy nó trong giao diện Dagster (Runs → Terminate) rồi chạy lại"


# ------------------------------------------------------------------------------------------------ recovery


def _free_slots_after_end_seconds(instance) -> float:
    settings = instance.run_monitoring_settings or {}
    value = settings.get("free_slots_after_run_end_seconds")
    return float(FREE_SLOTS_AFTER_RUN_END_SECONDS if value is None else value)


def _pool_run_ids(instance) -> set[str]:
    """Runs with a claimed slot or a pending step in any pool."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return set()
    run_ids = set(storage.get_concurrency_run_ids())
    for key in storage.get_concurrency_keys():
        run_ids |= {slot.run_id for slot in storage.get_concurrency_info(key).claimed_slots}
    return run_ids


def recover(instance, notice: Notice | None = None, keep: set[str] = frozenset()) -> list[str]:
    """Runs of this host whose process is gone are marked failed (a Vietnamese line in their event log) and
    their slots freed; slots of runs that ended long enough ago (not those of another host's `dti run`), or that
    no longer exist, are freed. Runs in `keep` (the caller's own) and live runs are left alone. Returns the ids
    of the runs dealt with."""
    import dagster as dg
    from dagster._core.storage.dagster_run import NOT_FINISHED_STATUSES

    storage = instance.event_log_storage
    handled: list[str] = []
    unfinished = instance.get_runs(filters=dg.RunsFilter(statuses=NOT_FINISHED_STATUSES,
                                                        tags={HOST_TAG: host_name()}))
    for run in unfinished:
        if run.run_id in keep or not run_process_gone(run):
            continue
        run = instance.get_run_by_id(run.run_id)  # another dti run may have dealt with it meanwhile
        if run is None or run.is_finished or not run_process_gone(run):
            continue
        message = (f"Tiến trình {_run_pid(run)} trên máy {run.tags.get(HOST_TAG)} chạy lần này không còn nữa "
                   f"(bị dừng đột ngột: SIGKILL, hết bộ nhớ, mất điện ...): dti run lúc "
                   f"{datetime.now().astimezone():%d/%m/%Y %H:%M:%S} ghi lần chạy là thất bại và trả chỗ ghi kho "
                   f"(nhóm '{POOL}') nó còn giữ.")
        if run.status == dg.DagsterRunStatus.CANCELING:
            instance.report_run_canceled(run, message=message)
        else:
            instance.report_run_failed(run, message=message)
        if storage.supports_global_concurrency_limits:
            storage.free_concurrency_slots_for_run(run.run_id)
        handled.append(run.run_id)
        if notice:
            notice(f"{describe_run(run)} đã dừng đột ngột, tiến trình của nó không còn: đã ghi là thất bại và trả "
                   f"chỗ ghi kho nó còn giữ.")
    # what Dagster's daemon does under `dagster dev` (run_monitoring.free_slots_after_run_end_seconds)
    delay = _free_slots_after_end_seconds(instance)
    now = time.time()
    for run_id in _pool_run_ids(instance) - set(keep) - set(handled):
        record = instance.get_run_record_by_id(run_id)
        if record is None:
            storage.free_concurrency_slots_for_run(run_id)
            handled.append(run_id)
        elif record.dagster_run.is_finished and record.dagster_run.tags.get(HOST_TAG, host_name()) == host_name():
            ended = record.end_time or record.update_timestamp.timestamp()
            if now - ended >= delay:
                storage.free_concurrency_slots_for_run(run_id)
                handled.append(run_id)
    return handled


def release_runs(instance, run_ids: set[str], reason: str, note: str | None = None) -> None:
    """After a run of this process ended, or was stopped: a run left unfinished is marked failed with `reason`,
    `note` (if any) goes into each run's event log, and every slot and pending step of these runs is freed."""
    from dagster import DagsterRunStatus

    storage = instance.event_log_storage
    for run_id in run_ids:
        run = instance.get_run_by_id(run_id)
        if run is not None and note and run.status != DagsterRunStatus.SUCCESS:  # a finished run needs none
            instance.report_engine_event(note, dagster_run=run)
        if run is not None and not run.is_finished:
            instance.report_run_failed(run, message=reason)
        if storage.supports_global_concurrency_limits:
            storage.free_concurrency_slots_for_run(run_id)


def runs_of_this_process(instance, since: datetime) -> set[str]:
    """Ids of the runs this process created since `since` (the multiprocess path does not choose its run id)."""
    import dagster as dg

    tags = process_tags()
    created_after = since.astimezone(timezone.utc) - timedelta(seconds=1)
    return {r.run_id for r in instance.get_runs(filters=dg.RunsFilter(tags=tags, created_after=created_after))}
