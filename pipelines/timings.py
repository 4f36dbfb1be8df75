"""Where a `dti run` spent its time: start-up (interpreter, imports, Dagster's instance), each step of the run
(from the run's event log, so the multiprocess path is timed too), and the landing phases each export step
reports (`phases` in its metadata). `dti run` prints them after the month's summary."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field


def process_seconds() -> float:
    """Seconds since this process started (Linux: /proc), interpreter start-up included."""
    try:
        with open("/proc/self/stat", "rb") as fh:
            stat = fh.read()
        started = int(stat[stat.rfind(b")") + 2:].split()[19]) / os.sysconf("SC_CLK_TCK")
        with open("/proc/uptime", "rb") as fh:
            return float(fh.read().split()[0]) - started
    except (OSError, ValueError, IndexError):
        return time.process_time()


@dataclass
class RunTimes:
    startup: float = 0.0                      # process start → the run begins
    run: float = 0.0                          # the run, Dagster's start and end included
    steps: list[tuple[str, float]] = field(default_factory=list)    # (step, seconds), in the order they ran
    phases: dict[str, str] = field(default_factory=dict)           # export step → its landing phases


LAST = RunTimes()


def read_steps(instance, run_ids) -> None:
    """Each step's seconds and the export steps' landing phases, from the runs' event logs, into LAST."""
    starts, steps, phases = {}, [], {}
    for run_id in run_ids:
        for record in instance.all_logs(run_id):
            event = record.dagster_event
            if event is None or record.step_key is None:
                continue
            if event.event_type_value == "STEP_START":
                starts[record.step_key] = record.timestamp
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and record.step_key in starts:
                steps.append((record.step_key, record.timestamp - starts[record.step_key]))
            elif event.event_type_value == "ASSET_MATERIALIZATION":
                said = event.event_specific_data.materialization.metadata.get("phases")
                if said is not None:
                    phases[record.step_key] = said.value
    LAST.steps, LAST.phases = steps, phases


def summary_lines(total: float) -> list[str]:
    """The run's times, in Vietnamese, for the run summary."""
    fmt = lambda s: f"{s:.1f}".replace(".", ",")  # noqa: E731
    ran = sum(s for _, s in LAST.steps)
    lines = [f"Thời gian (giây): tổng {fmt(total)} = khởi động {fmt(LAST.startup)} + chạy {fmt(LAST.run)} "
             f"({len(LAST.steps)} bước, cộng {fmt(ran)}) + tóm tắt {fmt(max(0.0, total - LAST.startup - LAST.run))}"]
    slow = sorted(LAST.steps, key=lambda item: -item[1])[:8]
    if slow:
        lines.append("  bước lâu nhất: " + ", ".join(f"{name} {fmt(s)}" for name, s in slow))
    for name, said in LAST.phases.items():
        lines.append(f"  {name}: {said}")
    return lines
