"""Hostile files, killed runs and concurrent runs against fresh warehouses: prints what survived.

    .venv/bin/python scripts/faults.py

Each fault is dropped into a small, known-good month; it survives when the run
ends well, the fault leaves the failure rows expected of it (one clear row for
a file that cannot be read), and no good row is lost. Exit status 1 if any
fault did not survive.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fault_kit import (GOOD_DOSSIERS, MONTH, Outcome, base_month, file_faults, good_rows_lost, marts,  # noqa: E402
                       run)
from hostile_files import CCCD, NAME, PHONE  # noqa: E402

NEXT_RUN_SECONDS = 60  # a run after a killed or stopped one finishes within a minute


def dagster_instance(root: Path):
    """root's DAGSTER_HOME, made before the run (dagster.yaml and storage), so that this process reads the same
    concurrency slots as the run without racing it to create the tables."""
    import shutil

    import dagster as dg

    home = root / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(__file__).resolve().parents[1] / "dagster.yaml", home / "dagster.yaml")
    return dg.DagsterInstance.from_config(str(home))


def claimed_slots(instance) -> list:
    return instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots


def until_slot_held(instance, proc, steps: int, timeout: float = 120) -> tuple[str, str] | None:
    """Poll until the run has claimed the pool's slot for its `steps`-th distinct step and holds it: (run id,
    step); None if the run ended first."""
    seen: set[str] = set()
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        for slot in claimed_slots(instance):
            seen.add(slot.step_key)
            if len(seen) >= steps:
                return slot.run_id, slot.step_key
        time.sleep(0.01)
    return None


def killed_run() -> Outcome:
    """SIGKILL while the run holds the warehouse's pool slot (at its first, 6th and 14th step) and once before it
    claims one, then run again in the same DAGSTER_HOME: it finishes within a minute, with the marts of an
    uninterrupted run. (Killing at fixed times missed the slot: the first claim comes after 5-7 s of imports.)"""
    name = "chạy bị SIGKILL rồi chạy lại"
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "clean"
        base_month(clean)
        assert run(clean)[0] == 0
        expected = marts(clean)
        done = []
        for steps in (0, 1, 6, 14):
            root = Path(tmp) / f"killed{steps}"
            base_month(root)
            instance = dagster_instance(root)
            try:
                for _attempt in range(3):  # the kill must land while the slot is held
                    proc = run(root, wait=False)
                    if steps == 0:
                        time.sleep(1.0)
                        held = None
                    elif (held := until_slot_held(instance, proc, steps)) is None:
                        proc.kill()
                        proc.communicate()
                        return Outcome(name, False, 0, f"lần chạy xong trước khi giữ chỗ ở bước thứ {steps}")
                    proc.send_signal(signal.SIGKILL)
                    proc.communicate()
                    if held is None or any(s.run_id == held[0] for s in claimed_slots(instance)):
                        break
                else:
                    return Outcome(name, False, 0, f"không giết được lúc đang giữ chỗ ở bước thứ {steps}")
            finally:
                instance.dispose()
            started = time.monotonic()
            code, out = run(root, timeout=NEXT_RUN_SECONDS)
            seconds = time.monotonic() - started
            where = "trước khi giữ chỗ" if held is None else f"khi giữ chỗ ở bước {held[1]}"
            if code != 0 or marts(root) != expected:
                detail = f"giết {where}: lần sau mã thoát {code} sau {seconds:.0f}s"
                return Outcome(name, False, good_rows_lost(root) if code == 0 else GOOD_DOSSIERS, detail)
            done.append(f"{where} → {seconds:.0f}s")
        return Outcome(name, True, 0, "giết " + "; ".join(done) + ": lần sau xong, bảng tổng hợp như chạy liền")


def terminated_run() -> Outcome:
    """SIGTERM in the middle of a run: the process ends within seconds, frees the slot and the lock, and the next
    run finishes within a minute with the marts of an uninterrupted run."""
    name = "dừng bằng SIGTERM giữa chừng rồi chạy lại"
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "clean"
        base_month(clean)
        assert run(clean)[0] == 0
        expected = marts(clean)
        root = Path(tmp) / "stopped"
        base_month(root)
        instance = dagster_instance(root)
        try:
            proc = run(root, wait=False)
            if until_slot_held(instance, proc, 6) is None:
                proc.kill()
                proc.communicate()
                return Outcome(name, False, 0, "lần chạy xong trước khi kịp dừng")
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            try:
                proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                return Outcome(name, False, 0, "còn chạy 30 giây sau SIGTERM")
            stop_seconds = time.monotonic() - sent
            left = claimed_slots(instance)
        finally:
            instance.dispose()
        started = time.monotonic()
        code, out = run(root, timeout=NEXT_RUN_SECONDS)
        seconds = time.monotonic() - started
        ok = (proc.returncode == 143 and stop_seconds < 10 and not left and code == 0 and marts(root) == expected)
        return Outcome(name, ok, 0 if code == 0 else GOOD_DOSSIERS,
                       f"thoát mã {proc.returncode} sau {stop_seconds:.1f}s, {len(left)} chỗ còn bị giữ; lần sau mã "
                       f"thoát {code} sau {seconds:.0f}s")


def concurrent_runs() -> Outcome:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        base_month(root)
        first, second = run(root, wait=False), run(root, wait=False)
        outs, codes = [], []
        for proc in (first, second):
            try:
                outs.append(proc.communicate(timeout=300)[0].decode("utf-8", "replace"))
                codes.append(proc.returncode)
            except subprocess.TimeoutExpired:
                proc.kill()
                outs.append(proc.communicate()[0].decode("utf-8", "replace"))
                codes.append(None)
        raw_lock = any("Could not set lock" in o or "IO Error" in o for o in outs)
        said = any("đang ghi vào kho" in o and "tiến trình" in o for o in outs)  # the wait names its holder
        single = Path(tmp) / "single"
        base_month(single)
        run(single)
        ok = codes == [0, 0] and not raw_lock and marts(root) == marts(single)
        return Outcome("hai lần dti run cùng lúc", ok, good_rows_lost(root),
                       f"mã thoát {codes}, {'có' if raw_lock else 'không'} lỗi khóa, "
                       f"{'có' if said else 'không có'} dòng báo chờ ai")


def readers_during_a_run() -> Outcome:
    """While a month runs again, the published snapshot opens read-only and shows the whole month."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        base_month(root)
        run(root)
        snapshot = root / "wh" / "snapshot" / "dti.duckdb"
        count = "select count(*) from marts.indicator_attainment where report_month = ?"
        with duckdb.connect(str(snapshot), read_only=True) as con:
            expected = con.execute(count, [str(MONTH)]).fetchone()[0]
        proc = run(root, wait=False)
        reads, wrong, errors = 0, 0, []
        while proc.poll() is None:
            try:
                with duckdb.connect(str(snapshot), read_only=True) as con:
                    wrong += con.execute(count, [str(MONTH)]).fetchone()[0] != expected
                reads += 1
            except duckdb.Error as exc:
                errors.append(type(exc).__name__)
            time.sleep(0.1)
        ok = proc.returncode == 0 and reads > 0 and not wrong and not errors
        return Outcome("người phân tích đọc trong lúc chạy", ok, 0,
                       f"{reads} lần đọc bản sao, {wrong} lần thấy nửa kỳ, {len(errors)} lỗi")


def personal_data() -> Outcome:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        base_month(root)
        code, out = run(root)
        found = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "inbox" not in p.parts
                 and any(s.encode(e) in p.read_bytes() for s in (CCCD, PHONE, NAME) for e in ("utf-8", "utf-16-le"))]
        found += ["stdout"] if any(s in out for s in (CCCD, PHONE, NAME)) else []
        return Outcome("CCCD, họ tên, số điện thoại người dân", code == 0 and not found, 0,
                       "không thấy ở đâu" if not found else "thấy trong " + ", ".join(found))


def main() -> int:
    console = Console()
    outcomes = [*file_faults(), killed_run(), terminated_run(), concurrent_runs(), readers_during_a_run(),
                personal_data()]
    table = Table(title="Lỗi giả lập và kết quả")
    for column in ("Lỗi", "Vượt qua", "Dòng mất", "Chi tiết"):
        table.add_column(column)
    for o in outcomes:
        table.add_row(o.fault, "có" if o.survived else "[red]KHÔNG[/]", str(o.rows_lost), o.detail)
    console.print(table)
    survived = sum(o.survived for o in outcomes)
    print(f"faults: {survived} passed, {len(outcomes) - survived} failed")
    return 0 if survived == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
