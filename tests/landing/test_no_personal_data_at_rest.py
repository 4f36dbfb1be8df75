"""Issue 14: citizens' data is never at rest outside the inbox, not even while a Windows-1258 export is read.

A real `dti run` reads a month whose one-stop export is a million-row Windows-1258 CSV carrying every column of
SPEC §3.1, the personal ones included, with the same ID-card (CCCD) number on every row. The run is killed with
SIGKILL while it reads that export; then no file anywhere outside the inbox (temporary folder, warehouse folder and
its spill folder, DAGSTER_HOME, outputs) may hold the number, in any of the encodings the file could be in.
"""
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

from tests.builders import ONESTOP_HEADERS, encode_cp1258
ROWS = 1_000_000
CCCD = "079188642013"
NAME = "Trần Thị Bí Mật"
UNITS = ["Phường 8", "UBND Phường 1", "Phường Thắng Nhì", "Xã Long Sơn", "P.3", "Phòng Tư pháp"]
DTI = Path(sys.executable).with_name("dti")


def write_export(path: Path) -> int:
    """The export, Windows-1258 as Vietnamese Windows writes it (encode_cp1258, one character at a time as it
    works, each distinct character encoded once), 100,000 rows at a time; returns its size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table: dict[int, str] = {}
    with path.open("wb") as out:
        for start in range(0, ROWS, 100_000):
            rows = [f"HS{i:07d};1.000031;{UNITS[i % len(UNITS)]};{1 + i % 28:02d}/05/2024 08:{i % 60:02d};"
                    f"30/05/2024;29/05/2024 10:00;Trực tuyến;Có;Toàn trình;Có;50.000;Có;Có;Không;{NAME};{CCCD};"
                    f"09{i:08d}" for i in range(start, min(start + 100_000, ROWS))]
            text = unicodedata.normalize("NFC", ("" if start else ";".join(ONESTOP_HEADERS) + "\r\n")
                                         + "\r\n".join(rows) + "\r\n")
            table.update({ord(c): encode_cp1258(c).decode("cp1258") for c in set(text) - set(map(chr, table))
                          if ord(c) > 127})
            out.write(text.translate(table).encode("cp1258"))
    return path.stat().st_size


def process_tree(pid: int) -> list[int]:
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                pass
    return tree


def read_positions(pid: int, path: Path) -> list[int]:
    """Where each descriptor of the run's processes that has the export open stands in it."""
    positions = []
    for proc in process_tree(pid):
        for fd in Path(f"/proc/{proc}/fd").glob("*"):
            try:
                if os.readlink(fd) == str(path):
                    info = Path(f"/proc/{proc}/fdinfo/{fd.name}").read_text()
                    positions.append(int(info.split("pos:")[1].split()[0]))
            except (OSError, IndexError, ValueError):
                pass
    return positions


def test_a_run_killed_while_it_reads_a_windows_1258_export_leaves_no_citizens_data_behind(tmp_path):
    export = tmp_path / "inbox" / "2024-06" / "onestop" / "motcua_2024-06.csv"
    size = write_export(export)
    assert encode_cp1258(NAME) in open(export, "rb").read(1 << 16)
    for folder in ("tmp", "dagster"):
        (tmp_path / folder).mkdir()
    env = {**os.environ, "DTI_INBOX": str(tmp_path / "inbox"), "DTI_WAREHOUSE": str(tmp_path / "wh" / "dti.duckdb"),
           "DAGSTER_HOME": str(tmp_path / "dagster"), "TMPDIR": str(tmp_path / "tmp"),
           "DTI_OUT": str(tmp_path / "outputs")}
    with (tmp_path / "run.log").open("wb") as log:
        run = subprocess.Popen([str(DTI), "run", "2024-06"], env=env, stdout=log, stderr=log, cwd=tmp_path,
                               start_new_session=True)
        try:
            caught, deadline = None, time.monotonic() + 240
            while caught is None and run.poll() is None and time.monotonic() < deadline:
                # mid-file: past the quarter MiB sniffed and the first rows sampled, before the end
                caught = next((p for p in read_positions(run.pid, export) if size // 5 < p < size * 9 // 10), None)
                if caught is None:
                    time.sleep(0.02)
            if caught is not None:
                os.killpg(run.pid, signal.SIGKILL)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert caught is not None, f"the run was never seen reading the export:\n{(tmp_path / 'run.log').read_text()}"
    assert run.returncode == -signal.SIGKILL

    secrets = {CCCD.encode("ascii"), CCCD.encode("utf-16-le"), CCCD.encode("utf-16-be"),   # digits: ASCII = cp1258
               NAME.encode("utf-8"), unicodedata.normalize("NFD", NAME).encode("utf-8"), encode_cp1258(NAME),
               NAME.encode("utf-16-le")}
    left = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(tmp_path / "inbox")]
    assert any(p.is_relative_to(tmp_path / "wh") for p in left)   # the run had started writing the warehouse
    for path in left:
        data = path.read_bytes()
        found = [secret for secret in secrets if secret in data]
        assert not found, f"{path.relative_to(tmp_path)} holds {found} (killed at byte {caught:,} of {size:,})"
