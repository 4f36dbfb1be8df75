"""What `dti run` shows while a month runs on a terminal: each step's own line (one per source: files and
rows read, loaded, rejected) as it comes, prefixed with how many of the run's steps are done, `[8/27]`.
Elsewhere (a log file, the schedule, CI) Dagster's console logger prints the same lines plainly.

A live rich bar was tried and dropped: Dagster hands its loggers' records over in a way that left the bar's
line on screen beside each printed line; counted lines read the same in a terminal and in a scroll-back.
"""
from __future__ import annotations

import logging
import sys

import dagster as dg
from rich.console import Console

STEP_DONE = {"STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"}


class StepLines(logging.Handler):
    def __init__(self, steps: int):
        super().__init__(level=logging.DEBUG)
        self.steps, self.done = steps, 0
        self.console = Console(file=sys.__stdout__)  # not the step's captured stdout

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is not None:
            if event.event_type_value in STEP_DONE:
                self.done += 1
            if event.event_type_value == "STEP_FAILURE":
                self.console.print(f"[{self.done}/{self.steps}] [red]Bước {meta.get('step_key')} lỗi[/]")
        elif record.levelno >= logging.INFO:  # the steps' own Vietnamese lines, and warnings
            style = "yellow" if record.levelno >= logging.WARNING else None
            self.console.print(f"[{self.done}/{self.steps}] " + meta.get("orig_message", record.getMessage()),
                               markup=False, highlight=False, style=style)


@dg.logger(config_schema={"steps": int}, description="Tiến độ trên màn hình: các bước của một kỳ báo cáo")
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger("dti.progress")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.handlers = [StepLines(init_context.logger_config["steps"])]
    return logger


def stop_all() -> None:
    """Nothing stays on screen between runs (kept for run_month's cleanup)."""
