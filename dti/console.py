"""What the `dti` commands print: plain lines, the files written, and a month's account after a run."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from domain.periods import ReportMonth

console = Console()


def say(text: str) -> None:
    """A plain line on stdout: no rich markup in paths or messages, no wrapping inside a path."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def said_written(written: list[Path], heading: str | None = None) -> None:
    say(heading or "Đã ghi:")
    for path in written:
        say(f"  {path}")


def print_month_summary(month: ReportMonth, wait_seconds: float | None = None) -> None:
    """One account of a month: per source the files and rows of raw.files beside the failure rows of
    quality.validation_failures, every unreadable file with its reason, and the month's failure total last."""
    from warehouse.connection import LOCK_WAIT_SECONDS, connect, query

    with connect(read_only=True, wait_seconds=LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds) as con:
        rows, unreadable, whole_file = (list(query(con, name, month=str(month)).itertuples(index=False, name=None))
                                        for name in ("month_summary_sources", "month_summary_unreadable",
                                                     "month_summary_whole_file"))
    table = Table(title=f"Kỳ báo cáo {month}")
    for column in ("Nguồn", "Tệp", "Dòng đọc", "Dòng nạp", "Dòng bị loại", "Lỗi"):
        table.add_column(column, justify="left" if column == "Nguồn" else "right")
    for row in rows:
        table.add_row(*[str(v) for v in row])
    if rows:
        table.add_section()
        table.add_row("Cộng", *[str(sum(r[i] for r in rows)) for i in range(1, 6)])
    console.print(table)
    say("Dòng bị loại: dòng không vào kho; Lỗi: dòng trong quality.validation_failures (mỗi giá trị sai một "
        "dòng, mỗi tệp không đọc được hay bị loại cả tệp một dòng), xem bằng dti feedback.")
    for heading, listed in (("Tệp không đọc được ({n}):", unreadable),
                            ("Lỗi của cả tệp hoặc cả trang tính ({n} tệp):", whole_file)):
        if listed:
            say(heading.format(n=len(listed)))
            for source, file_name, reason in listed:
                say(f"  {source}/{file_name}: {reason}")
    say(f"Tổng: {sum(r[5] for r in rows)} lỗi trong quality.validation_failures")
