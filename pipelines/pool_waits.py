"""Bounded waits for the warehouse pool's slot, before a run and inside Dagster's executor (issue 14).

Dagster's in-process executor waits for a slot in a loop that never sleeps (its
`InstanceConcurrencyContext.interval_to_next_pending_claim_check` returns `min([0, ...])`, never more than 0)
and never looks at the interrupt Dagster's own SIGTERM handler records, so the wait burned a core and ignored
SIGTERM. Here:

- `wait_for_pool` waits for a slot held by a live run, saying which run holds it, at most `DTI_WAIT_SECONDS`,
  recovering dead holders as it goes (`pipelines/recovery.py`);
- `bounded_slot_waits` does the same for a wait inside Dagster's executor (a run launched from the Dagster UI
  may take the slot between two steps), sleeping instead of spinning, and stops it on SIGTERM/SIGINT.

`WaitTimeout` (exit code 4) carries one Vietnamese sentence in `.message`, like every `domain.faults.UserFault`.
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from domain.faults import REMIND_EVERY_SECONDS, WAIT_ENV, WaitTimeout, wait_seconds
from pipelines.recovery import POOL, Notice, stop_advice, describe_run, recover
from pipelines.stops import Stops

POLL_SECONDS = 0.5
RECOVER_EVERY_SECONDS = 2.0


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
    return who, stop_advice(runs[0][0])


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
