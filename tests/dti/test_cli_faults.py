"""Every `dti` command refuses what it cannot do in one Vietnamese line with a documented exit code, writes no
workbook when it refuses, and shows no traceback (SPEC §6); `dti run` gives one account of a month."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from domain import faults
from dti.cli import app
from domain.faults import BAD_INPUT, BUSY, NOTHING_TO_DO, PATH_PROBLEM
from domain.paths import inbox_dir, warehouse_path
from warehouse.publish import snapshot_path
from tests.builders import ONESTOP_HEADERS, dossier, write_text

DTI = Path(sys.executable).with_name("dti")


@pytest.fixture
def cli(env, monkeypatch):
    monkeypatch.setenv("DTI_OUT", str(env / "outputs"))
    monkeypatch.delenv("DTI_DEBUG", raising=False)

    def invoke(*args: str):
        return CliRunner().invoke(app, list(args), prog_name="dti")
    return invoke


def xlsx_under(root: Path) -> list[Path]:
    return sorted(root.rglob("*.xlsx"))


def refused(result, code: int, sentence: str) -> None:
    assert result.exit_code == code, result.output
    assert sentence in result.stderr, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def fake_snapshot(months=("2024-06",)) -> None:
    """A published snapshot that holds `months` in marts.dti_summary, without running anything."""
    path = snapshot_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create table marts.dti_summary (report_month varchar, unit_code varchar)")
        for month in months:
            con.execute("insert into marts.dti_summary values (?, 'TPVT')", [month])


def one_file(month="2024-06"):
    write_text(inbox_dir() / month / "onestop" / "a.csv", ONESTOP_HEADERS, [dossier("D1")])


# ---------------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("command", ["run", "report", "feedback", "template", "appraisal", "publish"])
@pytest.mark.parametrize("month", ["2024-13", "tháng sáu", "13/2024", "2024-6-1"])
def test_a_month_not_written_as_a_month_is_bad_input(cli, env, command, month):
    result = cli(command, month)
    refused(result, BAD_INPUT, f"Kỳ báo cáo '{month}' không hợp lệ: hãy viết năm và tháng dạng YYYY-MM")
    assert "Usage" not in result.output and "Error" not in result.output
    assert not xlsx_under(env)


def test_the_real_entry_point_prints_one_line_on_stderr(env):
    proc = subprocess.run([str(DTI), "report", "2024-13"], capture_output=True, text=True, env=os.environ)
    assert proc.returncode == BAD_INPUT
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "Kỳ báo cáo '2024-13' không hợp lệ: hãy viết năm và tháng dạng YYYY-MM (ví dụ 2024-06) hoặc MM/YYYY "
        "(ví dụ 06/2024)."]


def test_a_wrong_command_line_is_bad_input_in_vietnamese(cli):
    refused(cli("bogus"), BAD_INPUT, "Lệnh chưa đúng: không có lệnh 'bogus'; xem dti --help.")
    refused(cli("run"), BAD_INPUT, "Lệnh chưa đúng: thiếu tham số report_month; xem dti run --help.")
    refused(cli("run", "2024-06", "--bogus"), BAD_INPUT, "không có tùy chọn --bogus")


def test_debug_shows_the_traceback_instead(cli, monkeypatch):
    result = cli("--debug", "report", "2024-13")
    assert isinstance(result.exception, faults.UserFault)
    monkeypatch.setenv("DTI_DEBUG", "1")
    assert isinstance(cli("report", "2024-13").exception, faults.UserFault)


def test_help_documents_every_exit_code(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for code, meaning in faults.EXIT_CODES_VI.items():
        assert f"  {code}  {meaning}" in result.output
    assert "DTI_OUT" in result.output and "-h, --help" in result.output


# ---------------------------------------------------------------------------------------------- nothing to do


def test_an_empty_month_is_not_run(cli, env):
    result = cli("run", "2024-09")
    refused(result, NOTHING_TO_DO, "Kỳ báo cáo 2024-09 chưa có tệp nào trong hộp thư")
    assert not warehouse_path().exists() and not xlsx_under(env)


@pytest.mark.parametrize("command", ["report", "feedback", "appraisal", "publish"])
def test_a_month_never_run_writes_no_workbook(cli, env, command):
    fake_snapshot(["2024-06"])
    result = cli(command, "2024-09")
    refused(result, NOTHING_TO_DO, "Kỳ báo cáo 2024-09 chưa được chạy và hộp thư chưa có tệp nào của kỳ")
    one_file("2024-09")
    result = cli(command, "2024-09")
    refused(result, NOTHING_TO_DO, "Kỳ báo cáo 2024-09 chưa được chạy nên kho chưa có số liệu của kỳ: không ghi "
                                   "tệp nào; hãy chạy dti run 2024-09 trước")
    assert not xlsx_under(env)
    assert not (env / "outputs" / "2024-09").exists()


@pytest.mark.parametrize("command", [["report", "2024-06"], ["feedback", "2024-06"], ["sql", "from marts.dti_summary"],
                                     ["docs", "--out", "dict.md"], ["appraisal", "2024-06"], ["publish", "2024-06"]])
def test_nothing_published_yet(cli, env, command):
    result = cli(*command)
    refused(result, NOTHING_TO_DO, "Chưa có kho dữ liệu để đọc")
    assert "hãy chạy dti run YYYY-MM trước" in result.stderr
    assert not xlsx_under(env)


# ---------------------------------------------------------------------------------------------- SQL


@pytest.mark.parametrize("statement, duckdb_says", [
    ("form marts.dti_summary", 'Parser Error: syntax error at or near "form"'),
    ("from marts.dti_sumary", "Catalog Error: Table with name dti_sumary does not exist!"),
    ("select nothing from marts.dti_summary", 'Binder Error: Referenced column "nothing" not found'),
    ("create table marts.x (a int)", "read-only"),
])
def test_an_sql_mistake_shows_duckdbs_own_message(cli, statement, duckdb_says):
    fake_snapshot()
    result = cli("sql", statement)
    refused(result, BAD_INPUT, "Câu lệnh SQL chưa chạy được, DuckDB báo: ")
    assert duckdb_says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "LINE 1" not in result.stderr


def test_a_good_query_still_answers(cli):
    fake_snapshot(["2024-06", "2024-07"])
    result = cli("sql", "select report_month from marts.dti_summary order by 1", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert "2024-06" in result.stdout and "2024-07" not in result.stdout
    assert "Chỉ hiện 1 dòng đầu" in result.stdout


# ---------------------------------------------------------------------------------------------- paths


@pytest.mark.parametrize("where", ["/proc/nope/dti.duckdb", "regular_file/wh/dti.duckdb"])
def test_a_warehouse_folder_that_cannot_be_created(cli, env, monkeypatch, where):
    (env / "regular_file").write_text("not a folder")
    warehouse = where if where.startswith("/") else str(env / where)
    monkeypatch.setenv("DTI_WAREHOUSE", warehouse)
    one_file()
    result = cli("run", "2024-06")
    refused(result, PATH_PROBLEM, f"Không tạo được thư mục {Path(warehouse).parent} (DTI_WAREHOUSE): ")
    assert not xlsx_under(env)


def test_an_output_folder_that_cannot_be_created(cli, env, monkeypatch):
    (env / "regular_file").write_text("not a folder")
    monkeypatch.setenv("DTI_OUT", str(env / "regular_file" / "out"))
    refused(cli("template", "2024-06"), PATH_PROBLEM,
            "(DTI_OUT): một phần của đường dẫn là tệp chứ không phải thư mục")
    refused(cli("template", "2024-06", "--out", "/proc/nope"), PATH_PROBLEM,
            "Không tạo được thư mục /proc/nope (--out): ")
    assert not xlsx_under(env)


def test_os_errors_met_anywhere_are_mapped(tmp_path):
    try:
        (tmp_path / "f").write_text("x")
        (tmp_path / "f" / "g").mkdir()
    except OSError as exc:
        message, code = faults.describe(exc)
    assert code == PATH_PROBLEM and "một phần của đường dẫn là tệp" in message
    message, code = faults.describe(PermissionError(13, "Permission denied", "/srv/dti"))
    assert code == PATH_PROBLEM and message.startswith("Không có quyền truy cập /srv/dti")
    assert faults.describe(ValueError("x")) is None


def test_a_busy_warehouse(tmp_path):
    """DuckDB's own lock error, from a second process holding the file, is mapped to 'busy'."""
    path = tmp_path / "dti.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(path)!r})
        print("held", flush=True)
        time.sleep(60)""")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(duckdb.IOException) as caught:
            duckdb.connect(str(path), read_only=True)
    finally:
        holder.kill()
        holder.wait()
    message, code = faults.describe(caught.value)
    assert code == BUSY and message.startswith("Kho dữ liệu đang bận")


# ---------------------------------------------------------------------------------------------- a real month


def test_a_real_month_one_account_and_outputs_beside_the_warehouse(cli, env):
    month = "2024-06"
    folder = inbox_dir() / month / "onestop"
    write_text(folder / "motcua.csv", ONESTOP_HEADERS, [
        dossier("D1"), dossier("D2", paid="Không"),
        dossier("D3", unit="Phường Không Tồn Tại"),                          # unit that does not resolve
        dossier("D4", resolved="14/05/2024 10:00", due="13/05/2024"),        # result and due before receipt
        dossier("D1"),                                                       # a dossier id seen twice
    ])
    (folder / "hong.xlsx").write_bytes(os.urandom(4096))
    result = cli("run", month)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output

    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        total = con.execute("select count(*) from quality.validation_failures where report_month = ?",
                            [month]).fetchone()[0]
        rejected = con.execute("select sum(rows_rejected) from raw.files where report_month = ?", [month]).fetchone()[0]
        reason = con.execute("select message from quality.validation_failures where file_name = 'hong.xlsx' "
                             "and row_number is null").fetchone()[0]
    assert total > rejected > 0  # one row per rejected value plus the unreadable file: not the rows rejected
    lines = result.stdout.splitlines()
    summary_end = next(i for i, line in enumerate(lines) if line.startswith("Tổng: "))
    assert lines[summary_end] == f"Tổng: {total} lỗi trong quality.validation_failures"
    assert f"  onestop/hong.xlsx: {reason}" in lines[:summary_end]
    assert any("Tệp không đọc được (1):" == line for line in lines[:summary_end])
    cells = [[c.strip() for c in line.strip("│ ").split("│")] for line in lines[:summary_end] if "│" in line]
    assert ["onestop", "2", "5", "2", str(rejected), str(total)] in cells, result.stdout  # files, read, loaded
    assert ["Cộng", "2", "5", "2", str(rejected), str(total)] in cells
    assert lines[-4:] == ["Đã ghi:", f"  {warehouse_path()}", f"  {snapshot_path()}",
                          f"  {warehouse_path().parent / 'parquet'}"]

    # outputs under <DTI_OUT>/<month>/, the paths printed at the end
    outputs = env / "outputs" / month
    report = cli("report", month)
    assert report.exit_code == 0, report.output
    assert report.stdout.splitlines()[-1] == f"  {outputs / f'bao_cao_cds_{month}.xlsx'}"
    feedback = cli("feedback", month)
    assert feedback.exit_code == 0, feedback.output
    assert f"  {outputs / 'feedback' / f'_TONG_HOP_{month}.xlsx'}" in feedback.stdout.splitlines()
    template = cli("template", month)
    assert template.exit_code == 0, template.output
    assert len(list((outputs / "templates").glob("*.xlsx"))) == 30
    assert (outputs / f"bao_cao_cds_{month}.xlsx").exists()  # feedback replaced its own folder only
    assert {p.parent for p in xlsx_under(env) if "inbox" not in p.parts} == {
        outputs, outputs / "feedback", outputs / "templates"}

    # the month now run: a month next to it still refused, nothing written for it
    refused(cli("report", "2024-09"), NOTHING_TO_DO, "Kỳ báo cáo 2024-09 chưa được chạy")
    assert not (env / "outputs" / "2024-09").exists()
