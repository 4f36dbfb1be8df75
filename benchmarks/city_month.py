"""Issue 17's city benchmark: re-running the latest city month, the whole `dti run` command, start-up included.

    .venv/bin/python benchmarks/city_month.py [--runs 3] [--workdir /tmp/bench_city]

It writes the demo's sample inbox (three months; the latest, 2024-08, holds about 10k dossiers, 22k documents
and 30 unit workbooks) into a fresh folder, runs the three months once, as `dti demo` does, then re-runs
2024-08 `--runs` times, each a fresh process as a user types it. It prints each run's wall time (spawn to
exit) and peak RSS, the median against the issue's bar (8 s on 2 cores), and the timed phases the last run's
summary printed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MONTHS = ("2024-06", "2024-07", "2024-08")
BAR_SECONDS = 8.0


def dti(env: dict, *args: str) -> tuple[float, float, str]:
    """Run `python -m dti.cli ARGS`; (wall seconds, peak RSS MiB of it and its waited-for children, output)."""
    began = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "dti.cli", *args], cwd=env["BENCH_DIR"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - began
    text = output.decode("utf-8", errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"dti {' '.join(args)} failed:\n{text[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench_city"))
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    data = args.workdir / "data"
    env = {**os.environ, "BENCH_DIR": str(args.workdir), "DTI_INBOX": str(data / "inbox"),
           "DTI_WAREHOUSE": str(data / "warehouse" / "dti.duckdb"), "DTI_OUT": str(data / "outputs"),
           "DAGSTER_HOME": str(data / "dagster"), "PYTHONPATH": str(REPO), "COLUMNS": "160"}
    sys.path.insert(0, str(REPO))
    from domain.periods import ReportMonth
    from dti.sample_inbox import write_sample_inbox

    write_sample_inbox(data / "inbox", [ReportMonth.parse(m) for m in MONTHS])
    for month in MONTHS:
        dti(env, "run", month)
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; re-running {MONTHS[-1]} {args.runs} times")
    runs = []
    for n in range(args.runs):
        runs.append(dti(env, "run", MONTHS[-1]))
        print(f"  run {n + 1}: {runs[-1][0]:5.2f} s  {runs[-1][1]:5.0f} MiB  (load {os.getloadavg()[0]:.1f})",
              flush=True)
    median = statistics.median(seconds for seconds, _, _ in runs)
    print(f"median {median:.2f} s (bar ≤ {BAR_SECONDS:g} s: {'met' if median <= BAR_SECONDS else 'not met'})")
    lines = runs[-1][2].splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Thời gian")), len(lines))
    for line in lines[start:]:
        if line.startswith("Xong"):
            break
        print("  " + line)


if __name__ == "__main__":
    main()
