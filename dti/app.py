"""The `dti` application object and what its commands share: the report month argument, and the published
snapshot of a month that was run. The commands are in `dti/cli.py` (running) and `dti/output_commands.py`
(what people receive)."""
from __future__ import annotations

import os
from contextlib import contextmanager

import typer

from dti import command_group
from dti.command_group import EPILOG, DtiGroup
from domain import paths
from domain.faults import BAD_INPUT, NOTHING_TO_DO, STEP_FAILED, UserFault
from domain.periods import ReportMonth

app = typer.Typer(cls=DtiGroup, help="Kho dữ liệu chuyển đổi số (DTI) thành phố Vũng Tàu.", epilog=EPILOG,
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]})


@app.callback()
def _options(debug: bool = typer.Option(False, "--debug", help="Khi có lỗi, hiện đầy đủ dấu vết (traceback) thay "
                                                                 "cho một dòng thông báo")) -> None:
    command_group.debug = command_group.debug or debug


def month_arg(value: str) -> ReportMonth:
    try:
        return ReportMonth.parse(value)
    except ValueError:
        raise UserFault(f"Kỳ báo cáo '{value}' không hợp lệ: hãy viết năm và tháng dạng YYYY-MM (ví dụ 2024-06) "
                        f"hoặc MM/YYYY (ví dụ 06/2024).", BAD_INPUT) from None


def require_snapshot() -> None:
    """Readers open the published snapshot; before any month was published there is nothing to read."""
    from warehouse.publish import snapshot_path

    if not snapshot_path().exists():
        raise UserFault(f"Chưa có kho dữ liệu để đọc ({snapshot_path()}): chưa kỳ nào chạy xong với DTI_WAREHOUSE="
                        f"{paths.warehouse_path()}; hãy chạy dti run YYYY-MM trước (hoặc đặt DTI_WAREHOUSE cho đúng "
                        f"kho).", NOTHING_TO_DO)


def run_failed(month: ReportMonth) -> UserFault:
    return UserFault(f"Kỳ {month}: có bước chạy lỗi; xem nhật ký trong giao diện Dagster (DAGSTER_HOME="
                     f"{os.environ.get('DAGSTER_HOME')} dagster dev -m pipelines.definitions).", STEP_FAILED)


@contextmanager
def published_month(month: ReportMonth):
    """The read-only snapshot, open, for a month that was run; for a month that was never run (no row of it in
    marts.dti_summary) a UserFault with exit code 2, before anything is written."""
    import duckdb

    from warehouse.publish import connect_readonly

    require_snapshot()
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
