"""Running a pandera schema written with its Ibis API inside DuckDB, row by row, with no copy in pandas.

pandera's own `validate` on an Ibis table pulls a failing check's whole
result column into pandas and reports positions, not rows. Here pandera's
Ibis check backend turns each check into an Ibis expression; the checks that
give a boolean column of the table (custom checks) are compiled together into
one SQL query, one scan, that returns the ids of the failing rows with a pass
flag per check (narrow, so that a window check sorts ids, not whole rows);
a second query fetches those rows whole. A built-in check, which gives a
table of its own, runs as a query of its own. pandera stays the one place
the rules are written.
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


def failing_rows(con, relation: str, schema: pa.DataFrameSchema,
                 row_id: str = "_rid") -> Iterator[tuple[str, str | None, pd.DataFrame]]:
    """(check name, column or None, the failing rows) for every check of `schema` that some row fails;
    `row_id` is a column of `relation` that tells its rows apart."""
    register_ibis_backends()
    table = ibis.duckdb.from_connection(con).table(relation)
    checks = [(check, name) for name, column in schema.columns.items() for check in column.checks]
    checks += [(check, None) for check in schema.checks]
    passes, own_tables = {}, []
    for check, column in checks:
        out = IbisCheckBackend(check).apply(IbisData(table, column))
        if isinstance(out, ibis.Table):   # a built-in check: the table positionally joined with its output
            own_tables.append((check, column, out.filter(~out[CHECK_OUTPUT_KEY].fill_null(True))
                               .select(*table.columns)))
        else:                             # a null passes (pandera's ignore_na)
            passes[f"_pass_{len(passes)}"] = (check, column, out.fill_null(True))
    if passes:
        flags = table.select(table[row_id], **{name: expr for name, (_, _, expr) in passes.items()})
        failing = flags.filter(~ibis.and_(*(flags[name] for name in passes)))
        rows = con.execute(str(ibis.to_sql(failing.join(table, row_id), dialect="duckdb"))).df()
        for name, (check, column, _) in passes.items():
            failed = rows[~rows[name].astype(bool)]
            if len(failed):
                yield check.name, column, failed.drop(columns=list(passes))
    for check, column, expr in own_tables:
        rows = con.execute(str(ibis.to_sql(expr, dialect="duckdb"))).df()
        if len(rows):
            yield check.name, column, rows
