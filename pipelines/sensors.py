"""A new, changed or removed file in the inbox re-runs its report month.

The sensor watches the files a run reads: `<inbox>/<YYYY-MM>/<source>/<file>` with a suffix the source's reader
takes, neither hidden (`.`) nor an Excel lock file (`~$`), as `sources.inbox.list_files` lists them. A file's
fingerprint is its size and modification time, the latter as the naive local time `raw.files.modified_at` holds.

The cursor, which Dagster keeps in the instance storage under DAGSTER_HOME (it outlives a restart of the code
location or of `dagster dev`), holds the fingerprints seen at the last evaluation: a month is asked for when one
of its files was added, changed or removed since. With no cursor (the sensor's first evaluation on an instance,
or a cursor of an older shape) the baseline is what the warehouse landed: `raw.files` of the published snapshot
(never the live file, which a run may hold). So a month whose files were all landed as they are now is not asked
for again when `dagster dev` starts. A month's run also refreshes the later months of its year (asset
`later_months_refreshed`): they need no request of their own.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg
import duckdb

from sources.inbox import list_files
from domain.paths import inbox_dir, warehouse_path
from domain.periods import ReportMonth
from warehouse.publish import snapshot_path
from pipelines.jobs import execution_config, monthly_job
from assets.partitions import REPORT_MONTH_TAG
from sources.formats import EXCEL_SUFFIXES, SUFFIXES

CURSOR_VERSION = 2
State = dict[str, list]  # {"2024-06/units/TPVT.xlsx": [size in bytes, "2024-06-11T08:30:00.123456"]}


def _report_month(name: str) -> ReportMonth | None:
    try:
        month = ReportMonth.parse(name)
    except ValueError:
        return None
    return month if str(month) == name else None  # runs read <inbox>/<YYYY-MM>/ only


def inbox_state(root: Path) -> State:
    """The fingerprint of every file a run of its month would read."""
    state: State = {}
    if not root.is_dir():
        return state
    for month_dir in sorted(root.iterdir()):
        if not month_dir.is_dir() or _report_month(month_dir.name) is None:
            continue
        for source_dir in sorted(month_dir.iterdir()):
            if not source_dir.is_dir() or source_dir.name.startswith("."):
                continue
            suffixes = EXCEL_SUFFIXES if source_dir.name in ("units", "appraisal") else SUFFIXES
            try:
                files = list_files(source_dir, suffixes, digests=False)
            except OSError:  # a file removed while listed: the next evaluation sees the folder as it settled
                continue
            for file in files:
                state[f"{month_dir.name}/{source_dir.name}/{file.name}"] = [file.size_bytes,
                                                                             file.modified_at.isoformat()]
    return state


def landed_state(warehouse: Path | None = None) -> State:
    """The same fingerprints of the files the warehouse landed (`raw.files` of the published snapshot)."""
    snapshot = snapshot_path(warehouse or warehouse_path())
    if not snapshot.exists():
        return {}
    try:
        with duckdb.connect(str(snapshot), read_only=True) as con:
            rows = con.execute("select report_month, source, file_name, size_bytes, modified_at from raw.files"
                               ).fetchall()
    except duckdb.Error:  # a snapshot without raw.files, or one being replaced: nothing counts as landed
        return {}
    return {f"{month}/{source}/{name}": [size, modified.isoformat() if modified else None]
            for month, source, name, size, modified in rows}


def read_cursor(cursor: str | None) -> State | None:
    """The fingerprints of the last evaluation; None for no cursor or one of an older shape."""
    try:
        value = json.loads(cursor) if cursor else None
    except ValueError:
        return None
    if isinstance(value, dict) and value.get("version") == CURSOR_VERSION and isinstance(value.get("files"), dict):
        return value["files"]
    return None


def changed_files(before: State, now: State) -> dict[str, list[str]]:
    """{month: the files added, changed or removed}."""
    changed: dict[str, list[str]] = {}
    for rel in sorted(before.keys() | now.keys()):
        if before.get(rel) != now.get(rel):
            changed.setdefault(rel.split("/", 1)[0], []).append(rel.split("/", 1)[1])
    return changed


def _run_key(month: str, now: State) -> str:
    files = {rel: fingerprint for rel, fingerprint in now.items() if rel.startswith(month + "/")}
    return f"{month}:{hashlib.blake2b(json.dumps(files, sort_keys=True).encode(), digest_size=8).hexdigest()}"


@dg.sensor(job=monthly_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Tệp mới, thay đổi hoặc bị xoá trong hộp thư <DTI_INBOX>/<YYYY-MM>/<nguồn>/: chạy lại kỳ "
                       "báo cáo của tệp đó (kỳ 2024-06 = phân vùng Dagster 2024-05-10). Lần đánh giá đầu tiên so với "
                       "các tệp kho đã nạp (raw.files của bản sao công bố), nên khởi động lại Dagster không chạy lại "
                       "kỳ nào nếu không có tệp nào đổi.")
def inbox_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    root = inbox_dir()
    now = inbox_state(root)
    before = read_cursor(context.cursor)
    first = before is None
    if first:
        before = landed_state()
    months_with_files = {rel.split("/", 1)[0] for rel in now}
    requests = []
    for name, files in changed_files(before, now).items():
        month = ReportMonth.parse(name)
        if name not in months_with_files:  # a month emptied is not run (SPEC §6); its rows stay as landed
            context.log.info(f"Kỳ {month}: hộp thư không còn tệp nào, không chạy lại.")
            continue
        shown = ", ".join(files[:3]) + (f" và {len(files) - 3} tệp khác" if len(files) > 3 else "")
        context.log.info(f"Kỳ {month} (phân vùng {month.partition_key}): {len(files)} tệp mới, thay đổi hoặc bị xoá "
                         f"({shown}); yêu cầu chạy lại kỳ này.")
        requests.append(dg.RunRequest(run_key=_run_key(name, now), partition_key=month.partition_key,
                                      run_config=execution_config(month), tags={REPORT_MONTH_TAG: str(month)}))
    cursor = json.dumps({"version": CURSOR_VERSION, "files": now}, sort_keys=True)
    if requests:
        return dg.SensorResult(run_requests=requests, cursor=cursor)
    skip = ("Lần đánh giá đầu tiên: mọi tệp trong hộp thư đã được nạp đúng như hiện có (raw.files của bản sao công "
            "bố), không cần chạy lại kỳ nào." if first else
            f"Không có tệp mới, thay đổi hay bị xoá trong hộp thư {root} từ lần đánh giá trước.")
    return dg.SensorResult(skip_reason=skip, cursor=cursor)
