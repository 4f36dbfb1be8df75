"""The fault script's kit (scripts/faults.py): a small known-good month, `dti run` on it in a subprocess, what a
run left in the warehouse, and the hostile-file cases, each dropped into that month."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from domain import reference
from domain.periods import TZ, ReportMonth
from dti.sample_exports import ONESTOP_HEADERS, encode_cp1258
from hostile_files import billion_laughs, csv_bytes, dossier_rows, tricky_workbook, valid_xlsx_bytes, zip_bomb
from outputs.template import criterion_rows, unit_indicator_rows, write_unit_workbook

MONTH = ReportMonth(2024, 6)
GOOD_DOSSIERS = 40
MART_QUERY = {t: f"select * from {t} order by all" for t in (
    "marts.indicator_attainment", "marts.unit_measures", "marts.dti_scores", "marts.dti_summary",
    "marts.submission_status")}


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
