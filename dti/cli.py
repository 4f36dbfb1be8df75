"""The `dti` command: run a report month, write the unit templates, run the demo.

Every command's known faults end in one Vietnamese line on stderr and an exit code of `domain.faults`, never a
traceback (`DtiGroup.main`); `dti --debug` or `DTI_DEBUG=1` shows the traceback instead.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

try:  # typer vendors click (typer._click) from 0.2x on; its usage errors are that click's
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - an older typer on the real click
    from click import exceptions as click_errors

from domain import faults, paths
from domain.faults import BAD_INPUT, NOTHING_TO_DO, STEP_FAILED, UserFault
from domain.periods import ReportMonth
from warehouse.connection import run_lock

EPILOG = ("\b\nMã thoát (exit code):\n" + "\n".join(f"  {code}  {text}" for code, text in faults.EXIT_CODES_VI.items())
          + "\n\n\b\nBiến môi trường:\n"
          "  DTI_INBOX      hộp thư, mặc định data/inbox\n"
          "  DTI_WAREHOUSE  kho DuckDB, mặc định data/warehouse/dti.duckdb\n"
          "  DTI_OUT        nơi ghi báo cáo, tệp phản hồi, biểu mẫu: <DTI_OUT>/<YYYY-MM>/;\n"
          "                 mặc định thư mục outputs cạnh thư mục của kho (data/outputs)\n"
          "  DAGSTER_HOME   mặc định data/dagster\n"
          "  DTI_DEBUG=1    như --debug")


class DtiGroup(TyperGroup):
    """The one place where faults become a Vietnamese line and an exit code (also under CliRunner)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        global _debug
        _debug = os.environ.get("DTI_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")
        try:
            # not standalone: click hands us its usage errors, and an Exit comes back as its code
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()
            code = 0
        except click_errors.UsageError as exc:
            _fail(_usage_message(exc))
            code = BAD_INPUT
        except typer.TyperException as exc:  # the other click errors: a message of their own
            _fail(f"Lệnh chưa chạy được: {exc.format_message()}")
            code = BAD_INPUT
        except typer.Abort:
            _fail("Đã dừng.")
            code = 130
        except Exception as exc:
            if _debug:
                raise
            known = faults.describe(exc)
            if known is None:
                first = (str(exc).strip().splitlines() or [""])[0]
                known = (f"Lỗi ngoài dự kiến ({type(exc).__name__}: {first}); chạy lại với dti --debug ... (hoặc "
                         f"DTI_DEBUG=1) để xem chi tiết và gửi cho nhóm kỹ thuật.", STEP_FAILED)
            _fail(known[0])
            code = known[1]
        if standalone_mode:
            sys.exit(code)
        return code


_debug = False


def _fail(message: str) -> None:
    typer.echo(message, err=True)


def _usage_message(exc: click_errors.UsageError) -> str:
    where = exc.ctx.command_path if exc.ctx else "dti"
    if isinstance(exc, click_errors.NoSuchOption):
        what = f"không có tùy chọn {exc.option_name}"
    elif isinstance(exc, click_errors.MissingParameter) and exc.param is not None:
        what = f"thiếu tham số {exc.param.name}"
    elif isinstance(exc, click_errors.BadParameter):
        what = f"giá trị không hợp lệ ({exc.format_message()})"
    elif match := re.match(r"No such command '([^']*)'", exc.message):
        what = f"không có lệnh {match.group(1)!r}"
    elif exc.message.startswith("Missing command"):
        what = "thiếu tên lệnh"
    else:
        what = exc.format_message()
    return f"Lệnh chưa đúng: {what}; xem {where} --help."


app = typer.Typer(cls=DtiGroup, help="Kho dữ liệu chuyển đổi số (DTI) thành phố Vũng Tàu.", epilog=EPILOG,
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]})
console = Console()


@app.callback()
def _options(debug: bool = typer.Option(False, "--debug", help="Khi có lỗi, hiện đầy đủ dấu vết (traceback) thay "
                                                                 "cho một dòng thông báo")) -> None:
    global _debug
    _debug = _debug or debug


def _say(text: str) -> None:
    """A plain line on stdout: no rich markup in paths or messages, no wrapping inside a path."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _said_written(written: list[Path], heading: str | None = None) -> None:
    _say(heading or "Đã ghi:")
    for path in written:
        _say(f"  {path}")


def _month(value: str) -> ReportMonth:
    try:
        return ReportMonth.parse(value)
    except ValueError:
        raise UserFault(f"Kỳ báo cáo '{value}' không hợp lệ: hãy viết năm và tháng dạng YYYY-MM (ví dụ 2024-06) "
                        f"hoặc MM/YYYY (ví dụ 06/2024).", BAD_INPUT) from None


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME, defaulting to data/dagster, with the repository's dagster.yaml in it."""
    home = Path(os.environ.get("DAGSTER_HOME") or "data/dagster").resolve()
    paths.writable_dir(home, "DAGSTER_HOME")
    if not (home / "dagster.yaml").exists():
        shutil.copy(paths.REPO_DIR / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def run_month(month: ReportMonth, quiet: bool = True) -> bool:
    """Materialise one report month end to end: in this process for a city-sized month, else each step in
    a process of its own (pipelines/jobs.py decides by the size of the month's inbox).

    Crash-safe (pipelines/recovery.py, issue 14): runs of this host whose process died (SIGKILL, OOM, power cut) are
    marked failed and their pool slots freed before this one starts; a wait for the run lock or for the pool's
    slot says who holds it and ends after DTI_WAIT_SECONDS (`recovery.WaitTimeout`, exit code 4); SIGTERM or
    Ctrl+C stop the run at any point, mark it failed, free its slots and the lock (`recovery.RunStopped`)."""
    import signal
    import uuid
    from datetime import datetime, timezone

    ensure_dagster_home()
    import dagster as dg

    from pipelines import recovery

    from pipelines.definitions import defs, monthly_report_job
    from pipelines.jobs import IN_PROCESS, execution_config
    from pipelines.progress import stop_all as stop_progress

    if quiet:
        logging.getLogger("dagster").setLevel(logging.WARNING)
    # the steps' own lines (Vietnamese, one per source) and warnings, not Dagster's event stream; on a terminal
    # a progress bar of the steps prints them (pipelines/progress.py)
    loggers = {"loggers": {"console": {"config": {"log_level": "INFO" if quiet else "DEBUG"}}}}
    if quiet and console.is_terminal:
        steps = len(defs.resolve_job_def("monthly_report").graph.nodes)
        loggers = {"loggers": {"progress": {"config": {"steps": steps}}}}
    tags = {"report_month": str(month), **recovery.process_tags()}  # dti/host, dti/pid: see recovery.recover
    started_at = datetime.now(timezone.utc)
    holder = (f"tiến trình {os.getpid()} trên máy {recovery.host_name()}, kỳ {month}, "
              f"từ {started_at.astimezone():%d/%m/%Y %H:%M:%S}")
    run_ids: set[str] = set()
    with recovery.stop_on_signals() as stops:
        try:
            with run_lock(on_wait=_say, holder=holder), dg.DagsterInstance.get() as instance:
                recovery.wait_for_pool(instance, str(month), _say)
                config = execution_config(month)
                try:
                    with recovery.bounded_slot_waits(instance, str(month), _say, stops) as guard:
                        if config == IN_PROCESS:
                            run_ids.add(run_id := str(uuid.uuid4()))
                            result = defs.resolve_job_def("monthly_report").execute_in_process(
                                partition_key=month.partition_key, instance=instance, raise_on_error=False,
                                tags=tags, run_config=loggers, run_id=run_id)
                        else:
                            console.print("Kỳ báo cáo lớn: mỗi bước chạy trong một tiến trình riêng.")
                            result = dg.execute_job(dg.reconstructable(monthly_report_job), instance=instance,
                                                    run_config={**config, **loggers}, raise_on_error=False,
                                                    tags={**tags, "dagster/partition": month.partition_key})
                finally:
                    stop_progress()
                    with recovery.signals_held():  # the cleanup itself is not cut short by a second signal
                        if config != IN_PROCESS:  # execute_job chooses its run id: find it by its tags
                            run_ids |= recovery.runs_of_this_process(instance, started_at)
                        stopped = stops.requested()
                        recovery.release_runs(
                            instance, run_ids,
                            reason=f"Lần chạy kỳ {month} kết thúc bất thường"
                                   + (f" (dừng theo yêu cầu: {stops.name})" if stopped else "")
                                   + ": ghi là thất bại, chỗ ghi kho đã trả.",
                            note=(f"Dừng theo yêu cầu ({stops.name}) ở tiến trình {os.getpid()}: lần chạy ghi là thất "
                                  f"bại, chỗ ghi kho (nhóm '{recovery.POOL}') và khóa kho đã trả; chạy lại dti run "
                                  f"{month} khi cần.") if stopped else None)
                if stopped and not result.success:
                    raise KeyboardInterrupt
                if guard.timed_out is not None:
                    raise guard.timed_out
        except KeyboardInterrupt:  # SIGTERM/SIGINT (recovery.stop_on_signals) anywhere in the block above
            which = f" ({stops.name})" if stops.drain() is not None else ""
            runs = ", ".join(sorted(r[:8] for r in run_ids))
            raise recovery.RunStopped(
                f"Đã dừng kỳ {month} theo yêu cầu{which}"
                + (f": lần chạy {runs} được ghi là thất bại, chỗ ghi kho và khóa kho đã trả" if runs else
                   " trước khi lần chạy bắt đầu")
                + f"; kỳ chưa chạy xong, chạy lại dti run {month} khi cần.",
                stops.signum or signal.SIGINT) from None
    return result.success


def print_month_summary(month: ReportMonth, wait_seconds: float | None = None) -> None:
    """One account of a month: per source the files and rows of raw.files beside the failure rows of
    quality.validation_failures, every unreadable file with its reason, and the month's failure total last."""
    from warehouse.connection import LOCK_WAIT_SECONDS, connect

    with connect(read_only=True, wait_seconds=LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds) as con:
        rows = con.execute("""
            with f as (select source, count(*) as files, sum(rows_read) as rows_read,
                              sum(rows_loaded) as rows_loaded, sum(rows_rejected) as rows_rejected
                       from raw.files where report_month = $month group by source),
                 v as (select source, count(*) as failures from quality.validation_failures
                       where report_month = $month group by source)
            select source, coalesce(files, 0), coalesce(rows_read, 0), coalesce(rows_loaded, 0),
                   coalesce(rows_rejected, 0), coalesce(failures, 0)
            from f full join v using (source) order by source""", {"month": str(month)}).fetchall()
        unreadable = con.execute("""
            select f.source, f.file_name,
                   coalesce(string_agg(distinct v.message, '; '), 'không đọc được (chưa ghi lý do)')
            from raw.files f
            left join quality.validation_failures v
              on v.report_month = f.report_month and v.source = f.source and v.file_name = f.file_name
             and v.row_number is null
            where f.report_month = ? and not f.readable
            group by f.source, f.file_name order by f.source, f.file_name""", [str(month)]).fetchall()
        whole_file = con.execute("""  -- read, but refused whole or in part without a row to point at (misfiled, ...)
            select v.source, v.file_name, string_agg(distinct v.message, '; ')
            from quality.validation_failures v
            join raw.files f using (report_month, source, file_name)
            where v.report_month = ? and v.row_number is null and f.readable
            group by v.source, v.file_name order by v.source, v.file_name""", [str(month)]).fetchall()
        total = con.execute("select count(*) from quality.validation_failures where report_month = ?",
                            [str(month)]).fetchone()[0]
    table = Table(title=f"Kỳ báo cáo {month}")
    for column in ("Nguồn", "Tệp", "Dòng đọc", "Dòng nạp", "Dòng bị loại", "Lỗi"):
        table.add_column(column, justify="left" if column == "Nguồn" else "right")
    for row in rows:
        table.add_row(*[str(v) for v in row])
    if rows:
        table.add_section()
        table.add_row("Cộng", *[str(sum(r[i] for r in rows)) for i in range(1, 6)])
    console.print(table)
    _say("Dòng bị loại: dòng không vào kho; Lỗi: dòng trong quality.validation_failures (mỗi giá trị sai một "
         "dòng, mỗi tệp không đọc được hay bị loại cả tệp một dòng), xem bằng dti feedback.")
    if unreadable:
        _say(f"Tệp không đọc được ({len(unreadable)}):")
        for source, file_name, reason in unreadable:
            _say(f"  {source}/{file_name}: {reason}")
    if whole_file:
        _say(f"Lỗi của cả tệp hoặc cả trang tính ({len(whole_file)} tệp):")
        for source, file_name, reason in whole_file:
            _say(f"  {source}/{file_name}: {reason}")
    _say(f"Tổng: {total} lỗi trong quality.validation_failures")


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
    _say(f"Hộp thư: {inbox / str(month)}  →  kho: {warehouse}")
    started = time.monotonic()
    ok = run_month(month)
    if ok:
        print_month_summary(month)
    elif warehouse.exists():
        try:  # what the failed run left, if the warehouse can be read at once; the failure is what to tell
            print_month_summary(month, wait_seconds=2)
        except Exception:  # noqa: BLE001
            pass
    if not ok:
        raise _run_failed(month)
    _say(f"Xong trong {time.monotonic() - started:.1f} giây.")
    _said_written([p for p in (warehouse, snapshot_path(warehouse), parquet_dir(warehouse)) if p.exists()])


@app.command()
def template(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY)"),
             out: Path = typer.Option(None, help="Thư mục ghi biểu mẫu; mặc định <DTI_OUT>/<YYYY-MM>/templates")
             ) -> None:
    """Tạo 30 biểu mẫu Excel cho các đơn vị điền số liệu (cho bất kỳ kỳ nào, đã chạy hay chưa)."""
    from outputs.template import write_templates

    month = _month(report_month)
    folder = paths.writable_dir(out or paths.templates_dir(str(month)), "--out" if out else "DTI_OUT")
    written = write_templates(month, folder)
    _said_written(written, f"Đã tạo {len(written)} biểu mẫu:")


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
    _said_written(written, f"Đã tạo {len(written) - 1} tệp cho các đơn vị có lỗi và 1 tệp tổng hợp:")


@app.command()
def report(report_month: str = typer.Argument(..., help="Kỳ báo cáo YYYY-MM (hoặc MM/YYYY)"),
           out: Path = typer.Option(None, help="Thư mục ghi báo cáo; mặc định <DTI_OUT>/<YYYY-MM>"),
           pdf: bool = typer.Option(False, "--pdf", help="Ghi thêm bản PDF (khổ A4, in bằng LibreOffice) để ký số")
           ) -> None:
    """Báo cáo tháng của thành phố (mẫu báo cáo gửi UBND ngày 25), đọc từ bản sao chỉ đọc của kho (kỳ đã chạy)."""
    from outputs.report import write_report

    month = _month(report_month)
    with published_month(month) as con:
        folder = paths.writable_dir(out or paths.month_out_dir(str(month)), "--out" if out else "DTI_OUT")
        path = write_report(con, month, paths.report_path(str(month), folder))
    if pdf:
        from outputs.pdf import to_pdf

        _said_written([path, *to_pdf(path)])
        return
    _said_written([path])


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
    _say(f"Bảng điều khiển: http://{shown}:{port}  (Ctrl+C để dừng), đọc bản sao chỉ đọc {snapshot_path()}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        _say(f"Lưu ý: bảng điều khiển nghe trên {host}, máy khác trong mạng mở được mà không cần đăng nhập; nên để "
             f"127.0.0.1 và công bố qua reverse proxy có đăng nhập (xem README).")
    if not snapshot_path().exists():
        _say("Kho chưa có kỳ nào được công bố: bảng điều khiển sẽ trống đến khi chạy xong dti run YYYY-MM.")
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
        _say("Đã chạy câu lệnh; không có bảng kết quả.")
        return
    table = Table()
    for column in columns:
        table.add_column(column)
    for row in rows[:limit]:
        table.add_row(*["" if v is None else str(v) for v in row])
    console.print(table)
    if len(rows) > limit:
        _say(f"Chỉ hiện {limit} dòng đầu; dùng --limit để xem thêm.")


@app.command()
def docs(out: Path = typer.Option(paths.REPO_DIR / "docs" / "data_dictionary.md", help="Tệp Markdown")) -> None:
    """Viết từ điển dữ liệu (docs/data_dictionary.md) từ chú thích trong kho."""
    from warehouse.dictionary import markdown
    from warehouse.publish import connect_readonly

    _require_snapshot()
    paths.writable_dir(out.parent, "--out")
    with connect_readonly() as con:
        out.write_text(markdown(con), encoding="utf-8")
    _said_written([out])


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
    _say(f"Tạo dữ liệu mẫu trong {inbox} ...")
    written = write_sample_inbox(inbox, month_list, seed=seed)
    _say(f"Đã ghi {written} tệp.")
    for month in month_list:
        _say(f"Chạy kỳ {month} ...")
        if not run_month(month):
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
    _say(f"""  Kho DuckDB:          {wh}  (bản sao chỉ đọc: {snapshot_path(wh)}; Parquet: {parquet_dir(wh)})
    dti sql "from marts.dti_summary order by rank"
  Kết quả từng kỳ:     {paths.out_dir()}/<YYYY-MM>/ (báo cáo, feedback/, templates/)
  Lỗi cần trả đơn vị:  {feedback_dir}/ (một tệp cho mỗi đơn vị có lỗi, _TONG_HOP_{last}.xlsx cho đầu mối)
  Báo cáo tháng:       {report_path}
  Bảng điều khiển:     dti dashboard   → http://127.0.0.1:8501
  Giao diện Dagster:   DAGSTER_HOME={os.environ.get('DAGSTER_HOME')} dagster dev -m pipelines.definitions
""")
    _said_written([inbox, wh, snapshot_path(wh), parquet_dir(wh), report_path, feedback_dir],
                  f"Đã ghi (hộp thư mẫu, kho, {len(feedback_files)} tệp phản hồi, báo cáo):")


def main() -> None:
    """The `dti` entry point; faults are mapped to a Vietnamese line and an exit code in `DtiGroup.main`, which
    `typer.testing.CliRunner` goes through as well."""
    app()


if __name__ == "__main__":
    main()
