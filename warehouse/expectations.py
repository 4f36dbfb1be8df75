"""great-expectations on frames read from the warehouse (its DuckDB datasource returns nothing: FACTS.md).

With a `docs_dir`, results are kept in a file context there and its data docs are
rebuilt: `<docs_dir>/gx/uncommitted/data_docs/local_site/index.html` opens in a browser.

Importing great-expectations costs about 2.5 s of CPU, a third of a city month's run. So the library lives in
a worker process of its own (`start_worker`, called as a run begins): it imports while the exports land, on
the other core, and keeps one file context per docs folder. A check waits for its verdict only; the data docs
of that verdict are written meanwhile, and `stop_worker` waits for them as the run ends. Expectations travel
to the worker as `Expectation` specs (a class name and its arguments), which the checks read without the
library.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)


class Expectation:
    """A great-expectations expectation named by its class (`ExpectColumnValuesToBeBetween`) and arguments."""

    def __init__(self, kind: str, **args):
        self.kind, self.args = kind, args

    def build(self):
        import great_expectations.expectations as gxe

        return getattr(gxe, self.kind)(**self.args)


# --- in the worker process -----------------------------------------------------------------------------------
_CONTEXTS: dict[str | None, object] = {}
_RESULTS: dict[str, object] = {}   # the last checkpoint result per docs folder and name, for its data docs


def _context(docs_dir: Path | None):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no network here, and none wanted
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    key = None if docs_dir is None else str(docs_dir)
    if key not in _CONTEXTS:
        if docs_dir is None:
            context = gx.get_context(mode="ephemeral")
        else:
            docs_dir.mkdir(parents=True, exist_ok=True)
            context = gx.get_context(mode="file", project_root_dir=str(docs_dir))
        context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no progress bars in the logs
        _CONTEXTS[key] = context
    return gx, _CONTEXTS[key]


def _warm(docs_dir: Path | None) -> None:
    _context(docs_dir)


def _validate(frame: pd.DataFrame, name: str, expectations: list[Expectation],
              docs_dir: Path | None) -> tuple[bool, list[str]]:
    gx, context = _context(docs_dir)
    source = context.data_sources.add_or_update_pandas("warehouse")
    asset = source.add_dataframe_asset(name)
    batch_definition = asset.add_batch_definition_whole_dataframe(name)
    suite = gx.ExpectationSuite(name=name)
    for expectation in expectations:
        suite.add_expectation(expectation.build())
    suite = context.suites.add_or_update(suite)
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(data=batch_definition, suite=suite, name=name))
    checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(name=name, validation_definitions=[definition]))
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    if docs_dir is not None:
        _RESULTS[f"{docs_dir}/{name}"] = result
    failed = []
    for run_result in result.run_results.values():
        for r in run_result.results:
            if not r.success:
                config = r.expectation_config
                count = (r.result or {}).get("unexpected_count")
                target = config.kwargs.get("column") or config.kwargs.get("column_list") or ""
                failed.append(f"{config.type} {target}{f': {count} dòng' if count is not None else ''}")
    return bool(result.success), failed


def _write_docs(docs_dir: Path, name: str) -> None:
    gx, _ = _context(docs_dir)
    gx.checkpoint.UpdateDataDocsAction(name="data_docs").run(_RESULTS.pop(f"{docs_dir}/{name}"))


# --- in the run's process ------------------------------------------------------------------------------------
_worker: ProcessPoolExecutor | None = None
_docs: list[Future] = []
_lock = threading.Lock()


def start_worker(docs_dir: Path | None = None) -> ProcessPoolExecutor:
    """The worker (one per process, started once); it imports great-expectations and opens `docs_dir`'s
    context at once, so that the first check finds them ready."""
    global _worker
    with _lock:
        if _worker is None:
            _worker = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            _worker.submit(_warm, docs_dir)
        return _worker


def stop_worker() -> None:
    """Wait for the data docs still being written, then end the worker."""
    global _worker
    with _lock:
        worker, _worker = _worker, None
        pending, _docs[:] = list(_docs), []
    for future in pending:
        try:
            future.result()
        except Exception as exc:  # noqa: BLE001 - the docs are a view of verdicts already given
            log.warning("great-expectations data docs not written: %s", exc)
    if worker is not None:
        worker.shutdown(wait=True, cancel_futures=True)


def docs_folder(warehouse: Path) -> Path:
    """Where a warehouse's expectation results and data docs are kept: beside it."""
    return warehouse.parent / "quality_docs"


def docs_index(docs_dir: Path) -> Path:
    return docs_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def validate_frame(frame: pd.DataFrame, name: str, expectations: list[Expectation],
                   docs_dir: Path | None = None) -> tuple[bool, list[str]]:
    """Run the expectations on the frame in the worker; (all passed, what failed and how often). With a
    `docs_dir` the verdict's data docs follow, written while the caller goes on."""
    worker = start_worker(docs_dir)
    verdict = worker.submit(_validate, frame, name, expectations, docs_dir).result()
    if docs_dir is not None:
        with _lock:
            _docs.append(worker.submit(_write_docs, docs_dir, name))
    return verdict
