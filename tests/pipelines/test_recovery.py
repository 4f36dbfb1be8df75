"""Issue 14: a `dti run` killed while it holds the warehouse's pool slot, or stopped with SIGTERM/Ctrl+C, does not
block the next run; waits say what they wait for and end (pipelines/recovery.py).

Runs go through `python -m dti.cli run` in a subprocess, each with a timeout, so that no test can hang.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus

from domain import faults
from domain.faults import WaitTimeout
from pipelines import pool_waits, recovery
from domain.periods import ReportMonth
from tests.builders import ONESTOP_HEADERS, dossier, set_mtime, unit_workbook, write_text
from warehouse.connection import run_lock

REPO = Path(__file__).resolve().parents[2]
MONTH = ReportMonth(2024, 6)
MARTS = ("marts.indicator_attainment", "marts.unit_measures", "marts.dti_scores", "marts.dti_summary",
         "marts.submission_status")
RUN_TIMEOUT = 180        # a run of the small month takes about 10 s; past this the test fails, it does not hang
NEXT_RUN_SECONDS = 60    # the run after a killed one finishes within a minute
RECEIVED = datetime(2024, 6, 11, 9)


def small_month(inbox: Path) -> None:
    folder = inbox / str(MONTH)
    rows = [dossier(f"H{i:03d}", unit="Phường 8" if i % 2 else "Phòng Văn hóa và Thông tin",
                    channel="Trực tuyến" if i % 3 else "Trực tiếp", fee="50.000" if i % 4 else "0")
            for i in range(60)]
    set_mtime(write_text(folder / "onestop" / "hs.csv", ONESTOP_HEADERS, rows), RECEIVED)
    unit_workbook(folder / "units" / "PHUONG_8.xlsx", "PHUONG_8", MONTH, RECEIVED, indicators={"XHS-06": (30, 40)})


def prepared_home(home: Path) -> None:
    """DAGSTER_HOME with the repository's dagster.yaml and its storage created, before any run: the test
    process then reads the same storage as the run without racing it to create the tables."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    dg.DagsterInstance.from_config(str(home)).dispose()


def run_env(root: Path, name: str, **extra: str) -> dict:
    return {**os.environ, "DTI_INBOX": str(root / "inbox"), "DTI_WAREHOUSE": str(root / name / "dti.duckdb"),
            "DAGSTER_HOME": str(root / name / "dagster"), "DTI_WAIT_SECONDS": "30", **extra}


def dti_run(env: dict, timeout: float = RUN_TIMEOUT) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "dti.cli", "run", str(MONTH)], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)
    return done, time.monotonic() - started


def start_run(env: dict, log: Path) -> subprocess.Popen:
    with open(log, "w") as out:  # a file, not a pipe: a full pipe would stall the run
        return subprocess.Popen([sys.executable, "-m", "dti.cli", "run", str(MONTH)], env=env, cwd=REPO,
                                stdout=out, stderr=subprocess.STDOUT)


def wait_for_claimed_slot(instance, proc: subprocess.Popen, timeout: float = 120) -> str:
    """Poll DAGSTER_HOME until the run in `proc` holds the pool's slot; its run id."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before it claimed a slot"
        claimed = instance.event_log_storage.get_concurrency_info(recovery.POOL).claimed_slots
        if claimed:
            return claimed[0].run_id
        time.sleep(0.02)
    proc.kill()
    proc.wait(10)
    pytest.fail("no slot claimed within the timeout")


def held_by(instance) -> set[str]:
    info = instance.event_log_storage.get_concurrency_info(recovery.POOL)
    return {s.run_id for s in info.claimed_slots} | {p.run_id for p in info.pending_steps}


def marts_of(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in MARTS}


def clean_marts(root: Path) -> dict:
    done, _ = dti_run(run_env(root, "clean"))
    assert done.returncode == 0, done.stdout + done.stderr
    return marts_of(root / "clean" / "dti.duckdb")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fake_run(instance, pid: int, host: str | None = None, start: str | None = None,
             status=DagsterRunStatus.STARTED, month: str = "2024-07") -> str:
    """A run as `dti run` records it, for process `pid` (started at `start`, by default its own start) on `host`
    (by default this host)."""
    run_id = str(uuid.uuid4())
    tags = {"report_month": month, recovery.HOST_TAG: host or recovery.host_name(), recovery.PID_TAG: str(pid)}
    start = recovery.process_start(pid) if start is None else start
    if start:
        tags[recovery.PID_START_TAG] = start
    instance.add_run(DagsterRun(job_name="monthly_report", run_id=run_id, status=status, tags=tags))
    return run_id


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(30)
    return child.pid


# ---------------------------------------------------------------------------------------------------- whole runs


def test_run_killed_while_holding_the_slot_does_not_block_the_next_run(env):
    small_month(env / "inbox")
    expected = clean_marts(env)
    killed_env = run_env(env, "killed")
    home = Path(killed_env["DAGSTER_HOME"])
    prepared_home(home)
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        for _attempt in range(3):  # SIGKILL lands while the slot is held (a step may free it just before)
            proc = start_run(killed_env, env / "killed.log")
            dead_run = wait_for_claimed_slot(instance, proc)
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
            if dead_run in held_by(instance):
                break
        assert dead_run in held_by(instance), "the kill never landed while the slot was held"
        assert instance.get_run_by_id(dead_run).status == DagsterRunStatus.STARTED

        done, seconds = dti_run(killed_env, timeout=NEXT_RUN_SECONDS)
        assert done.returncode == 0, done.stdout + done.stderr
        assert seconds < NEXT_RUN_SECONDS
        assert "đã dừng đột ngột" in done.stdout
        dead = instance.get_run_by_id(dead_run)
        assert dead.status == DagsterRunStatus.FAILURE
        failure = [e for e in instance.all_logs(dead_run) if e.dagster_event and e.dagster_event.is_run_failure]
        assert failure and "không còn nữa" in failure[-1].message
        assert not held_by(instance)
    finally:
        instance.dispose()
    assert marts_of(env / "killed" / "dti.duckdb") == expected


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_mid_run_stops_promptly_and_cleanly(env, signum):
    small_month(env / "inbox")
    stopped_env = run_env(env, "stopped")
    home = Path(stopped_env["DAGSTER_HOME"])
    prepared_home(home)
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        proc = start_run(stopped_env, env / "stopped.log")
        run_id = wait_for_claimed_slot(instance, proc)
        time.sleep(1.0)  # well inside the run: a step is running, or Dagster is between two steps
        sent = time.monotonic()
        proc.send_signal(signum)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
            pytest.fail(f"still running 15 s after {signum.name}")
        seconds = time.monotonic() - sent
        log = (env / "stopped.log").read_text()
        assert seconds < 10, log
        assert proc.returncode == 128 + signum, log
        assert "Đã dừng kỳ 2024-06 theo yêu cầu" in log
        assert instance.get_run_by_id(run_id).status in (DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED)
        assert not held_by(instance)
        with run_lock(env / "stopped" / "dti.duckdb", timeout=0):  # the run lock was released
            pass

        done, seconds = dti_run(stopped_env, timeout=NEXT_RUN_SECONDS)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "đã dừng đột ngột" not in done.stdout  # nothing was left for the recovery
    finally:
        instance.dispose()


def test_slot_taken_by_a_live_run_between_steps_is_waited_for_without_spinning_and_times_out(env):
    """A run launched elsewhere (here: a live process's run) takes the slot between two steps: the run waits
    asleep, says who holds the slot, and fails with exit code 4 past DTI_WAIT_SECONDS; the holder is untouched."""
    small_month(env / "inbox")
    waiting_env = run_env(env, "waiting", DTI_WAIT_SECONDS="6")
    home = Path(waiting_env["DAGSTER_HOME"])
    prepared_home(home)
    instance = dg.DagsterInstance.from_config(str(home))
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        proc = start_run(waiting_env, env / "waiting.log")
        wait_for_claimed_slot(instance, proc)
        other = fake_run(instance, holder.pid)
        storage = instance.event_log_storage
        storage.claim_concurrency_slot(recovery.POOL, other, "onestop")  # queued: gets the slot when it frees
        deadline = time.monotonic() + 60
        while not storage.claim_concurrency_slot(recovery.POOL, other, "onestop").is_claimed:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        time.sleep(1.0)
        before = cpu_seconds(proc.pid)
        time.sleep(2.0)
        assert cpu_seconds(proc.pid) - before < 1.0  # Dagster's own loop spun at 100% of a core here
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
            pytest.fail("the wait for the slot did not end")
        log = (env / "waiting.log").read_text()
        assert proc.returncode == 4, log
        assert f"tiến trình {holder.pid}" in log and "chờ chỗ ghi kho" in log
        assert "DTI_WAIT_SECONDS" in log
        assert instance.get_run_by_id(other).status == DagsterRunStatus.STARTED  # a live run is never touched
        assert held_by(instance) == {other}
    finally:
        holder.kill()
        holder.wait(10)
        instance.dispose()


# ---------------------------------------------------------------------------------------------------- pieces


def test_recover_fails_only_dead_runs_of_this_host(env):
    home = env / "dagster"
    prepared_home(home)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        storage = instance.event_log_storage
        storage.initialize_concurrency_limit_to_default(recovery.POOL)  # what a run's first claim does
        dead_here = fake_run(instance, dead_pid())
        live_here = fake_run(instance, live.pid)
        dead_elsewhere = fake_run(instance, dead_pid(), host="another-host")
        reused_pid = fake_run(instance, os.getpid(), start="1")  # a live pid, but another process's start
        assert storage.claim_concurrency_slot(recovery.POOL, dead_here, "onestop").is_claimed
        said = []
        handled = recovery.recover(instance, said.append)

        assert set(handled) == {dead_here, reused_pid}
        assert instance.get_run_by_id(dead_here).status == DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(reused_pid).status == DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(live_here).status == DagsterRunStatus.STARTED
        assert instance.get_run_by_id(dead_elsewhere).status == DagsterRunStatus.STARTED
        assert not held_by(instance)
        assert any(dead_here[:8] in line and "đã dừng đột ngột" in line for line in said)

        # a live holder is waited for, named, and the wait ends with WaitTimeout (exit code 4)
        assert storage.claim_concurrency_slot(recovery.POOL, live_here, "onestop").is_claimed
        started = time.monotonic()
        with pytest.raises(WaitTimeout) as caught:
            pool_waits.wait_for_pool(instance, "2024-06", said.append, timeout=1)
        assert time.monotonic() - started < 10
        assert caught.value.exit_code == 4 and f"kill {live.pid}" in caught.value.message
        assert any(f"tiến trình {live.pid}" in line and "chờ đến lượt" in line for line in said)
        assert instance.get_run_by_id(live_here).status == DagsterRunStatus.STARTED

        # once the holder's process is gone, the wait recovers it and returns
        live.kill()
        live.wait(10)
        pool_waits.wait_for_pool(instance, "2024-06", said.append, timeout=10)
        assert instance.get_run_by_id(live_here).status == DagsterRunStatus.FAILURE
        assert not held_by(instance)

        # a slot claimed for a run that no longer exists is freed
        gone = str(uuid.uuid4())
        assert storage.claim_concurrency_slot(recovery.POOL, gone, "onestop").is_claimed
        assert recovery.recover(instance) == [gone] and not held_by(instance)
    finally:
        live.kill()
        live.wait(10)
        instance.dispose()


def test_run_lock_says_who_holds_it_and_times_out(env):
    warehouse = env / "wh" / "dti.duckdb"
    said = []
    with run_lock(warehouse, holder="tiến trình 4242 trên máy kiem-thu, kỳ 2024-06"):
        started = time.monotonic()
        with pytest.raises(WaitTimeout) as caught:
            with run_lock(warehouse, on_wait=said.append, timeout=0.6):
                pytest.fail("got a lock that is held")
        assert time.monotonic() - started < 5
    assert caught.value.exit_code == 4
    assert "tiến trình 4242" in caught.value.message and "DTI_WAIT_SECONDS" in caught.value.message
    assert len(said) == 1 and "tiến trình 4242" in said[0]
    with run_lock(warehouse, timeout=0):  # released, and free again
        pass


def test_wait_seconds_from_the_environment(monkeypatch):
    monkeypatch.delenv("DTI_WAIT_SECONDS", raising=False)
    assert faults.wait_seconds() == faults.DEFAULT_WAIT_SECONDS
    monkeypatch.setenv("DTI_WAIT_SECONDS", "12,5")
    assert faults.wait_seconds() == 12.5
    monkeypatch.setenv("DTI_WAIT_SECONDS", "lâu")
    with pytest.raises(faults.UserFault) as caught:
        faults.wait_seconds()
    assert "DTI_WAIT_SECONDS" in caught.value.message and caught.value.exit_code == 3


def test_process_liveness():
    assert recovery.process_alive(os.getpid(), recovery.process_start(os.getpid()))
    assert not recovery.process_alive(dead_pid())
    assert not recovery.process_alive(os.getpid(), "1")  # same pid, another start: a reused pid
