"""Hostile files, killed runs and concurrent runs against fresh warehouses: prints what survived.

    .venv/bin/python scripts/faults.py

Each fault is dropped into a small, known-good month; it survives when the run
ends well, the fault leaves the failure rows expected of it (one clear row for
a file that cannot be read), and no good row is lost. Exit status 1 if any
fault did not survive.
"""
from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
from openpyxl import Workbook, load_workbook
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain import reference  # noqa: E402
from domain.periods import TZ, ReportMonth  # noqa: E402
from dti.sample_exports import ONESTOP_HEADERS, encode_cp1258  # noqa: E402
from outputs.template import criterion_rows, unit_indicator_rows, write_unit_workbook  # noqa: E402

MONTH = ReportMonth(2024, 6)
GOOD_DOSSIERS = 40
CCCD, PHONE, NAME = "079199887766", "0911222333", "Lê Thị Riêng Tư"
MART_QUERY = {t: f"select * from {t} order by all" for t in (
    "marts.indicator_attainment", "marts.unit_measures", "marts.dti_scores", "marts.dti_summary",
    "marts.submission_status")}


def dossier_rows(prefix: str, n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        online = i % 3 != 0
        rows.append([f"{prefix}{i:04d}", "1.000031", "Phường 8" if i % 2 else "Phòng Văn hóa và Thông tin",
                     f"{15 + i % 10:02d}/05/2024 08:{i % 60:02d}", "30/05/2024", f"{20 + i % 5:02d}/05/2024 10:00",
                     "Trực tuyến" if online else "Trực tiếp", "Có" if online else "Không", "Toàn trình",
                     "Có" if i % 4 else "Không", "50.000" if i % 5 else "0", "Có" if online else "Không",
                     "Có", "Không", NAME, CCCD, PHONE])
    return rows


def csv_bytes(headers, rows, sep=",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    if headers:
        writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def base_month(root: Path) -> None:
    """A small good month: 40 dossiers in one CSV, and the workbooks of PHUONG_8 and TPVT."""
    onestop = root / "inbox" / str(MONTH) / "onestop"
    onestop.mkdir(parents=True)
    (onestop / "good.csv").write_text(csv_bytes(ONESTOP_HEADERS, dossier_rows("G", GOOD_DOSSIERS)), "utf-8")
    units = reference.units().set_index("unit_code", drop=False)
    for code, rubric in (("PHUONG_8", "commune"), ("TPVT", "district")):
        path = root / "inbox" / str(MONTH) / "units" / f"{code}.xlsx"
        write_unit_workbook(path, units.loc[code], MONTH, unit_indicator_rows(), criterion_rows(rubric))
    received = datetime(2024, 6, 11, 9, tzinfo=TZ).timestamp()  # fixed, so that two copies compare equal
    for path in (root / "inbox").rglob("*.*"):
        os.utime(path, (received, received))


def valid_xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(ONESTOP_HEADERS)
    for row in dossier_rows("X", 3):
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros in a few hundred KB
                member.write(chunk)


def billion_laughs(path: Path) -> None:
    evil = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
            + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    source = zipfile.ZipFile(io.BytesIO(valid_xlsx_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = evil.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            archive.writestr(item, data)


def tricky_workbook(path: Path) -> None:
    """PHUONG_8's workbook again, with a hidden sheet first, merged cells, formulas and a protected sheet."""
    wb = load_workbook(path)
    hidden = wb.create_sheet("Nhap", 0)
    hidden.append(["Mã đơn vị", "SAI"])
    hidden.sheet_state = "hidden"
    ws = wb["ChiTieu"]
    ws.cell(4, 3, 30)
    ws.cell(4, 4, 40)
    ws.cell(4, 5, "=C4/D4")
    ws.protection.sheet = True
    ws.protection.password = "matkhau"
    wb.save(path)


@dataclass
class Outcome:
    fault: str
    survived: bool
    rows_lost: int
    detail: str


def run(root: Path, *extra: str, wait: bool = True, timeout: float = 600):
    """`dti run` of MONTH on root's inbox, warehouse and DAGSTER_HOME: (exit code, output) when `wait`, the code
    None for a run still going after `timeout` seconds (then killed); else the process, output piped."""
    env = {**os.environ, "DTI_INBOX": str(root / "inbox"), "DTI_WAREHOUSE": str(root / "wh" / "dti.duckdb"),
           "DAGSTER_HOME": str(root / "dagster")}
    cmd = [sys.executable, "-m", "dti.cli", "run", str(MONTH), *extra]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if wait:
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            return None, out.decode("utf-8", "replace") + f"\n(còn chạy sau {timeout:g} giây: đã dừng)"
        return proc.returncode, out.decode("utf-8", "replace")
    return proc


def marts(root: Path) -> dict:
    with duckdb.connect(str(root / "wh" / "dti.duckdb"), read_only=True) as con:
        return {t: con.execute(q).fetchall() for t, q in MART_QUERY.items()}


def good_rows_lost(root: Path) -> int:
    with duckdb.connect(str(root / "wh" / "dti.duckdb"), read_only=True) as con:
        loaded = con.execute("select coalesce(sum(rows_loaded), 0) from raw.files where file_name = 'good.csv' "
                             "and report_month = ?", [str(MONTH)]).fetchone()[0]
    return GOOD_DOSSIERS - int(loaded)


def failures_of(root: Path, file_name: str) -> list[tuple]:
    with duckdb.connect(str(root / "wh" / "dti.duckdb"), read_only=True) as con:
        return con.execute("select row_number, check_name from quality.validation_failures where file_name = ?",
                           [file_name]).fetchall()


def file_fault(name: str, file_name: str, folder: str, write, expected: list[tuple] | None,
               extra_rows: int = 0) -> Outcome:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        base_month(root)
        target = root / "inbox" / str(MONTH) / folder / file_name
        write(target)
        code, out = run(root)
        if code != 0:
            return Outcome(name, False, GOOD_DOSSIERS, out[-300:])
        got = failures_of(root, file_name)
        lost = good_rows_lost(root)
        ok = lost == 0 and (expected is None or sorted(got, key=repr) == sorted(expected, key=repr))
        if folder == "onestop" and extra_rows:
            with duckdb.connect(str(root / "wh" / "dti.duckdb"), read_only=True) as con:
                loaded = con.execute("select rows_loaded from raw.files where file_name = ?", [file_name]).fetchone()
            ok = ok and loaded is not None and loaded[0] == extra_rows
        return Outcome(name, ok, lost, ", ".join(f"{c}@{r}" if r else c for r, c in got) or "không lỗi")


def file_faults() -> list[Outcome]:
    unreadable = [(None, "file_unreadable")]
    mixed = (csv_bytes(ONESTOP_HEADERS, dossier_rows("M", 2)).encode("utf-8")
             + encode_cp1258(csv_bytes([], dossier_rows("N", 2))))
    short = dossier_rows("S", 3)
    short[1] = short[1][:10]
    cases = [
        ("tệp rỗng", "empty.csv", "onestop", lambda p: p.write_bytes(b""), unreadable, 0),
        ("xlsx bị cắt cụt", "cut.xlsx", "onestop", lambda p: p.write_bytes(valid_xlsx_bytes()[:900]), unreadable, 0),
        ("byte ngẫu nhiên đặt tên .xlsx", "random.xlsx", "onestop", lambda p: p.write_bytes(os.urandom(4096)),
         unreadable, 0),
        ("zip bomb", "bomb.xlsx", "onestop", zip_bomb, unreadable, 0),
        ("billion laughs", "laughs.xlsx", "onestop", billion_laughs, unreadable, 0),
        ("CSV tiêu đề không khớp", "other.csv", "onestop",
         lambda p: p.write_text("Cột A,Cột B\n1,2\n", "utf-8"), [(None, "header_unmatched")], 0),
        ("CSV trộn bảng mã", "mixed.csv", "onestop", lambda p: p.write_bytes(mixed), [], 4),
        ("dòng 10 cột trong tệp 17 cột", "short.csv", "onestop",
         lambda p: p.write_text(csv_bytes(ONESTOP_HEADERS, short), "utf-8"), [(3, "row_malformed")], 2),
        ("tên tệp có dấu cách, dấu và ..", "Hồ sơ  tháng 6..bản cuối.csv", "onestop",
         lambda p: p.write_text(csv_bytes(ONESTOP_HEADERS, dossier_rows("T", 2)), "utf-8"), [], 2),
        ("sheet ẩn, ô gộp, công thức, sheet khóa mật khẩu", "PHUONG_8.xlsx", "units", tricky_workbook, [], 0),
    ]
    return [file_fault(*case) for case in cases]


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
