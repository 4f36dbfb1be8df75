"""The DuckDB warehouse: connecting, creating tables, running the SQL files, replacing a month."""
from __future__ import annotations

import fcntl
import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from domain.paths import SQL_DIR, warehouse_path

LOCK_WAIT_SECONDS = 600
# DuckDB's buffer: beyond it, joins, sorts and aggregates spill to a folder beside the warehouse, so that a
# month ten times larger needs more disk, not more memory.
MEMORY_LIMIT = os.environ.get("DTI_MEMORY_LIMIT", "768MB")


@contextmanager
def run_lock(path: Path | None = None, on_wait=None, holder: str = "", timeout: float | None = None):
    """One month's run at a time per warehouse: a second `dti run` waits here, it does not fail at once.

    The holder writes who it is (`holder`: process, host, month) into the lock file, so that a waiter can say
    what it waits for: `on_wait(message)` gets a Vietnamese line (default: stderr), again every minute. Past
    `timeout` seconds (default DTI_WAIT_SECONDS, 300) `domain.faults.WaitTimeout` (exit code 4). The lock is
    the kernel's (flock): a holder killed by SIGKILL leaves no lock behind.
    """
    from domain.faults import REMIND_EVERY_SECONDS, WAIT_ENV, WaitTimeout, wait_seconds

    path = Path(path or warehouse_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".run.lock")
    with open(lock_path, "a+", encoding="utf-8") as handle:  # not "w": that would erase the holder's line
        if not _try_flock(handle):
            timeout = wait_seconds() if timeout is None else timeout
            notify = on_wait or (lambda text: print(text, file=sys.stderr, flush=True))
            started = time.monotonic()
            next_notice = started
            while not _try_flock(handle):
                now = time.monotonic()
                who = _lock_holder(lock_path)
                if now - started >= timeout:
                    raise WaitTimeout(f"Đã chờ {timeout:g} giây mà kho {path} vẫn bị {who} giữ: chưa chạy; hãy đợi "
                                      f"lần chạy đó xong, hoặc dừng nó rồi chạy lại. Muốn chờ lâu hơn thì đặt "
                                      f"{WAIT_ENV} (số giây).")
                if now >= next_notice:
                    waited = f"đã chờ {now - started:.0f} giây, " if now - started >= 1 else ""
                    notify(f"Một lần chạy khác ({who}) đang ghi vào kho {path}: chờ đến lượt ({waited}tối đa "
                           f"{timeout:g} giây, {WAIT_ENV}) ...")
                    next_notice = now + REMIND_EVERY_SECONDS
                time.sleep(0.2)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(holder or f"tiến trình {os.getpid()}")
            handle.flush()
            # what a killed run spilled is nobody's now: a spilled temporary table may hold an export's raw lines
            shutil.rmtree(path.with_name(path.name + ".spill"), ignore_errors=True)
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _try_flock(handle) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _lock_holder(lock_path: Path) -> str:
    try:
        text = lock_path.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "một tiến trình khác"


def sql_text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@contextmanager
def connect(path: Path | None = None, read_only: bool = False, wait_seconds: float = LOCK_WAIT_SECONDS):
    """Open the warehouse; while another process holds it, wait instead of failing with a raw lock error."""
    path = Path(path or warehouse_path())
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            if not told:  # DuckDB's message names the process that holds the file
                holder = str(exc).split("Conflicting lock is held in", 1)[-1].split(". See also", 1)[0].strip()
                print(f"Kho {path} đang bị một tiến trình khác mở ({holder}): chờ tối đa {wait_seconds:g} giây ...",
                      file=sys.stderr, flush=True)
                told = True
            time.sleep(0.5)
    try:
        con.execute("set memory_limit = ?", [MEMORY_LIMIT])
        con.execute("set enable_progress_bar = false")  # DuckDB 2 draws it on stdout: not in logs
        if not read_only:
            con.execute("set temp_directory = ?", [str(path.with_name(path.name + ".spill"))])
            con.execute(sql_text("create_tables"))
        yield con
    finally:
        con.close()


def run_sql(con: duckdb.DuckDBPyConnection, name: str, **params) -> None:
    """Run sql/<name>.sql in one transaction, with `$param` placeholders bound by name."""
    con.execute("begin transaction")
    try:
        for statement in _statements(sql_text(name)):
            used = {k: v for k, v in params.items() if f"${k}" in statement}
            con.execute(statement, used)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """The result of sql/<name>.sql, a single SELECT with `$param` placeholders."""
    statement = _statements(sql_text(name))[0]
    return con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement}).df()


def _statements(text: str) -> list[str]:
    """Statements of a SQL file: split at `;` and drop `--` comments, outside string literals."""
    statements, current, i, quoted = [], [], 0, False
    while i < len(text):
        ch = text[i]
        if quoted:
            current.append(ch)
            quoted = ch != "'"
        elif ch == "'":
            current.append(ch)
            quoted = True
        elif text.startswith("--", i):
            i = text.find("\n", i)
            i = len(text) if i < 0 else i
            continue
        elif ch == ";":
            statements.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    statements.append("".join(current))
    return [s.strip() for s in statements if s.strip()]


def replace_rows(con: duckdb.DuckDBPyConnection, table: str, frames: pd.DataFrame | None, **where) -> None:
    """Delete the rows matching `where` and insert `frames` by column name (call inside a transaction)."""
    condition = " and ".join(f"{k} = ${k}" for k in where)
    con.execute(f"delete from {table} where {condition}", where)
    if frames is not None and not frames.empty:
        con.register("_incoming", frames)
        try:
            con.execute(f"insert into {table} by name select * from _incoming")
        finally:
            con.unregister("_incoming")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    con.execute("begin transaction")
    try:
        yield con
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
