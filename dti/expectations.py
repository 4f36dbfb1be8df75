"""great-expectations on a frame read from the warehouse (its DuckDB datasource returns nothing: FACTS.md)."""
from __future__ import annotations

import logging
import os

import pandas as pd


def validate_frame(frame: pd.DataFrame, name: str, expectations: list) -> tuple[bool, list[str]]:
    """Run the expectations in an ephemeral context; (all passed, what failed and how often)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no network here, and none wanted
    os.environ.setdefault("TQDM_DISABLE", "1")               # no progress bars in Dagster's logs
    import great_expectations as gx  # ~3 s to import: only when a check runs

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    batch = (context.data_sources.add_pandas(name).add_dataframe_asset(name)
             .add_batch_definition_whole_dataframe(name).get_batch(batch_parameters={"dataframe": frame}))
    suite = context.suites.add(gx.ExpectationSuite(name=name))
    for expectation in expectations:
        suite.add_expectation(expectation)
    result = batch.validate(suite)
    failed = []
    for r in result.results:
        if not r.success:
            config = r.expectation_config
            count = (r.result or {}).get("unexpected_count")
            failed.append(f"{config.type} {config.kwargs.get('column') or config.kwargs.get('column_list') or ''}"
                          f"{f': {count} dòng' if count is not None else ''}")
    return bool(result.success), failed
