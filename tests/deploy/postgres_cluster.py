"""A throwaway PostgreSQL cluster for the test session (issue 17), started from Debian's binaries.

`postgres_cluster` finds `initdb` and `pg_ctl` under /usr/lib/postgresql/<version>/bin (the newest version),
makes a cluster in a folder of its own under the system's temporary folder, with a password (scram-sha-256,
so that the credentials the instance reads from the environment are really used) and a socket folder of its
own, starts it on a free port of 127.0.0.1, creates the database `dagster`, and stops and removes it all
when the session ends. PostgreSQL refuses to run as root: as root it runs as the user `postgres` through
`runuser -u postgres --`, and the folders belong to that user.

Where the binaries are missing or the cluster cannot be started, the tests that use it are skipped with the
reason, except under `CI=true`, where they fail: CI must run them (`.ci/run` installs the binaries).
"""
from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN_GLOB = "/usr/lib/postgresql/*/bin"
USER = "dagster"
DATABASE = "dagster"
START_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class PostgresCluster:
    host: str
    port: int
    user: str
    password: str
    database: str
    root: Path

    def env(self) -> dict[str, str]:
        """What deploy/dagster.yaml reads (`env:` keys): the instance's credentials, for a process's environment."""
        return {"DAGSTER_PG_HOST": self.host, "DAGSTER_PG_PORT": str(self.port), "DAGSTER_PG_DB": self.database,
                "DAGSTER_PG_USERNAME": self.user, "DAGSTER_PG_PASSWORD": self.password}

    def connect(self, database: str | None = None):
        import psycopg2

        return psycopg2.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                                dbname=database or self.database, connect_timeout=10)


def unavailable(reason: str) -> None:
    """Skip with the reason; under CI=true fail instead: there the PostgreSQL tests must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: the PostgreSQL tests must run, but {reason}", pytrace=False)
    pytest.skip(reason)


def bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin that holds initdb and pg_ctl."""
    found = [Path(d) for d in glob.glob(BIN_GLOB) if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists()]
    found.sort(key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else -1)
    return found[-1] if found else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix that runs PostgreSQL's binaries, and the account whose folders they need."""
    if os.geteuid() != 0:
        return [], None
    runuser = shutil.which("runuser")
    if runuser is None:
        unavailable("running as root, and `runuser` (util-linux) is missing to run PostgreSQL as the user postgres")
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        unavailable("running as root, and there is no user `postgres` to run PostgreSQL as (apt-get install "
                    "postgresql creates it)")
    return [runuser, "-u", "postgres", "--"], account


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT_SECONDS)
    if done.returncode != 0:
        unavailable(f"{what} failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()[-800:]}")


@pytest.fixture(scope="session")
def postgres_cluster():
    binaries = bin_dir()
    if binaries is None:
        unavailable(f"no PostgreSQL server binaries under {BIN_GLOB} (Debian: apt-get install postgresql)")
    prefix, account = _as_server_user()
    # not under pytest's tmp_path: that folder is private to the current user, and the server user must reach it
    root = Path(tempfile.mkdtemp(prefix="dti-postgres-"))
    data, sockets, password_file = root / "data", root / "sockets", root / "password"
    password = secrets.token_urlsafe(24)
    try:
        sockets.mkdir()
        password_file.write_text(password + "\n", encoding="utf-8")
        if account is not None:
            for path in (root, sockets, password_file):
                os.chown(path, account.pw_uid, account.pw_gid)
        _run([*prefix, str(binaries / "initdb"), "-D", str(data), "-U", USER, "--auth=scram-sha-256",
              f"--pwfile={password_file}", "--no-sync", "--encoding=UTF8", "--locale=C"], "initdb")
        password_file.unlink()
        port = free_port()
        options = (f"-k {sockets} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off")
        _run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-w", "-t", str(START_TIMEOUT_SECONDS),
              "-l", str(root / "server.log"), "-o", options, "start"], f"pg_ctl start on port {port}")
        cluster = PostgresCluster("127.0.0.1", port, USER, password, DATABASE, root)
        con = cluster.connect("postgres")
        try:
            con.autocommit = True  # CREATE DATABASE runs outside a transaction
            with con.cursor() as cur:
                cur.execute(f"create database {DATABASE}")
        finally:
            con.close()
        yield cluster
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=START_TIMEOUT_SECONDS)
        shutil.rmtree(root, ignore_errors=True)
