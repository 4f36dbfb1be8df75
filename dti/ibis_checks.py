"""Running a pandera schema written with its Ibis API inside DuckDB, row by row, with no copy in pandas.

pandera's own `validate` on an Ibis table pulls a failing check's whole
result column into pandas and reports positions, not rows. Here each check
is compiled by pandera's Ibis check backend into an Ibis expression, then to
SQL, and DuckDB returns only the failing rows, whole: their line numbers and
files travel with them. pandera stays the one place the rules are written.
"""
from __future__ import annotations

from collections.abc import Iterator

import ibis
import pandas as pd
import pandera.ibis as pa
from pandera.api.ibis.types import IbisData
from pandera.backends.ibis.checks import IbisCheckBackend
from pandera.backends.ibis.register import register_ibis_backends
from pandera.constants import CHECK_OUTPUT_KEY


def _failing(table: ibis.Table, check: pa.Check, column: str | None) -> ibis.Table:
    """The rows of `table` the check fails; a null passes (pandera's ignore_na)."""
    out = IbisCheckBackend(check).apply(IbisData(table, column))
    if isinstance(out, ibis.Table):  # built-in checks: the table positionally joined with the check's output
        return out.filter(~out[CHECK_OUTPUT_KEY].fill_null(True)).select(*table.columns)
    return table.filter(~out.fill_null(True))


def failing_rows(con, relation: str, schema: pa.DataFrameSchema) -> Iterator[tuple[str, str | None, pd.DataFrame]]:
    """(check name, column or None, the failing rows) for every check of `schema` that some row fails."""
    register_ibis_backends()
    table = ibis.duckdb.from_connection(con).table(relation)
    checks = [(check, name) for name, column in schema.columns.items() for check in column.checks]
    checks += [(check, None) for check in schema.checks]
    for check, column in checks:
        sql = ibis.to_sql(_failing(table, check, column), dialect="duckdb")
        rows = con.execute(str(sql)).df()
        if len(rows):
            yield check.name, column, rows
