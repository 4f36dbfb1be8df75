"""The `dti` command: run a report month, query and document the warehouse, open the dashboard, run the demo;
the commands that write outputs are in `dti/output_commands.py`, the app object in `dti/app.py`.

Faults become one Vietnamese line and an exit code in `dti/command_group.py`; what is printed is in
`dti/console.py`; a month is run by `pipelines/launch.py`.
"""
from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import typer
from rich.table import Table

from dti.app import app, month_arg, published_month, require_snapshot, run_failed
from dti.console import console, print_month_summary, said_written, say
from domain import faults, paths
from domain.faults import BAD_INPUT, NOTHING_TO_DO, UserFault
from pipelines.launch import run_month


@app.command()
def run(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY), ví dụ 2024-06")) -> None:
    """Chạy trọn một kỳ báo cáo: đọc hộp thư, kiểm tra, nạp vào kho, tính các bảng tổng hợp."""
    from warehouse.publish import parquet_dir, snapshot_path

    month = month_arg(report_month)
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
        raise run_failed(month)
    from pipelines.timings import process_seconds, summary_lines

    for line in summary_lines(process_seconds()):
        say(line)
    say(f"Xong trong {time.monotonic() - started:.1f} giây.")
    said_written([p for p in (warehouse, snapshot_path(warehouse), parquet_dir(warehouse)) if p.exists()])

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

    require_snapshot()
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

    require_snapshot()
    paths.writable_dir(out.parent, "--out")
    with connect_readonly() as con:
        out.write_text(markdown(con), encoding="utf-8")
    said_written([out])


@app.command()
def demo(months: str = typer.Option("2024-06,2024-07,2024-08", help="Các kỳ báo cáo mẫu, cách nhau dấu phẩy"),
         seed: int = typer.Option(2024, help="Hạt giống ngẫu nhiên của dữ liệu mẫu")) -> None:
    """Tạo hộp thư mẫu (29 đơn vị + TPVT, nhiều kỳ), chạy từng kỳ và chỉ chỗ xem kết quả."""
    from dti.sample_inbox import write_sample_inbox

    month_list = [month_arg(m) for m in months.split(",")]
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
            raise run_failed(month)
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
  Lỗi cần trả đơn vị:  {feedback_dir}/ (một tệp cho mỗi đơn vị: lỗi cần sửa, cơ hội tăng điểm, nhiệm vụ cung cấp; _TONG_HOP_{last}.xlsx cho đầu mối)
  Báo cáo tháng:       {report_path}
  Bảng điều khiển:     dti dashboard   → http://127.0.0.1:8501
  Giao diện Dagster:   DAGSTER_HOME={os.environ.get('DAGSTER_HOME')} dagster dev -m pipelines.definitions
""")
    said_written([inbox, wh, snapshot_path(wh), parquet_dir(wh), report_path, feedback_dir],
                  f"Đã ghi (hộp thư mẫu, kho, {len(feedback_files)} tệp phản hồi, báo cáo):")


# template, feedback, report, appraisal, publish: registered after the commands above, which `dti --help` lists first
from dti import output_commands  # noqa: E402, F401


def main() -> None:
    """The `dti` entry point; faults are mapped to a Vietnamese line and an exit code in `DtiGroup.main`, which
    `typer.testing.CliRunner` goes through as well."""
    try:
        app()
    finally:
        # At exit the interpreter's last garbage collection walks every object a run made (about 1 s after a
        # city month); none of them needs collecting then, so they are moved out of its reach.
        gc.freeze()


if __name__ == "__main__":
    main()
