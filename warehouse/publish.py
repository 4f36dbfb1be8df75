"""Publishing what readers open: a read-only copy of the warehouse and Parquet files of the marts.

DuckDB lets no other process open a file while a writer holds it, so analysts,
the dashboard and BI tools read a snapshot taken after each committed month;
they never wait for a run and never see half a month.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from domain.paths import warehouse_path

MART_TABLES = ("marts.indicator_attainment", "marts.dti_scores", "marts.dti_summary", "marts.submission_status",
               "marts.unit_measures", "quality.validation_failures")


def snapshot_path(warehouse: Path | None = None) -> Path:
    warehouse = Path(warehouse or warehouse_path())
    return warehouse.parent / "snapshot" / warehouse.name


def parquet_dir(warehouse: Path | None = None) -> Path:
    return Path(warehouse or warehouse_path()).parent / "parquet"


def publish(warehouse: Path | None = None) -> Path:
    """Checkpoint the warehouse, copy it beside itself, swap the copy in; then write the Parquet files.

    Call with no connection to the warehouse open in this process.
    """
    warehouse = Path(warehouse or warehouse_path())
    with duckdb.connect(str(warehouse)) as con:
        con.execute("checkpoint")
    target = snapshot_path(warehouse)
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_suffix(".incoming")
    shutil.copyfile(warehouse, incoming)
    os.replace(incoming, target)  # a reader that has the old snapshot open keeps it until it closes
    _write_parquet(target, parquet_dir(warehouse))
    return target


def _write_parquet(snapshot: Path, folder: Path) -> None:
    staging = folder.with_name(folder.name + ".incoming")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with duckdb.connect(str(snapshot), read_only=True) as con:
        for table in MART_TABLES:
            con.execute(f"copy (select * from {table} order by all) to '{staging / (table + '.parquet')}' "
                        "(format parquet)")
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(staging, folder)
    shutil.rmtree(old, ignore_errors=True)


def connect_readonly(snapshot: Path | None = None) -> duckdb.DuckDBPyConnection:
    """What analysts and the dashboard open: the latest published snapshot, read-only."""
    return duckdb.connect(str(snapshot or snapshot_path()), read_only=True)
