"""Published versions of a month (issue 16): `dti publish` freezes the month's summary, scores and report as a
numbered version; each later run logs the published figures it changed (marts.restatements). DHIS2 rebuilds
its analytics and published figures can shift; ours stay put, and every shift is on record with its cause."""
from __future__ import annotations

from datetime import datetime

import duckdb

from domain.periods import ReportMonth
from warehouse.connection import query, run_sql


def next_version(con: duckdb.DuckDBPyConnection, month: ReportMonth) -> int:
    return con.execute("select coalesce(max(version), 0) + 1 from marts.publications where report_month = ?",
                       [str(month)]).fetchone()[0]


def publish_version(con: duckdb.DuckDBPyConnection, month: ReportMonth, version: int, published_at: datetime,
                    report_file: str) -> None:
    run_sql(con, "publish_month", report_month=str(month), version=version, published_at=published_at,
            report_file=report_file, year_start=month.year_start)


def log_restatements(con: duckdb.DuckDBPyConnection, run_month: ReportMonth, detected_at: datetime) -> int:
    """Log what this run changed of the published figures; returns how many rows it added."""
    before = con.execute("select count(*) from marts.restatements").fetchone()[0]
    run_sql(con, "restatements", run_month=str(run_month), detected_at=detected_at)
    return con.execute("select count(*) from marts.restatements").fetchone()[0] - before


def latest_publication(con: duckdb.DuckDBPyConnection, month: str) -> tuple[int, datetime, int] | None:
    """(version, published at, figures changed since) of the month's latest published version; None if none."""
    found = query(con, "latest_publication", report_month=month)
    if found.empty:
        return None
    row = found.iloc[0]
    return int(row["version"]), row["published_at"], int(row["pending"])
