"""The `dti` commands that write what people receive, each from the published snapshot of a month that was run
(except `template`, for any month): templates, feedback, the report, the appraisal workbooks, a published
version. Registered on `dti.app.app` when `dti/cli.py` imports this module."""
from __future__ import annotations

import os
from pathlib import Path

import typer

from dti.app import app, month_arg, published_month
from dti.console import said_written, say
from domain import paths


@app.command()
def template(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY)"),
             out: Path = typer.Option(None, help="Thư mục ghi biểu mẫu; mặc định <DTI_OUT>/<YYYY-MM>/templates")
             ) -> None:
    """Tạo 30 biểu mẫu Excel cho các đơn vị điền số liệu (cho bất kỳ kỳ nào, đã chạy hay chưa)."""
    from outputs.template import write_templates

    month = month_arg(report_month)
    folder = paths.writable_dir(out or paths.templates_dir(str(month)), "--out" if out else "DTI_OUT")
    written = write_templates(month, folder)
    said_written(written, f"Đã tạo {len(written)} biểu mẫu:")

@app.command()
def feedback(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY)"),
             out: Path = typer.Option(None, help="Thư mục ghi các tệp phản hồi; mặc định <DTI_OUT>/<YYYY-MM>/feedback "
                                                 "(các tệp .xlsx cũ trong thư mục này bị thay)")) -> None:
    """Tạo tệp Excel gửi lại từng đơn vị có lỗi, và tệp tổng hợp cho cán bộ đầu mối (kỳ đã chạy)."""
    from outputs.feedback import write_feedback

    month = month_arg(report_month)
    with published_month(month) as con:
        folder = paths.writable_dir(out or paths.feedback_dir(str(month)), "--out" if out else "DTI_OUT")
        written = write_feedback(con, month, folder)
    said_written(written, f"Đã tạo {len(written) - 1} tệp cho các đơn vị (lỗi cần sửa, cơ hội tăng điểm của phường, xã, "
                          f"nhiệm vụ cung cấp của phòng ban) và 1 tệp tổng hợp:")


@app.command()
def report(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY)"),
           out: Path = typer.Option(None, help="Thư mục ghi báo cáo; mặc định <DTI_OUT>/<YYYY-MM>"),
           pdf: bool = typer.Option(False, "--pdf", help="Ghi thêm bản PDF (khổ A4, in bằng LibreOffice) để ký số")
           ) -> None:
    """Báo cáo tháng của thành phố (mẫu báo cáo gửi UBND ngày 25), đọc từ bản sao chỉ đọc của kho (kỳ đã chạy)."""
    from outputs.report import write_report

    month = month_arg(report_month)
    with published_month(month) as con:
        folder = paths.writable_dir(out or paths.month_out_dir(str(month)), "--out" if out else "DTI_OUT")
        path = write_report(con, month, paths.report_path(str(month), folder))
    if pdf:
        from outputs.pdf import to_pdf

        said_written([path, *to_pdf(path)])
        return
    said_written([path])


@app.command()
def appraisal(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY)"),
              out: Path = typer.Option(None, help="Thư mục ghi phiếu thẩm định; mặc định <DTI_OUT>/<YYYY-MM>/appraisal")
              ) -> None:
    """Tạo phiếu thẩm định điểm DTI cho từng phường, xã (kỳ đã chạy); phiếu đã điền gửi lại vào appraisal/ của kỳ."""
    from datetime import timedelta

    from domain.periods import local_now
    from outputs.appraisal import write_appraisals
    from warehouse.connection import connect, run_lock
    from warehouse.marts import record_appraisal_round
    from warehouse.publish import publish

    month = month_arg(report_month)
    with published_month(month) as con:
        folder = paths.writable_dir(out or paths.appraisal_dir(str(month)), "--out" if out else "DTI_OUT")
        written = write_appraisals(con, month, folder)
    issued_at = local_now()
    with run_lock(on_wait=say, holder=f"dti appraisal {month}, tiến trình {os.getpid()}"):
        with connect() as con:
            record_appraisal_round(con, month, issued_at)
        publish()
    due = issued_at + timedelta(days=10)
    said_written(written, f"Đã tạo {len(written)} phiếu thẩm định; phiếu đã điền gửi lại vào "
                          f"{paths.inbox_dir() / str(month) / 'appraisal'} trước {due:%H:%M} ngày {due:%d/%m/%Y}:")


@app.command("publish")
def publish_month(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY)"),
                  out: Path = typer.Option(None, help="Thư mục ghi báo cáo của phiên bản; mặc định "
                                                      "<DTI_OUT>/<YYYY-MM>/published")) -> None:
    """Công bố kỳ (đã chạy): đóng băng tổng hợp, điểm và báo cáo thành một phiên bản đánh số; các lần chạy sau
    làm thay đổi số đã công bố được ghi vào marts.restatements."""

    from domain.periods import local_now
    from outputs.report import write_report
    from warehouse.connection import connect, run_lock
    from warehouse.publish import publish
    from warehouse.versions import next_version, publish_version

    month = month_arg(report_month)
    with published_month(month):
        pass  # a month never run is refused before anything is written
    folder = paths.writable_dir(out or paths.month_out_dir(str(month)) / "published", "--out" if out else "DTI_OUT")
    with run_lock(on_wait=say, holder=f"dti publish {month}, tiến trình {os.getpid()}"):
        with connect() as con:
            version = next_version(con, month)
            report_file = folder / f"bao_cao_cds_{month}_v{version}.xlsx"
            publish_version(con, month, version, local_now(), str(report_file))
        publish()
    with published_month(month) as con:
        write_report(con, month, report_file)
    said_written([report_file], f"Đã công bố kỳ {month}, phiên bản {version} (marts.published_summary, "
                                f"marts.published_scores):")
