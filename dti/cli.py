"""The `dti` command: run a report month, write the unit templates, feedback and report, run the demo.

Faults become one Vietnamese line and an exit code in `dti/command_group.py`; what is printed is in
`dti/console.py`; a month is run by `pipelines/launch.py`.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.table import Table

from dti import command_group
from dti.command_group import EPILOG, DtiGroup
from dti.console import console, print_month_summary, said_written, say
from domain import faults, paths
from domain.faults import BAD_INPUT, NOTHING_TO_DO, STEP_FAILED, UserFault
from domain.periods import ReportMonth
from pipelines.launch import run_month


app = typer.Typer(cls=DtiGroup, help="Kho dữ liệu chuyển đổi số (DTI) thành phố Vũng Tàu.", epilog=EPILOG,
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]})


@app.callback()
def _options(debug: bool = typer.Option(False, "--debug", help="Khi có lỗi, hiện đầy đủ dấu vết (traceback) thay "
                                                                 "cho một dòng thông báo")) -> None:
    command_group.debug = command_group.debug or debug


def _month(value: str) -> ReportMonth:
    try:
        return ReportMonth.parse(value)
    except ValueError:
        raise UserFault(f"Kỳ báo cáo '{value}' không hợp lệ: hãy viết năm và tháng dạng YYYY-MM (ví dụ 2024-06) "
                        f"hoặc MM/YYYY (ví dụ 06/2024).", BAD_INPUT) from None


@app.command()
def run(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY), ví dụ 2024-06")) -> None:
    """Chạy trọn một kỳ báo cáo: đọc hộp thư, kiểm tra, nạp vào kho, tính các bảng tổng hợp."""
    from warehouse.publish import parquet_dir, snapshot_path

    month = _month(report_month)
    inbox = paths.inbox_dir()
    if not paths.month_has_files(inbox, str(month)):
        raise UserFault(paths.empty_month_message(inbox, str(month)), NOTHING_TO_DO)
    warehouse = paths.warehouse_path()
    paths.writable_dir(warehouse.parent, "DTI_WAREHOUSE")
    console.print(f"Kỳ báo cáo [bold]{month}[/] (phân vùng Dagster {month.partition_key}): "
                  f"từ {month.start:%d/%m/%Y} đến trước {month.end:%d/%m/%Y}", soft_wrap=True)
    say(f"Hộp thư: {inbox / str(month)}  →  kho: {warehouse}")
    started = time.monotonic()
    ok = run_month(month, say=say, progress=console.is_terminal)
    if ok:
        print_month_summary(month)
    elif warehouse.exists():
        try:  # what the failed run left, if the warehouse can be read at once; the failure is what to tell
            print_month_summary(month, wait_seconds=2)
        except Exception:  # noqa: BLE001
            pass
    if not ok:
        raise _run_failed(month)
    say(f"Xong trong {time.monotonic() - started:.1f} giây.")
    said_written([p for p in (warehouse, snapshot_path(warehouse), parquet_dir(warehouse)) if p.exists()])


@app.command()
def template(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY)"),
             out: Path = typer.Option(None, help="Thư mục ghi biểu mẫu; mặc định <DTI_OUT>/<YYYY-MM>/templates")
             ) -> None:
    """Tạo 30 biểu mẫu Excel cho các đơn vị điền số liệu (cho bất kỳ kỳ nào, đã chạy hay chưa)."""
    from outputs.template import write_templates

    month = _month(report_month)
    folder = paths.writable_dir(out or paths.templates_dir(str(month)), "--out" if out else "DTI_OUT")
    written = write_templates(month, folder)
    said_written(written, f"Đã tạo {len(written)} biểu mẫu:")


def _require_snapshot() -> None:
    """Readers open the published snapshot; before any month was published there is nothing to read."""
    from warehouse.publish import snapshot_path

    if not snapshot_path().exists():
        raise UserFault(f"Chưa có kho dữ liệu để đọc ({snapshot_path()}): chưa kỳ nào chạy xong với DTI_WAREHOUSE="
                        f"{paths.warehouse_path()}; hãy chạy dti run YYYY-MM trước (hoặc đặt DTI_WAREHOUSE cho đúng "
                        f"kho).", NOTHING_TO_DO)


def _run_failed(month: ReportMonth) -> UserFault:
    return UserFault(f"Kỳ {month}: có bước chạy lỗi; xem nhật ký trong giao diện Dagster (DAGSTER_HOME="
                     f"{os.environ.get('DAGSTER_HOME')} dagster dev -m pipelines.definitions).", STEP_FAILED)


@contextmanager
def published_month(month: ReportMonth):
    """The read-only snapshot, open, for a month that was run; for a month that was never run (no row of it in
    marts.dti_summary) a UserFault with exit code 2, before anything is written."""
    import duckdb

    from warehouse.publish import connect_readonly

    _require_snapshot()
    con = connect_readonly()
    try:
        try:
            was_run = con.execute("select count(*) from marts.dti_summary where report_month = ?",
                                  [str(month)]).fetchone()[0] > 0
        except duckdb.CatalogException:
            was_run = False
        if not was_run:
            inbox = paths.inbox_dir()
            if paths.month_has_files(inbox, str(month)):
                raise UserFault(f"Kỳ báo cáo {month} chưa được chạy nên kho chưa có số liệu của kỳ: không ghi tệp "
                                f"nào; hãy chạy dti run {month} trước rồi làm lại.", NOTHING_TO_DO)
            raise UserFault(f"Kỳ báo cáo {month} chưa được chạy và hộp thư chưa có tệp nào của kỳ "
                            f"({inbox / str(month)}): không ghi tệp nào; hãy chép các tệp của kỳ vào đó, chạy "
                            f"dti run {month} rồi làm lại.", NOTHING_TO_DO)
        yield con
    finally:
        con.close()


@app.command()
def feedback(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY)"),
             out: Path = typer.Option(None, help="Thư mục ghi các tệp phản hồi; mặc định <DTI_OUT>/<YYYY-MM>/feedback "
                                                 "(các tệp .xlsx cũ trong thư mục này bị thay)")) -> None:
    """Tạo tệp Excel gửi lại từng đơn vị có lỗi, và tệp tổng hợp cho cán bộ đầu mối (kỳ đã chạy)."""
    from outputs.feedback import write_feedback

    month = _month(report_month)
    with published_month(month) as con:
        folder = paths.writable_dir(out or paths.feedback_dir(str(month)), "--out" if out else "DTI_OUT")
        written = write_feedback(con, month, folder)
    said_written(written, f"Đã tạo {len(written) - 1} tệp cho các đơn vị có lỗi và 1 tệp tổng hợp:")


@app.command()
def report(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY)"),
           out: Path = typer.Option(None, help="Thư mục ghi báo cáo; mặc định <DTI_OUT>/<YYYY-MM>")) -> None:
    """Báo cáo tháng của thành phố (mẫu báo cáo gửi UBND ngày 25), đọc từ bản sao chỉ đọc của kho (kỳ đã chạy)."""
    from outputs.report import write_report

    month = _month(report_month)
    with published_month(month) as con:
        folder = paths.writable_dir(out or paths.month_out_dir(str(month)), "--out" if out else "DTI_OUT")
        path = write_report(con, month, paths.report_path(str(month), folder))
    said_written([path])


@app.command()
def appraisal(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY)"),
              out: Path = typer.Option(None, help="Thư mục ghi phiếu thẩm định; mặc định <DTI_OUT>/<YYYY-MM>/appraisal")
              ) -> None:
    """Tạo phiếu thẩm định điểm DTI cho từng phường, xã (kỳ đã chạy); phiếu đã điền gửi lại vào appraisal/ của kỳ."""
    from datetime import datetime, timedelta

    from domain.periods import TZ
    from outputs.appraisal import write_appraisals
    from warehouse.connection import connect, run_lock
    from warehouse.marts import record_appraisal_round
    from warehouse.publish import publish

    month = _month(report_month)
    with published_month(month) as con:
        folder = paths.writable_dir(out or paths.appraisal_dir(str(month)), "--out" if out else "DTI_OUT")
        written = write_appraisals(con, month, folder)
    issued_at = datetime.now(TZ).replace(tzinfo=None)
    with run_lock(on_wait=say, holder=f"dti appraisal {month}, tiến trình {os.getpid()}"):
        with connect() as con:
            record_appraisal_round(con, month, issued_at)
        publish()
    due = issued_at + timedelta(days=10)
    said_written(written, f"Đã tạo {len(written)} phiếu thẩm định (gửi lại trước {due:%H:%M} ngày {due:%d/%m/%Y}) "
                          f"gửi lại vào {paths.inbox_dir() / str(month) / 'appraisal'}:")


@app.command()
def dashboard(port: int = typer.Option(8501, help="Cổng web"),
              host: str = typer.Option("127.0.0.1", help="Địa chỉ lắng nghe; mặc định chỉ máy này. Muốn cho người "
                                                         "khác xem: đặt sau reverse proxy có đăng nhập (README)")
              ) -> None:
    """Mở bảng điều khiển (Streamlit) đọc bản sao chỉ đọc của kho: http://127.0.0.1:PORT"""
    import subprocess
    import sys

    from warehouse.publish import snapshot_path

    app_path = paths.REPO_DIR / "dashboard" / "app.py"
    shown = f"[{host}]" if ":" in host else host
    say(f"Bảng điều khiển: http://{shown}:{port}  (Ctrl+C để dừng), đọc bản sao chỉ đọc {snapshot_path()}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        say(f"Lưu ý: bảng điều khiển nghe trên {host}, máy khác trong mạng mở được mà không cần đăng nhập; nên để "
             f"127.0.0.1 và công bố qua reverse proxy có đăng nhập (xem README).")
    if not snapshot_path().exists():
        say("Kho chưa có kỳ nào được công bố: bảng điều khiển sẽ trống đến khi chạy xong dti run YYYY-MM.")
    subprocess.run([sys.executable, "-m", "streamlit", "run", str(app_path), "--server.headless", "true",
                    "--server.address", host, "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                   check=False)


@app.command()
def sql(statement: str = typer.Argument(..., help="Câu lệnh SQL, ví dụ: from marts.dti_summary"),
        limit: int = typer.Option(50, help="Số dòng tối đa hiển thị")) -> None:
    """Truy vấn bản sao chỉ đọc của kho (không bao giờ chặn hay bị chặn bởi một lần chạy)."""
    import duckdb

    from warehouse.publish import connect_readonly

    _require_snapshot()
    with connect_readonly() as con:
        try:
            cursor = con.execute(statement)
            columns = [c[0] for c in cursor.description or []]
            rows = cursor.fetchmany(limit + 1) if columns else []
        except duckdb.Error as exc:
            raise UserFault(f"Câu lệnh SQL chưa chạy được, DuckDB báo: {faults.short_duckdb_message(exc)}",
                            BAD_INPUT) from exc
    if not columns:
        say("Đã chạy câu lệnh; không có bảng kết quả.")
        return
    table = Table()
    for column in columns:
        table.add_column(column)
    for row in rows[:limit]:
        table.add_row(*["" if v is None else str(v) for v in row])
    console.print(table)
    if len(rows) > limit:
        say(f"Chỉ hiện {limit} dòng đầu; dùng --limit để xem thêm.")


@app.command()
def docs(out: Path = typer.Option(paths.REPO_DIR / "docs" / "data_dictionary.md", help="Tệp Markdown")) -> None:
    """Viết từ điển dữ liệu (docs/data_dictionary.md) từ chú thích trong kho."""
    from warehouse.dictionary import markdown
    from warehouse.publish import connect_readonly

    _require_snapshot()
    paths.writable_dir(out.parent, "--out")
    with connect_readonly() as con:
        out.write_text(markdown(con), encoding="utf-8")
    said_written([out])


@app.command()
def demo(months: str = typer.Option("2024-06,2024-07,2024-08", help="Các kỳ báo cáo mẫu, cách nhau dấu phẩy"),
         seed: int = typer.Option(2024, help="Hạt giống ngẫu nhiên của dữ liệu mẫu")) -> None:
    """Tạo hộp thư mẫu (29 đơn vị + TPVT, nhiều kỳ), chạy từng kỳ và chỉ chỗ xem kết quả."""
    from dti.sample_inbox import write_sample_inbox

    month_list = [_month(m) for m in months.split(",")]
    inbox = paths.writable_dir(paths.inbox_dir(), "DTI_INBOX")
    wh = paths.warehouse_path()
    paths.writable_dir(wh.parent, "DTI_WAREHOUSE")
    paths.writable_dir(paths.out_dir(), "DTI_OUT")
    say(f"Tạo dữ liệu mẫu trong {inbox} ...")
    written = write_sample_inbox(inbox, month_list, seed=seed)
    say(f"Đã ghi {written} tệp.")
    for month in month_list:
        say(f"Chạy kỳ {month} ...")
        if not run_month(month, say=say, progress=console.is_terminal):
            raise _run_failed(month)
        print_month_summary(month)
    from outputs.feedback import write_feedback
    from warehouse.publish import parquet_dir, snapshot_path
    from outputs.report import write_report

    last = month_list[-1]
    with published_month(last) as con:
        feedback_dir = paths.writable_dir(paths.feedback_dir(str(last)), "DTI_OUT")
        feedback_files = write_feedback(con, last, feedback_dir)
        report_path = write_report(con, last, paths.report_path(str(last)))
    console.print("\n[bold]Xem kết quả ở đâu[/]")
    say(f"""  Kho DuckDB:          {wh}  (bản sao chỉ đọc: {snapshot_path(wh)}; Parquet: {parquet_dir(wh)})
    dti sql "from marts.dti_summary order by rank"
  Kết quả từng kỳ:     {paths.out_dir()}/<YYYY-MM>/ (báo cáo, feedback/, templates/)
  Lỗi cần trả đơn vị:  {feedback_dir}/ (một tệp cho mỗi đơn vị có lỗi, _TONG_HOP_{last}.xlsx cho đầu mối)
  Báo cáo tháng:       {report_path}
  Bảng điều khiển:     dti dashboard   → http://127.0.0.1:8501
  Giao diện Dagster:   DAGSTER_HOME={os.environ.get('DAGSTER_HOME')} dagster dev -m pipelines.definitions
""")
    said_written([inbox, wh, snapshot_path(wh), parquet_dir(wh), report_path, feedback_dir],
                  f"Đã ghi (hộp thư mẫu, kho, {len(feedback_files)} tệp phản hồi, báo cáo):")


def main() -> None:
    """The `dti` entry point; faults are mapped to a Vietnamese line and an exit code in `DtiGroup.main`, which
    `typer.testing.CliRunner` goes through as well."""
    app()


if __name__ == "__main__":
    main()
