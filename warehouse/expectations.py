"""great-expectations on frames read from the warehouse (its DuckDB datasource returns nothing: FACTS.md).

With a `docs_dir`, results are kept in a file context there and its data docs are
rebuilt: `<docs_dir>/gx/uncommitted/data_docs/local_site/index.html` opens in a browser.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd


def _context(docs_dir: Path | None):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no network here, and none wanted
    import great_expectations as gx  # ~3 s to import: only when a check runs
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    if docs_dir is None:
        context = gx.get_context(mode="ephemeral")
    else:
        docs_dir.mkdir(parents=True, exist_ok=True)
        context = gx.get_context(mode="file", project_root_dir=str(docs_dir))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no progress bars in Dagster's logs
    return gx, context


def docs_index(docs_dir: Path) -> Path:
    return docs_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def validate_frame(frame: pd.DataFrame, name: str, expectations: list,
                   docs_dir: Path | None = None) -> tuple[bool, list[str]]:
    """Run the expectations on the frame; (all passed, what failed and how often)."""
    gx, context = _context(docs_dir)
    source = context.data_sources.add_or_update_pandas("warehouse")
    asset = source.add_dataframe_asset(name)
    batch_definition = asset.add_batch_definition_whole_dataframe(name)
    suite = gx.ExpectationSuite(name=name)
    for expectation in expectations:
        suite.add_expectation(expectation)
    suite = context.suites.add_or_update(suite)
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(data=batch_definition, suite=suite, name=name))
    actions = [gx.checkpoint.UpdateDataDocsAction(name="data_docs")] if docs_dir is not None else []
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(name=name, validation_definitions=[definition], actions=actions))
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    failed = []
    for run_result in result.run_results.values():
        for r in run_result.results:
            if not r.success:
                config = r.expectation_config
                count = (r.result or {}).get("unexpected_count")
                target = config.kwargs.get("column") or config.kwargs.get("column_list") or ""
                failed.append(f"{config.type} {target}{f': {count} dòng' if count is not None else ''}")
    return bool(result.success), failed
