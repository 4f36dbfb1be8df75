"""Crash recovery, bounded waits and clean stops for `dti run` (issue 14).

A run's steps share the Dagster pool `duckdb` (limit 1, `dagster.yaml`): a step claims the pool's one slot
in DAGSTER_HOME's event-log storage and frees it when it ends. A `dti run` killed with SIGKILL (an OOM kill,
a power cut) frees nothing: its run stays STARTED and its slot stays claimed, and every later run waits for
that slot forever. Dagster's in-process executor waits for a slot in a loop that never sleeps (its
`InstanceConcurrencyContext.interval_to_next_pending_claim_check` returns `min([0, ...])`, never more
than 0) and never looks at the interrupt Dagster's own SIGTERM handler records, so the wait burned a core
and ignored SIGTERM.

Here:

- `process_tags` marks each run with the host and process that runs it (`dti/host`, `dti/pid`,
  `dti/pid_start`: the process's start time, so that a reused pid is not taken for the run's process).
- `recover` (at `dti run` start, and while waiting) marks failed the runs of this host whose process is gone,
  with a Vietnamese message in their event log, and frees their slots; it frees the slots of runs that
  ended `free_slots_after_run_end_seconds` ago (dagster.yaml's run monitoring: what Dagster's daemon does
  under `dagster dev`). A live run, or a run of another host, is never touched.
- `wait_for_pool` waits for a slot held by a live run, saying which run holds it, at most
  `DTI_WAIT_SECONDS`; `bounded_slot_waits` does the same for a wait inside Dagster's executor (a run
  launched from the Dagster UI may take the slot between two steps), sleeping instead of spinning, and
  stops it on SIGTERM/SIGINT.
- `stop_on_signals` turns SIGTERM and SIGINT into a clean stop at any point of a run: the run is marked
  failed, its slots are freed, the run lock is released, and `RunStopped` says so.

`WaitTimeout` (exit code 4) and `RunStopped` (exit code 130 for Ctrl+C, 143 for SIGTERM) carry one
Vietnamese sentence in `.message` and their `.exit_code`, like every `domain.faults.UserFault`.
"""
from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from domain.faults import (  # noqa: F401  the waits are the domain's; named here too
    REMIND_EVERY_SECONDS, WAIT_ENV, RunStopped, WaitTimeout, wait_seconds)

POOL = "duckdb"
HOST_TAG, PID_TAG, PID_START_TAG = "dti/host", "dti/pid", "dti/pid_start"
POLL_SECONDS = 0.5
RECOVER_EVERY_SECONDS = 2.0
# when DAGSTER_HOME's dagster.yaml predates run_monitoring.free_slots_after_run_end_seconds
FREE_SLOTS_AFTER_RUN_END_SECONDS = 30
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
SIGNAL_NAMES = {signal.SIGINT: "Ctrl+C (SIGINT)", signal.SIGTERM: "SIGTERM"}

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


def _advice(run) -> str:
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


def pool_holders(instance, pool: str = POOL, exclude: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(run id, step) of each claimed slot, or step assigned a slot, in `pool`, other than `exclude`'s."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    info = storage.get_concurrency_info(pool)
    held = [(s.run_id, s.step_key) for s in info.claimed_slots]
    held += [(p.run_id, p.step_key) for p in info.pending_steps if p.assigned_timestamp is not None]
    seen, out = set(), []
    for run_id, step in held:
        if run_id not in exclude and (run_id, step) not in seen:
            seen.add((run_id, step))
            out.append((run_id, step))
    return out


def pool_is_free(instance, pool: str = POOL, exclude: set[str] = frozenset()) -> bool:
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return True
    info = storage.get_concurrency_info(pool)
    if info.limit is None:
        return True
    return len(pool_holders(instance, pool, exclude)) < info.limit


def _holders_text(instance, pool: str, exclude: set[str]) -> tuple[str, str]:
    holders = pool_holders(instance, pool, exclude)
    if not holders:
        limit = instance.event_log_storage.get_concurrency_info(pool).limit
        return f"nhóm '{pool}' có giới hạn {limit} chỗ", "hãy đặt lại giới hạn của nhóm trong giao diện Dagster"
    runs = [(instance.get_run_by_id(run_id), run_id, step) for run_id, step in holders]
    who = "; ".join(f"{describe_run(run, run_id)}, bước {step}" for run, run_id, step in runs)
    return who, _advice(runs[0][0])


def wait_for_pool(instance, month: str, notice: Notice, timeout: float | None = None,
                  pool: str = POOL) -> None:
    """Before a run: wait until the pool has a free slot, recovering dead holders as it goes; a live holder is
    named, and past `timeout` (DTI_WAIT_SECONDS) `WaitTimeout`."""
    timeout = wait_seconds() if timeout is None else timeout
    recover(instance, notice)
    if pool_is_free(instance, pool):
        return
    started = time.monotonic()
    next_notice = started
    last_recover = started
    while True:
        now = time.monotonic()
        if now - last_recover >= RECOVER_EVERY_SECONDS:
            recover(instance, notice)
            last_recover = now
        if pool_is_free(instance, pool):
            return
        if now - started >= timeout:
            who, advice = _holders_text(instance, pool, set())
            raise WaitTimeout(f"Đã chờ {timeout:g} giây mà chỗ ghi kho (nhóm '{pool}' trong DAGSTER_HOME="
                              f"{os.environ.get('DAGSTER_HOME', '')}) vẫn bị giữ bởi {who}: chưa chạy kỳ {month}; "
                              f"{advice}. Muốn chờ lâu hơn thì đặt {WAIT_ENV} (số giây).")
        if now >= next_notice:
            who, _ = _holders_text(instance, pool, set())
            waited = f"đã chờ {now - started:.0f} giây, " if now - started >= 1 else ""
            notice(f"Chỗ ghi kho (nhóm '{pool}') đang bị giữ bởi {who}: kỳ {month} chờ đến lượt ({waited}tối đa "
                   f"{timeout:g} giây, {WAIT_ENV}) ...")
            next_notice = now + REMIND_EVERY_SECONDS
        time.sleep(POLL_SECONDS)


# ------------------------------------------------------------------------------------------------ signals


class Stops:
    """SIGTERM/SIGINT seen during a run: by our own handler outside Dagster's execution, by the signal wakeup
    fd while Dagster's handlers (which only record the signal) are installed."""

    def __init__(self):
        self.signum: int | None = None
        self._reader: socket.socket | None = None

    def drain(self) -> int | None:
        if self._reader is not None:
            try:
                while data := self._reader.recv(64):
                    for byte in data:
                        if byte in STOP_SIGNALS and self.signum is None:
                            self.signum = byte
            except (BlockingIOError, InterruptedError, OSError):
                pass
        return self.signum

    def requested(self) -> bool:
        return self.drain() is not None

    @property
    def name(self) -> str:
        return SIGNAL_NAMES.get(self.signum, f"tín hiệu {self.signum}")


class _StopSignal(KeyboardInterrupt):
    """Raised by our handler; a KeyboardInterrupt, so that Dagster treats it as an interrupt of the run."""


@contextmanager
def stop_on_signals() -> Iterator[Stops]:
    """SIGTERM and SIGINT raise `_StopSignal` in the main thread (outside Dagster's execution, where Dagster's
    own handlers record them instead), and every stop signal is also written to a wakeup fd that `Stops`
    reads. Restores the previous handlers and wakeup fd on exit. Elsewhere than the main thread: nothing."""
    stops = Stops()
    if threading.current_thread() is not threading.main_thread():
        yield stops
        return

    def handler(signum, _frame):
        if stops.signum is None:
            stops.signum = signum
        raise _StopSignal(signum)

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    old_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    stops._reader = reader
    try:
        for s in STOP_SIGNALS:
            signal.signal(s, handler)
        yield stops
    finally:
        with signals_held():
            for s, h in previous.items():
                signal.signal(s, h if h is not None else signal.SIG_DFL)
            stops.drain()
            signal.set_wakeup_fd(old_fd)
            stops._reader = None
            reader.close()
            writer.close()


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT wait (blocked, not lost) while the cleanup in this block runs."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# ------------------------------------------------------------------------------------------------ inside Dagster


class SlotWaitGuard:
    """A slot wait inside Dagster's executor (`InstanceConcurrencyContext.claim` refused): says what it waits
    for, sleeps instead of spinning, recovers dead holders, and ends the run on a stop signal or past the
    timeout (the executor turns the exception into a failed run; `run_month` raises `stopped`/`timed_out`)."""

    def __init__(self, instance, month: str, notice: Notice, stops: Stops, timeout: float):
        self.instance, self.month, self.notice, self.stops, self.timeout = instance, month, notice, stops, timeout
        self.since: float | None = None
        self.step = ""
        self.next_notice = 0.0
        self.last_recover = 0.0
        self.timed_out: WaitTimeout | None = None
        self.run_ids: set[str] = set()

    def claimed(self, run_id: str) -> None:
        self.run_ids.add(run_id)
        self.since = None

    def blocked(self, run_id: str, pool: str, step_key: str) -> None:
        from dagster._core.errors import DagsterExecutionInterruptedError
        from dagster._utils.interrupts import check_captured_interrupt

        self.run_ids.add(run_id)
        now = time.monotonic()
        if self.since is None:
            self.since, self.next_notice, self.last_recover, self.step = now, now, 0.0, step_key
        if self.stops.requested() or check_captured_interrupt():
            raise DagsterExecutionInterruptedError(f"dừng theo yêu cầu khi bước {self.step} chờ chỗ ghi kho")
        if now - self.last_recover >= RECOVER_EVERY_SECONDS:
            recover(self.instance, self.notice, keep=self.run_ids)
            self.last_recover = now
        if now - self.since >= self.timeout:
            who, advice = _holders_text(self.instance, pool, self.run_ids)
            self.timed_out = WaitTimeout(
                f"Kỳ {self.month}: bước {self.step} đã chờ {self.timeout:g} giây mà chỗ ghi kho (nhóm '{pool}') vẫn "
                f"bị giữ bởi {who}; lần chạy dừng ở đây và được ghi là thất bại; {advice}. Muốn chờ lâu hơn thì đặt "
                f"{WAIT_ENV} (số giây).")
            raise self.timed_out
        if now >= self.next_notice:
            who, _ = _holders_text(self.instance, pool, self.run_ids)
            self.notice(f"Bước {self.step} chờ chỗ ghi kho (nhóm '{pool}') đang bị giữ bởi {who} (tối đa "
                        f"{self.timeout:g} giây, {WAIT_ENV}) ...")
            self.next_notice = now + REMIND_EVERY_SECONDS
        time.sleep(POLL_SECONDS)


_guard: SlotWaitGuard | None = None


@contextmanager
def bounded_slot_waits(instance, month: str, notice: Notice, stops: Stops,
                       timeout: float | None = None) -> Iterator[SlotWaitGuard]:
    """While a run executes in this process, a step refused a slot goes through `SlotWaitGuard.blocked`.

    Dagster offers no hook here: `InstanceConcurrencyContext.claim` is wrapped for the duration (the
    in-process and the multiprocess executor both call it on each pass of their loops) and restored after.
    """
    global _guard
    from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext

    guard = SlotWaitGuard(instance, month, notice, stops, wait_seconds() if timeout is None else timeout)
    original = InstanceConcurrencyContext.__dict__.get("claim")

    def claim(self, concurrency_key, step_key, step_priority=0):
        claimed = original(self, concurrency_key, step_key, step_priority)
        active = _guard
        if active is not None:
            if claimed:
                active.claimed(self._run_id)
            else:
                active.blocked(self._run_id, concurrency_key, step_key)
        return claimed

    previous_guard = _guard
    _guard = guard
    if original is not None:
        InstanceConcurrencyContext.claim = claim
    try:
        yield guard
    finally:
        if original is not None:
            InstanceConcurrencyContext.claim = original
        _guard = previous_guard


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
