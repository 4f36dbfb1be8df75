"""Issue 6's benchmark: a province's month through the record path against DuckDB's bare read, same file.

    .venv/bin/python benchmarks/scale.py [--rows 5000000] [--runs 3] [--workdir data/bench]

Writes the synthetic month once (benchmarks/province_month.py: SPEC §3.1 format, 1,000 planted bad rows),
then runs, alternately and each in a fresh process on a fresh warehouse file:
- project:  `land_export` of onestop/ (read → type → pandera checks → land, in DuckDB) + sql/unit_measures.sql;
- baseline: `CREATE TABLE AS SELECT * FROM read_csv(...)` + a GROUP BY unit of the same counts.
Before each run the file is read through once, so both start with it in the page cache. Each run's time is
taken inside its process around that work (interpreter start and imports excluded from both); peak memory
is the process's peak RSS (imports included in both). It prints every run, the medians
and their ratios, and checks the project's last warehouse: every planted row in
quality.validation_failures at its line with its check, and every other row counted in the measures.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MONTH = "2024-06"

PROJECT = """
import json, sys, time
from pathlib import Path
from domain import reference
from domain.periods import ReportMonth
from warehouse.marts import build_unit_measures
from warehouse.connection import connect
from assets.exports import land_export
inbox, warehouse = Path(sys.argv[1]), Path(sys.argv[2])
month = ReportMonth.parse("%(month)s")
with connect(warehouse) as con:  # reference data, as the ref_units asset writes it: not timed
    units = reference.units()
    con.execute("create table ref.units as select * from units")
began = time.monotonic()
with connect(warehouse) as con:
    summary = land_export(con, inbox, month, "onestop")
    build_unit_measures(con, month)
print(json.dumps({"seconds": time.monotonic() - began, **summary}))
""" % {"month": MONTH}

BASELINE = """
import json, sys, time
import duckdb
path, warehouse = sys.argv[1], sys.argv[2]
began = time.monotonic()
con = duckdb.connect(warehouse)
con.execute("set enable_progress_bar = false")  # as the project's connections
con.execute(f"create table dossiers as select * from read_csv('{path}', skip=2, ignore_errors=true)")
groups = con.execute('''
    select "Đơn vị xử lý", count(*), count(*) filter ("Hình thức nộp" = 'Trực tuyến'),
           count(*) filter ("Hình thức nộp" = 'Trực tuyến' and "Nộp từ xa" = 'Có'),
           count(*) filter ("Xác thực VNeID" = 'Có'), count(*) filter ("Thanh toán trực tuyến" = 'Có'),
           count(*) filter ("Ngày có kết quả" is not null), count(*) filter ("Số hóa kết quả" = 'Có'),
           count(*) filter ("Tái sử dụng dữ liệu số hóa" = 'Có'), count(*) filter ("Mức độ DVC" = 'Toàn trình'),
           count(distinct "Mã TTHC")
    from dossiers group by 1''').fetchall()
con.close()
print(json.dumps({"seconds": time.monotonic() - began, "groups": len(groups)}))
"""


def run_child(code: str, *args: str) -> dict:
    """Run `code` in a fresh Python; its printed JSON plus its peak RSS in MiB."""
    process = subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    out, err = process.stdout.read(), process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"child failed:\n{err[-3000:]}")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_mib": usage.ru_maxrss / 1024}


def warm(path: Path) -> None:
    """Read the file through once, so that each run starts with it in the page cache: the runs then compare
    the work, not whichever one happened to read the disk first (the kernel here reclaims cache briskly)."""
    with path.open("rb") as fh:
        while fh.read(1 << 24):
            pass


def fresh(path: Path) -> Path:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".spill"), ignore_errors=True)
    return path


def verify(warehouse: Path, planted_csv: Path, rows: int) -> list[str]:
    """What the bar asks of the project's warehouse; an empty list when all holds."""
    import duckdb

    with planted_csv.open(encoding="utf-8") as fh:
        planted = {(int(r["line"]), r["check_name"]) for r in csv.DictReader(fh)}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        failures = set(con.execute("select row_number, check_name from quality.validation_failures "
                                   "where source = 'onestop'").fetchall())
        loaded = con.execute("select count(*) from staging.dossiers").fetchall()[0][0]
        counted = con.execute("select denominator from marts.unit_measures "
                              "where unit_code = 'TPVT' and code = 'CQS-08'").fetchall()[0][0]
    problems = []
    if missing := planted - failures:
        problems.append(f"{len(missing)} planted rows not in validation_failures, e.g. {sorted(missing)[:3]}")
    if extra := failures - planted:
        problems.append(f"{len(extra)} failures not planted, e.g. {sorted(extra)[:3]}")
    if loaded != rows - len(planted) or counted != loaded:
        problems.append(f"rows: {rows} written, {len(planted)} planted, {loaded} loaded, {counted:g} counted")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=REPO / "data" / "bench")
    args = parser.parse_args()

    inbox = args.workdir / f"inbox_{args.rows}"
    planted = inbox / f"planted_{MONTH}.csv"
    if not planted.exists():  # in a process of its own: Linux carries a parent's peak RSS into its children
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "province_month.py"), str(inbox), str(args.rows)],
                       cwd=REPO, check=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    csv_path = next((inbox / MONTH / "onestop").glob("*.csv"))

    project_wh, baseline_wh = args.workdir / "project.duckdb", args.workdir / "baseline.duckdb"
    runs = {"project": [], "baseline": []}
    for n in range(args.runs):
        for name in (("project", "baseline") if n % 2 == 0 else ("baseline", "project")):
            warm(csv_path)
            if name == "project":
                result = run_child(PROJECT, str(inbox), str(fresh(project_wh)))
            else:
                result = run_child(BASELINE, str(csv_path), str(fresh(baseline_wh)))
            runs[name].append(result)
            print(f"run {n + 1} {name:8s} {result['seconds']:6.2f} s  {result['peak_mib']:6.0f} MiB peak RSS")

    median = {name: (statistics.median(r["seconds"] for r in results),
                     statistics.median(r["peak_mib"] for r in results)) for name, results in runs.items()}
    (p_s, p_m), (b_s, b_m) = median["project"], median["baseline"]
    print(f"\n{args.rows:,} dossier rows, median of {args.runs} runs (2 cores):")
    print(f"  project  read→validate→land→measures  {p_s:6.2f} s  {p_m:6.0f} MiB")
    print(f"  baseline read_csv CTAS + GROUP BY      {b_s:6.2f} s  {b_m:6.0f} MiB")
    print(f"  ratio project / baseline              {p_s / b_s:6.2f} ×  {p_m / b_m:6.2f} ×   (bar: ≤ 1.5 ×, ≤ 1.5 ×)")
    problems = verify(project_wh, planted, args.rows)
    print("  planted rows and measures: " + ("all 1,000 planted rows at their lines; every good row counted"
                                             if not problems else "; ".join(problems)))
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
