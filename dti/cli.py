"""The `dti` command: run a report month, write the unit templates, run the demo."""
from __future__ import annotations

import logging
import os
import shutil
import time
import warnings
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from dti import paths
from dti.periods import ReportMonth
from dti.warehouse import run_lock

app = typer.Typer(help="Kho dữ liệu chuyển đổi số (DTI) thành phố Vũng Tàu", no_args_is_help=True,
                  add_completion=False)
console = Console()


def _month(value: str) -> ReportMonth:
    try:
        return ReportMonth.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME, defaulting to data/dagster, with the repository's dagster.yaml in it."""
    home = Path(os.environ.get("DAGSTER_HOME") or "data/dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(paths.REPO_DIR / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def run_month(month: ReportMonth, quiet: bool = True) -> bool:
    """Materialise one report month end to end: in this process for a city-sized month, else each step in
    a process of its own (pipelines/jobs.py decides by the size of the month's inbox)."""
    ensure_dagster_home()
    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.PreviewWarning)  # partitioned asset checks are "preview"
    from pipelines.definitions import defs, monthly_report_job
    from pipelines.jobs import IN_PROCESS, execution_config

    if quiet:
        logging.getLogger("dagster").setLevel(logging.WARNING)
    # the steps' own lines (Vietnamese, one per source) and warnings, not Dagster's event stream
    loggers = {"loggers": {"console": {"config": {"log_level": "INFO" if quiet else "DEBUG"}}}}
    tags = {"report_month": str(month)}
    waiting = lambda: console.print("Một lần chạy khác đang ghi vào kho: chờ đến lượt ...")  # noqa: E731
    with run_lock(on_wait=waiting), dg.DagsterInstance.get() as instance:
        config = execution_config(month)
        if config == IN_PROCESS:
            result = defs.resolve_job_def("monthly_report").execute_in_process(
                partition_key=month.partition_key, instance=instance, raise_on_error=False, tags=tags,
                run_config=loggers)
        else:
            console.print("Kỳ báo cáo lớn: mỗi bước chạy trong một tiến trình riêng.")
            result = dg.execute_job(dg.reconstructable(monthly_report_job), instance=instance,
                                    run_config={**config, **loggers}, raise_on_error=False,
                                    tags={**tags, "dagster/partition": month.partition_key})
    return result.success


def month_summary(month: ReportMonth) -> Table:
    from dti.warehouse import connect

    table = Table(title=f"Kỳ báo cáo {month}")
    for column in ("Nguồn", "Tệp", "Dòng đọc", "Dòng nạp", "Dòng lỗi"):
        table.add_column(column, justify="right" if column != "Nguồn" else "left")
    with connect(read_only=True) as con:
        for row in con.execute(
                "select source, count(*), sum(rows_read), sum(rows_loaded), sum(rows_rejected) from raw.files "
                "where report_month = ? group by 1 order by 1", [str(month)]).fetchall():
            table.add_row(*[str(v) for v in row])
    return table


@app.command()
def run(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM, ví dụ 2024-06")) -> None:
    """Chạy trọn một kỳ báo cáo: đọc hộp thư, kiểm tra, nạp vào kho, tính các bảng tổng hợp."""
    month = _month(report_month)
    if not paths.month_has_files(paths.inbox_dir(), str(month)):
        Console(stderr=True).print(paths.empty_month_message(paths.inbox_dir(), str(month)), markup=False)
        raise typer.Exit(2)
    console.print(f"Kỳ báo cáo [bold]{month}[/] (phân vùng Dagster {month.partition_key}): "
                  f"từ {month.start:%d/%m/%Y} đến trước {month.end:%d/%m/%Y}")
    console.print(f"Hộp thư: {paths.inbox_dir() / str(month)}  →  kho: {paths.warehouse_path()}")
    started = time.monotonic()
    ok = run_month(month)
    console.print(month_summary(month))
    if not ok:
        console.print("[red]Có bước chạy lỗi; xem nhật ký Dagster (dagster dev -m pipelines.definitions).[/]")
        raise typer.Exit(1)
    console.print(f"Xong trong {time.monotonic() - started:.1f} giây.")


@app.command()
def template(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM"),
             out: Path = typer.Option(Path("data/templates"), help="Thư mục ghi biểu mẫu")) -> None:
    """Tạo 30 biểu mẫu Excel cho các đơn vị điền số liệu."""
    from dti.template import write_templates

    month = _month(report_month)
    written = write_templates(month, out / str(month))
    console.print(f"Đã tạo {len(written)} biểu mẫu trong {out / str(month)}")


@app.command()
def feedback(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM"),
             out: Path = typer.Option(Path("data/feedback"), help="Thư mục ghi các tệp phản hồi")) -> None:
    """Tạo tệp Excel gửi lại từng đơn vị có lỗi, và tệp tổng hợp cho cán bộ đầu mối."""
    from dti.feedback import write_feedback
    from dti.warehouse import connect

    month = _month(report_month)
    with connect(read_only=True) as con:
        written = write_feedback(con, month, out / str(month))
    console.print(f"Đã tạo {len(written) - 1} tệp cho các đơn vị có lỗi và 1 tệp tổng hợp trong {out / str(month)}")


@app.command()
def report(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM"),
           out: Path = typer.Option(Path("data/reports"), help="Thư mục ghi báo cáo")) -> None:
    """Báo cáo tháng của thành phố (mẫu báo cáo gửi UBND ngày 25), đọc từ bản sao chỉ đọc của kho."""
    from dti.publish import connect_readonly
    from dti.report import write_report

    month = _month(report_month)
    with connect_readonly() as con:
        path = write_report(con, month, out / f"bao_cao_cds_{month}.xlsx")
    console.print(f"Đã ghi {path}")


@app.command()
def dashboard(port: int = typer.Option(8501, help="Cổng web")) -> None:
    """Mở bảng điều khiển (Streamlit) đọc bản sao chỉ đọc của kho: http://localhost:PORT"""
    import subprocess
    import sys

    app_path = paths.REPO_DIR / "dashboard" / "app.py"
    console.print(f"Bảng điều khiển: http://localhost:{port}  (Ctrl+C để dừng)")
    subprocess.run([sys.executable, "-m", "streamlit", "run", str(app_path), "--server.headless", "true",
                    "--server.port", str(port), "--browser.gatherUsageStats", "false"], check=False)


@app.command()
def sql(statement: str = typer.Argument(..., help="Câu lệnh SQL, ví dụ: from marts.dti_summary"),
        limit: int = typer.Option(50, help="Số dòng tối đa hiển thị")) -> None:
    """Truy vấn bản sao chỉ đọc của kho (không bao giờ chặn hay bị chặn bởi một lần chạy)."""
    from dti.publish import connect_readonly

    with connect_readonly() as con:
        cursor = con.execute(statement)
        table = Table()
        for column in cursor.description:
            table.add_column(column[0])
        for row in cursor.fetchmany(limit):
            table.add_row(*["" if v is None else str(v) for v in row])
    console.print(table)


@app.command()
def docs(out: Path = typer.Option(paths.REPO_DIR / "docs" / "data_dictionary.md", help="Tệp Markdown")) -> None:
    """Viết từ điển dữ liệu (docs/data_dictionary.md) từ chú thích trong kho."""
    from dti.dictionary import markdown
    from dti.publish import connect_readonly

    with connect_readonly() as con:
        out.write_text(markdown(con), encoding="utf-8")
    console.print(f"Đã ghi {out}")


@app.command()
def demo(months: str = typer.Option("2024-06,2024-07,2024-08", help="Các kỳ báo cáo mẫu, cách nhau dấu phẩy"),
         seed: int = typer.Option(2024, help="Hạt giống ngẫu nhiên của dữ liệu mẫu")) -> None:
    """Tạo hộp thư mẫu (29 đơn vị + TPVT, nhiều kỳ), chạy từng kỳ và chỉ chỗ xem kết quả."""
    from dti.sample_inbox import write_sample_inbox

    month_list = [_month(m) for m in months.split(",")]
    inbox = paths.inbox_dir()
    console.print(f"Tạo dữ liệu mẫu trong {inbox} ...")
    written = write_sample_inbox(inbox, month_list, seed=seed)
    console.print(f"Đã ghi {written} tệp.")
    for month in month_list:
        console.print(f"Chạy kỳ {month} ...")
        if not run_month(month):
            console.print(f"[red]Kỳ {month} chạy lỗi.[/]")
            raise typer.Exit(1)
        console.print(month_summary(month))
    from dti.feedback import write_feedback
    from dti.publish import connect_readonly
    from dti.report import write_report

    last = month_list[-1]
    with connect_readonly() as con:
        feedback_dir = Path("data/feedback") / str(last)
        write_feedback(con, last, feedback_dir)
        report_path = write_report(con, last, Path("data/reports") / f"bao_cao_cds_{last}.xlsx")
    wh = paths.warehouse_path()
    console.print(f"""
[bold]Xem kết quả ở đâu[/]
  Kho DuckDB:          {wh}  (bản sao chỉ đọc: {wh.parent / "snapshot" / wh.name}; Parquet: {wh.parent / "parquet"})
    dti sql "from marts.dti_summary order by rank"
  Lỗi cần trả đơn vị:  {feedback_dir}/ (một tệp cho mỗi đơn vị có lỗi, _TONG_HOP_{last}.xlsx cho đầu mối)
  Báo cáo tháng:       {report_path}
  Bảng điều khiển:     dti dashboard   → http://localhost:8501
  Giao diện Dagster:   DAGSTER_HOME={os.environ.get('DAGSTER_HOME')} dagster dev -m pipelines.definitions
""")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
