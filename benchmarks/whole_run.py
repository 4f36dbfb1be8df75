"""Issue 17's benchmark: a WHOLE `dti run` of a province month against bare DuckDB on the same file.

    .venv/bin/python benchmarks/whole_run.py [--rows 5000000 10000000 20000000] [--runs 3] [--workdir /tmp/bench17]
                                             [--keep]

For each size it writes the month once (benchmarks/province_month.py: a `;`-separated UTF-8 one-stop export
with every SPEC §3.1 column, the citizens' names, ID-card and phone numbers among them, Vietnamese dates and
yes/no, a title row, 1,000 planted bad rows), then runs, alternately (project first in odd runs, baseline
first in even ones), each a fresh process with the file just read through (in the page cache):
- project:  `python -m dti.cli run 2024-06` with DTI_INBOX, DTI_WAREHOUSE and DAGSTER_HOME in a fresh folder:
            the command as a user types it, interpreter start, imports, Dagster and every asset included;
- baseline: `python -c` doing `CREATE TABLE AS SELECT * FROM read_csv(...)` into a fresh DuckDB file and a
            GROUP BY unit of the counts the project computes (sql/unit_measures.sql), start-up included.
Wall time is the process's, from spawn to exit. Peak RSS is that of the largest process of the command's
tree (Dagster's step processes and their forkserver included): /proc of every descendant is sampled every
50 ms for VmHWM (a high-water mark: a sample late in a process's life still sees its peak), and the
command's own rusage is taken at its exit. It prints every run, the medians, their ratios against the
issue's bars, the run summary's phases of the last project run, and checks that run's warehouse: every
planted row in quality.validation_failures at its line with its check, and every other row counted.
The inboxes are deleted at the end unless --keep.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.scale import BASELINE, MONTH, verify, warm  # noqa: E402

BARS = {5_000_000: (1.5, 1.2), 10_000_000: (1.3, 1.2), 20_000_000: (1.3, 1.2)}


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _hwm_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreePeak(threading.Thread):
    """The largest VmHWM seen among a process and its descendants, sampled until stopped."""

    def __init__(self, pid: int, every: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kib, self.largest = pid, every, 0, ""
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            tree, todo = _children(), [self.pid]
            while todo:
                pid = todo.pop()
                todo.extend(tree.get(pid, []))
                kib = _hwm_kib(pid)
                if kib > self.peak_kib:
                    self.peak_kib = kib
                    try:
                        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                        self.largest = " ".join(command.decode(errors="replace").split())[:80]
                    except OSError:
                        pass
            self.done.wait(self.every)


def timed(argv: list[str], env: dict | None = None) -> dict:
    """Run a command; its wall seconds, the peak RSS (MiB) of its tree's largest process, its output."""
    began = time.monotonic()
    process = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sampler = TreePeak(process.pid)
    sampler.start()
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)
    reader.start()
    _, status, usage = os.wait4(process.pid, 0)   # rusage: the command's own and its waited-for descendants'
    seconds = time.monotonic() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    sampler.done.set()
    sampler.join()
    out = b"".join(output).decode("utf-8", errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"{argv[:4]} failed:\n{out[-3000:]}")
    peak_kib = max(sampler.peak_kib, usage.ru_maxrss)
    return {"seconds": seconds, "peak_mib": peak_kib / 1024, "largest": sampler.largest, "out": out}


def project_run(inbox: Path, folder: Path) -> dict:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = {**os.environ, "DTI_INBOX": str(inbox), "DTI_WAREHOUSE": str(folder / "dti.duckdb"),
           "DAGSTER_HOME": str(folder / "dagster"), "COLUMNS": "120"}
    return timed([sys.executable, "-m", "dti.cli", "run", MONTH], env)


def baseline_run(csv_path: Path, folder: Path) -> dict:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return timed([sys.executable, "-c", BASELINE, str(csv_path), str(folder / "baseline.duckdb")])


def phases(out: str) -> list[str]:
    """The run summary's timed phases, as the command printed them."""
    lines = out.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Thời gian")), None)
    return [] if start is None else [line for line in lines[start:] if line.strip()][:30]


def bench_size(rows: int, runs: int, workdir: Path) -> dict:
    inbox = workdir / f"inbox_{rows}"
    planted = inbox / f"planted_{MONTH}.csv"
    if not planted.exists():   # in a process of its own: the writer's memory is no run's
        began = time.monotonic()
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "province_month.py"), str(inbox), str(rows)],
                       cwd=REPO, check=True, env={**os.environ, "PYTHONPATH": str(REPO)},
                       stdout=subprocess.DEVNULL)
        print(f"  wrote {rows:,} rows in {time.monotonic() - began:.0f} s", flush=True)
    csv_path = next((inbox / MONTH / "onestop").glob("*.csv"))
    print(f"{rows:,} rows: {csv_path.stat().st_size / 2**20:,.0f} MiB", flush=True)
    results = {"project": [], "baseline": []}
    for n in range(runs):
        for name in (("project", "baseline") if n % 2 == 0 else ("baseline", "project")):
            warm(csv_path)
            load = os.getloadavg()[0]
            if name == "project":
                result = project_run(inbox, workdir / "project")
            else:
                result = baseline_run(csv_path, workdir / "baseline")
            results[name].append(result)
            print(f"  run {n + 1} {name:8s} {result['seconds']:7.2f} s  {result['peak_mib']:6.0f} MiB "
                  f"(largest: {result['largest'][:60]}; load {load:.1f})", flush=True)
    problems = verify(workdir / "project" / "dti.duckdb", planted, rows)
    print("  planted rows and measures: " + ("all planted rows at their lines; every good row counted"
                                             if not problems else "; ".join(problems)), flush=True)
    median = {name: (statistics.median(r["seconds"] for r in rs), statistics.median(r["peak_mib"] for r in rs))
              for name, rs in results.items()}
    return {"rows": rows, "median": median, "phases": phases(results["project"][-1]["out"]), "ok": not problems}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5_000_000, 10_000_000, 20_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench17"))
    parser.add_argument("--keep", action="store_true", help="keep the written inboxes")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; median of {args.runs} runs each\n", flush=True)
    sizes = []
    try:
        for rows in args.rows:
            sizes.append(bench_size(rows, args.runs, args.workdir))
            for line in sizes[-1]["phases"]:
                print("    " + line)
    finally:
        if not args.keep:
            for rows in args.rows:
                shutil.rmtree(args.workdir / f"inbox_{rows}", ignore_errors=True)
        shutil.rmtree(args.workdir / "project", ignore_errors=True)
        shutil.rmtree(args.workdir / "baseline", ignore_errors=True)
    print("\nrows         project s  baseline s  ratio (bar)    project MiB  baseline MiB  ratio (bar)")
    first_rss = sizes[0]["median"]["project"][1] if sizes else 0
    for size in sizes:
        (p_s, p_m), (b_s, b_m) = size["median"]["project"], size["median"]["baseline"]
        wall_bar, rss_bar = BARS.get(size["rows"], (1.3, 1.2))
        print(f"{size['rows']:>11,}  {p_s:9.2f}  {b_s:10.2f}  {p_s / b_s:5.2f} (≤{wall_bar})  {p_m:11.0f}  "
              f"{b_m:12.0f}  {p_m / b_m:5.2f} (≤{rss_bar})")
    if len(sizes) > 1:
        print(f"project peak RSS at {sizes[-1]['rows']:,} / at {sizes[0]['rows']:,}: "
              f"{sizes[-1]['median']['project'][1] / first_rss:.2f} (bar ≤ 1.1)")
    if not all(s["ok"] for s in sizes):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
