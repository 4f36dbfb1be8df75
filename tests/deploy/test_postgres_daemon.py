"""Issue 17: the production instance (deploy/dagster.yaml) on a real PostgreSQL, with runs queued and launched
by dagster-daemon.

Two report months of the demo inbox are submitted at once (`dagster job backfill`, which submits one run per
partition through the instance's run coordinator) and the daemon launches them side by side. Then: both runs
succeed, and overlapped; the steps that open the warehouse never overlapped (their STEP_START..STEP_SUCCESS in
the event log, read from PostgreSQL); the pool held a step back, and the DuckDB file was never found locked;
runs, events and the pool live in PostgreSQL, nothing in SQLite; and the marts equal those of the same two
months run one after the other with `dti run` on the embedded default instance.

The cluster comes from tests/deploy/postgres_cluster.py (skipped where PostgreSQL cannot run, failed under CI=true).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import duckdb
import pytest
import yaml

from domain.periods import ReportMonth
from dti.sample_inbox import write_sample_inbox
from tests.deploy.postgres_cluster import free_port, postgres_cluster  # noqa: F401  the session fixture

REPO = Path(__file__).resolve().parents[2]
DEPLOY_CONFIG = REPO / "deploy" / "dagster.yaml"
DEPLOY_WORKSPACE = REPO / "deploy" / "workspace.yaml"
JUNE, JULY = ReportMonth(2024, 6), ReportMonth(2024, 7)
MONTHS = {JUNE.partition_key: str(JUNE), JULY.partition_key: str(JULY)}
POOL = "duckdb"
CODE = ["-m", "pipelines.definitions"]  # the code location, as deploy/README.md serves it
RUNS_TIMEOUT_SECONDS = 900
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}
LOCK_WAIT_LINE = "đang bị một tiến trình khác mở"  # warehouse.connection.connect, when the file is held


def _tool(name: str) -> str:
    """A command of this Python's environment (the venv's bin), else of PATH."""
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"{name} not found beside {sys.executable} nor on PATH"
    return found


def _query(cluster, sql: str, params: tuple = ()) -> list[tuple]:
    with closing(cluster.connect()) as con, con.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _runs(cluster) -> dict[str, tuple[str, str]]:
    """{partition key: (run id, status)} of the runs in PostgreSQL."""
    return {partition: (run_id, status)
            for run_id, status, partition in _query(cluster, "select run_id, status, partition from runs")}


def _default_signals() -> None:
    """In a service's process: SIGTERM and SIGINT as by default, even where the test runner ignores them."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)


def _service(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """A long-running process (the code server, the daemon) in a process group of its own, output to `log`."""
    with open(log, "w", encoding="utf-8") as out:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=_default_signals)


def _stop(service: subprocess.Popen) -> None:
    """SIGTERM to the service's process group (it and the processes it started), SIGKILL if it lingers."""
    if service.poll() is None:
        os.killpg(service.pid, signal.SIGTERM)
        try:
            service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(service.pid, signal.SIGKILL)
            service.wait(timeout=30)


def _cli(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([_tool("dagster"), *args], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _finish(proc: subprocess.Popen, what: str) -> None:
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, f"{what} failed:\n{out[-3000:]}"


def _wait_serving(port: int, server: subprocess.Popen, log: Path, env: dict[str, str]) -> None:
    deadline = time.monotonic() + 180
    while subprocess.run([_tool("dagster"), "api", "grpc-health-check", "-p", str(port)], env=env,
                         capture_output=True).returncode != 0:
        assert server.poll() is None, f"the code server exited ({server.returncode}):\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"the code server is not serving after 180 s:\n{log.read_text()[-3000:]}"
        time.sleep(0.5)


def _marts(path: Path) -> dict[str, list[str]]:
    """Every marts table, its rows in order, each row as the repr of its values (floats to the last bit)."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'marts' order by 1").fetchall()]
        return {t: list(map(repr, con.execute(f"select * from marts.{t} order by all").fetchall())) for t in tables}


@pytest.fixture(scope="module")
def months_at_once(postgres_cluster, tmp_path_factory):  # noqa: F811
    """deploy/README.md's processes on the cluster: a code server, the daemon, and the CLI submitting two months."""
    cluster = postgres_cluster
    root = tmp_path_factory.mktemp("postgres_daemon")
    inbox, home = root / "inbox", root / "dagster"
    home.mkdir()
    shutil.copy(DEPLOY_CONFIG, home / "dagster.yaml")
    workspace = yaml.safe_load(DEPLOY_WORKSPACE.read_text(encoding="utf-8"))
    server = workspace["load_from"][0]["grpc_server"]
    server["port"] = port = free_port()
    (root / "workspace.yaml").write_text(yaml.safe_dump(workspace), encoding="utf-8")
    at = ["-w", str(root / "workspace.yaml")]
    env = {**os.environ, **cluster.env(), "DAGSTER_HOME": str(home), "DTI_INBOX": str(inbox),
           "DTI_WAREHOUSE": str(root / "concurrent" / "dti.duckdb"), "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    code_server = _service([_tool("dagster"), "code-server", "start", *CODE, "-h", server["host"], "-p", str(port)],
                           env, root / "code_server.log")
    daemon = None
    try:
        write_sample_inbox(inbox, [JUNE, JULY], seed=11)  # while the code server loads the definitions
        with pytest.MonkeyPatch.context() as mp:  # the schema once, before two processes would race to create it
            for key, value in cluster.env().items():
                mp.setenv(key, value)
            with dg.DagsterInstance.from_config(str(home)):
                pass
        _wait_serving(port, code_server, root / "code_server.log", env)
        # The inbox sensor (RUNNING by default) would ask for the same two months on the daemon's first tick:
        # stopped, so that the runs are the two submitted here. With no daemon yet, they wait in the queue.
        stop_sensor = _cli(["sensor", "stop", "inbox_sensor", *at], env)
        submit = _cli(["job", "backfill", "-j", "monthly_report", "--partitions", ",".join(MONTHS), "--noprompt",
                       *at], env)
        _finish(stop_sensor, "dagster sensor stop")
        _finish(submit, "dagster job backfill")
        queued = {partition: status for partition, (_, status) in _runs(cluster).items()}
        daemon = _service([_tool("dagster-daemon"), "run", *at], env, root / "daemon.log")
        deadline = time.monotonic() + RUNS_TIMEOUT_SECONDS
        while True:
            runs = _runs(cluster)
            if len(runs) == 2 and all(status in FINISHED for _, status in runs.values()):
                break
            assert daemon.poll() is None, (f"dagster-daemon exited ({daemon.returncode}):\n"
                                           + (root / "daemon.log").read_text()[-3000:])
            assert time.monotonic() < deadline, f"runs not finished after {RUNS_TIMEOUT_SECONDS} s: {runs}"
            time.sleep(1)
        concurrent_seconds = time.monotonic() - started
    finally:
        for service in (daemon, code_server):
            if service is not None:
                _stop(service)

    # the same two months, one after the other, with `dti run` on the embedded default instance (SQLite)
    from pipelines.launch import run_month

    started = time.monotonic()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(root / "sequential_dagster"))
        mp.setenv("DTI_INBOX", str(inbox))
        mp.setenv("DTI_WAREHOUSE", str(root / "sequential" / "dti.duckdb"))
        assert run_month(JUNE) and run_month(JULY)
    logs = [root / "daemon.log", root / "code_server.log", *home.glob("storage/*/compute_logs/*.err")]
    return SimpleNamespace(cluster=cluster, home=home, queued=queued, runs=_runs(cluster),
                           concurrent_seconds=concurrent_seconds, sequential_seconds=time.monotonic() - started,
                           logs={p.name: p.read_text(encoding="utf-8", errors="replace") for p in logs},
                           concurrent=root / "concurrent" / "dti.duckdb", sequential=root / "sequential" / "dti.duckdb")


def _job():
    from pipelines.definitions import defs

    return defs.resolve_job_def("monthly_report")


def test_postgres_instance_is_the_deploy_config(postgres_cluster, tmp_path, monkeypatch):  # noqa: F811
    """deploy/dagster.yaml on the cluster: PostgreSQL storage from env vars, queued runs, the pool at 1."""
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

    text = DEPLOY_CONFIG.read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    credentials = config["storage"]["postgres"]["postgres_db"]
    assert credentials and all(set(value) == {"env"} for value in credentials.values()), credentials
    assert "config" not in config.get("run_coordinator", {})  # max_concurrent_runs once only (dagster #33225)
    for key, value in postgres_cluster.env().items():
        monkeypatch.setenv(key, value)
    shutil.copy(DEPLOY_CONFIG, tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs >= 2
        assert instance.global_op_concurrency_default_limit == 1
        assert instance.event_log_storage.supports_global_concurrency_limits
        assert instance.run_monitoring_settings.get("free_slots_after_run_end_seconds")
    assert not list(tmp_path.rglob("*.db"))  # nothing went to SQLite


def test_postgres_processes_are_the_same_in_the_procfile_and_the_units():
    """The commands this module runs are deploy/README.md's, in the Procfile and the systemd units alike."""
    procfile = dict(line.split(": ", 1) for line in (REPO / "deploy" / "Procfile").read_text().splitlines()
                    if line and not line.startswith("#"))
    units = {path.stem.removeprefix("dti-"): line.split("=", 1)[1].replace("/opt/dti/.venv/bin/", "")
             for path in (REPO / "deploy" / "systemd").glob("dti-*.service")
             for line in path.read_text().splitlines() if line.startswith("ExecStart=")}
    assert units == procfile and set(procfile) == {"code", "daemon", "web"}
    server = yaml.safe_load(DEPLOY_WORKSPACE.read_text(encoding="utf-8"))["load_from"][0]["grpc_server"]
    assert procfile["code"] == f"dagster code-server start {' '.join(CODE)} -h {server['host']} -p {server['port']}"
    assert procfile["daemon"] == "dagster-daemon run -w deploy/workspace.yaml"
    assert procfile["web"].startswith("dagster-webserver -w deploy/workspace.yaml ")


def test_postgres_runs_two_months_at_once_through_the_daemon(months_at_once):
    print(f"\ntwo months at once through the daemon: {months_at_once.concurrent_seconds:.1f} s (from the code "
          f"server's start); one after the other with dti run: {months_at_once.sequential_seconds:.1f} s")
    assert months_at_once.queued == {partition: "QUEUED" for partition in MONTHS}  # the daemon launched them
    assert {p: status for p, (_, status) in months_at_once.runs.items()} == {p: "SUCCESS" for p in MONTHS}
    spans = _query(months_at_once.cluster, "select start_time, end_time from runs")
    (start_a, end_a), (start_b, end_b) = spans
    assert start_a < end_b and start_b < end_a, spans  # side by side, not one after the other


def test_postgres_warehouse_steps_never_overlap(months_at_once):
    job = _job()
    opens_warehouse = {n.name for n in job.graph.nodes if "warehouse" in n.definition.required_resource_keys}
    pooled = {n.name for n in job.graph.nodes if n.definition.pool == POOL}
    assert opens_warehouse and opens_warehouse <= pooled, opens_warehouse - pooled
    events = _query(months_at_once.cluster,
                    "select run_id, step_key, dagster_event_type, timestamp from event_logs "
                    "where dagster_event_type in ('STEP_START', 'STEP_SUCCESS') and step_key = any(%s)",
                    (sorted(pooled),))
    spans: dict[tuple[str, str], dict[str, object]] = {}
    for run_id, step, kind, at in events:
        spans.setdefault((run_id, step), {})[kind] = at
    run_ids = {run_id for run_id, _ in months_at_once.runs.values()}
    assert set(spans) == {(r, s) for r in run_ids for s in pooled}  # every pooled step of both runs ran
    ordered = sorted((span["STEP_START"], span["STEP_SUCCESS"], key) for key, span in spans.items())
    overlaps = [(a[2], b[2]) for a, b in zip(ordered, ordered[1:]) if b[0] < a[1]]
    assert overlaps == []
    assert len({key[0] for *_, key in ordered}) == 2
    blocked = _query(months_at_once.cluster, "select count(*) from event_logs where dagster_event_type = "
                     "'ENGINE_EVENT' and event like %s", (f"%blocked by limit for pool {POOL}%",))[0][0]
    assert blocked > 0  # the pool, not luck, kept them apart
    locked = [name for name, text in months_at_once.logs.items() if LOCK_WAIT_LINE in text]
    assert locked == []  # no step ever found the DuckDB file held by the other run


def test_postgres_holds_the_runs_events_and_the_pool(months_at_once):
    cluster, steps = months_at_once.cluster, len(_job().graph.nodes)
    for partition, (run_id, _) in months_at_once.runs.items():
        assert _query(cluster, "select status, partition from runs where run_id = %s", (run_id,)) == [
            ("SUCCESS", partition)]
        kinds = dict(_query(cluster, "select dagster_event_type, count(*) from event_logs where run_id = %s "
                                     "group by 1", (run_id,)))
        run_success = dg.DagsterEventType.RUN_SUCCESS.value  # stored under its old name, PIPELINE_SUCCESS
        assert kinds.get(run_success) == 1 and kinds.get("STEP_SUCCESS") == steps, kinds
        tags = dict(_query(cluster, "select key, value from run_tags where run_id = %s", (run_id,)))
        assert tags.get("report_month") == MONTHS[partition]
    assert _query(cluster, 'select concurrency_key, "limit" from concurrency_limits') == [(POOL, 1)]
    assert _query(cluster, "select count(*) from concurrency_slots where run_id is not null and not deleted") == [(0,)]
    assert not list(months_at_once.home.rglob("*.db"))  # nothing of the instance in SQLite
    config = (months_at_once.home / "dagster.yaml").read_text(encoding="utf-8")
    assert cluster.password not in config and config == DEPLOY_CONFIG.read_text(encoding="utf-8")


def test_postgres_marts_equal_a_sequential_run(months_at_once):
    concurrent, sequential = _marts(months_at_once.concurrent), _marts(months_at_once.sequential)
    assert {"indicator_attainment", "dti_scores", "dti_summary", "submission_status"} <= set(sequential)
    assert sorted(concurrent) == sorted(sequential)
    for table, rows in sequential.items():
        assert concurrent[table] == rows, table
    for table in ("indicator_attainment", "dti_scores", "dti_summary", "submission_status", "dti_headroom"):
        rows = sequential[table]  # the tables a run fills (publications and restatements wait for dti publish)
        assert rows and all(str(m) in " ".join(rows) for m in (JUNE, JULY)), table
