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
import os
import pickle
import signal
import subprocess
import sys
import threading
import traceback
from pathlib import Path

import pandas as pd

from domain.paths import REPO_DIR

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


def serve() -> None:
    """The worker's loop: each request on stdin, `(function name, arguments)`, is answered on stdout,
    `("ok", result)` or `("error", traceback)`, in order, until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl+C reaches the run, which closes stdin when it stops
    requests, answers = sys.stdin.buffer, os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())   # whatever the library prints is not an answer
    while True:
        try:
            name, args = pickle.load(requests)
        except EOFError:   # every answer is written: skip the interpreter's teardown (~0,5 s of collection)
            answers.close()
            os._exit(0)
        try:
            answer = ("ok", globals()[name](*args))
        except Exception:  # noqa: BLE001 - told to the asking process
            answer = ("error", traceback.format_exc(limit=5))
        pickle.dump(answer, answers)
        answers.flush()


# --- in the run's process ------------------------------------------------------------------------------------
class _Worker:
    """`python -m warehouse.expectations` (a fresh interpreter: nothing of the caller's `__main__` is run
    again), asked in order; answers not waited for (the warm-up, data docs) are read before the next one."""

    def __init__(self, docs_dir: Path | None):
        path = os.pathsep.join(p for p in (str(REPO_DIR), os.environ.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen([sys.executable, "-m", "warehouse.expectations"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": path})
        self.unanswered = 0
        self.ask("_warm", docs_dir, wait=False)

    def ask(self, name: str, *args, wait: bool = True):
        pickle.dump((name, args), self.process.stdin)
        self.process.stdin.flush()
        self.unanswered += 1
        if wait:
            self.read_answers(but=1)
            try:
                status, result = pickle.load(self.process.stdout)
            except EOFError:
                raise RuntimeError("great-expectations: tiến trình kiểm tra đã dừng giữa chừng") from None
            self.unanswered -= 1
            if status != "ok":
                raise RuntimeError(f"great-expectations: {result}")
            return result

    def read_answers(self, but: int = 0) -> None:
        while self.unanswered > but:
            status, result = pickle.load(self.process.stdout)
            self.unanswered -= 1
            if status != "ok":  # the warm-up or data docs: a view of verdicts already given
                log.warning("great-expectations: %s", result)

    def stop(self) -> None:
        self.read_answers()
        self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_worker: _Worker | None = None
_lock = threading.Lock()


def start_worker(docs_dir: Path | None = None) -> None:
    """Start the worker (once); it imports great-expectations and opens `docs_dir`'s context at once, so
    that the first check finds them ready."""
    global _worker
    with _lock:
        if _worker is None or _worker.process.poll() is not None:
            _worker = _Worker(docs_dir)


def stop_worker() -> None:
    """Wait for the data docs still being written, then end the worker."""
    global _worker
    with _lock:
        worker, _worker = _worker, None
        if worker is not None:
            worker.stop()


def docs_folder(warehouse: Path) -> Path:
    """Where a warehouse's expectation results and data docs are kept: beside it."""
    return warehouse.parent / "quality_docs"


def docs_index(docs_dir: Path) -> Path:
    return docs_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def validate_frame(frame: pd.DataFrame, name: str, expectations: list[Expectation],
                   docs_dir: Path | None = None) -> tuple[bool, list[str]]:
    """Run the expectations on the frame in the worker; (all passed, what failed and how often). With a
    `docs_dir` the verdict's data docs follow, written while the caller goes on."""
    start_worker(docs_dir)
    with _lock:
        verdict = _worker.ask("_validate", frame, name, expectations, docs_dir)
        if docs_dir is not None:
            _worker.ask("_write_docs", docs_dir, name, wait=False)
    return verdict


if __name__ == "__main__":
    from warehouse.expectations import serve as serve_here   # one copy of the module, the one unpickling uses

    serve_here()
