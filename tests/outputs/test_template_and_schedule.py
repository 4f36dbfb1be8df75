import os
from datetime import datetime

import dagster as dg
import duckdb
from openpyxl import load_workbook

from domain.periods import TZ, ReportMonth
from dti.sample_inbox import write_sample_inbox
from tests.builders import encode_cp1258
from outputs.template import write_templates
from pipelines.definitions import defs
from pipelines.sensors import inbox_sensor


def test_template_writes_30_workbooks_with_validation(tmp_path):
    paths = write_templates(ReportMonth(2024, 6), tmp_path)
    assert len(paths) == 30
    commune = load_workbook(tmp_path / "PHUONG_8_2024-06.xlsx")
    assert commune.sheetnames == ["ThongTinChung", "ChiTieu", "DTI", "Hướng dẫn"]
    assert commune.active.title == "Hướng dẫn"  # it opens on the instructions; the form stays the first sheet
    assert commune["ThongTinChung"]["B3"].value == "PHUONG_8" and commune["ThongTinChung"]["B5"].value == "2024-06"
    dti = commune["DTI"]
    assert dti.max_row == 3 + 82
    assert any(dv.formula1 == '"Có,Không"' for dv in dti.data_validations.dataValidation)
    department = load_workbook(tmp_path / "VHTT_2024-06.xlsx")
    assert department.sheetnames == ["ThongTinChung", "ChiTieu", "Hướng dẫn"]  # departments have no DTI sheet
    assert load_workbook(tmp_path / "TPVT_2024-06.xlsx")["DTI"].max_row == 3 + 85  # the district rubric


def test_schedule_runs_report_month_on_the_13th_and_skips_an_empty_month(tmp_path, monkeypatch):
    monkeypatch.setenv("DTI_INBOX", str(tmp_path))
    schedule = defs.get_schedule_def("monthly_report_schedule")
    assert schedule.cron_schedule == "0 6 13 * *" and schedule.execution_timezone == "Asia/Ho_Chi_Minh"
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2024, 6, 13, 6, tzinfo=TZ),
                                      repository_def=defs.get_repository_def())
    skipped = schedule.evaluate_tick(context)
    assert skipped.run_requests == [] and "2024-06 chưa có tệp nào" in skipped.skip_message
    (tmp_path / "2024-06" / "units").mkdir(parents=True)
    (tmp_path / "2024-06" / "units" / "TPVT.xlsx").write_bytes(b"x")
    request = schedule.evaluate_tick(context).run_requests[0]
    assert request.partition_key == "2024-05-10"  # report month 2024-06


def test_sensor_reruns_the_month_of_a_changed_file(tmp_path, monkeypatch):
    monkeypatch.setenv("DTI_INBOX", str(tmp_path))
    monkeypatch.setenv("DTI_WAREHOUSE", str(tmp_path / "wh" / "dti.duckdb"))  # nothing landed yet
    f = tmp_path / "2024-06" / "units" / "a.xlsx"
    f.parent.mkdir(parents=True)
    f.write_bytes(b"x")
    first = inbox_sensor(dg.build_sensor_context())
    assert [(r.partition_key, r.tags["report_month"]) for r in first.run_requests] == [("2024-05-10", "2024-06")]
    unchanged = inbox_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert unchanged.run_requests == [] and unchanged.skip_reason.skip_message.startswith("Không có tệp mới")
    os.utime(f, (1e9, 1e9))
    again = inbox_sensor(dg.build_sensor_context(cursor=unchanged.cursor))
    assert [r.partition_key for r in again.run_requests] == ["2024-05-10"]
    assert again.run_requests[0].run_key != first.run_requests[0].run_key


def test_cp1258_keeps_vietnamese():
    data = encode_cp1258("Phường Thắng Nhất")
    import unicodedata
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == "Phường Thắng Nhất"


def test_sample_inbox_has_all_sources(tmp_path):
    write_sample_inbox(tmp_path, [ReportMonth(2024, 6)], seed=1)
    month = tmp_path / "2024-06"
    assert sorted(p.name for p in month.iterdir()) == sorted(
        ["onestop", "procedures", "qlvb", "ioc_feedback", "ioc_accounts", "units"])
    assert len(list((month / "units").glob("*.xlsx"))) == 30 + 1 + 1  # 30 units, a resubmission, a misfiled one
    assert {p.suffix for p in (month / "onestop").iterdir()} == {".csv", ".txt", ".xlsx"}


def test_the_executor_follows_the_months_size(tmp_path, monkeypatch):
    from pipelines import jobs

    monkeypatch.setenv("DTI_INBOX", str(tmp_path))
    month = ReportMonth(2024, 6)
    assert jobs.execution_config(month) == jobs.IN_PROCESS            # nothing there yet
    (tmp_path / "2024-06" / "onestop").mkdir(parents=True)
    (tmp_path / "2024-06" / "onestop" / "a.csv").write_bytes(b"x" * 2000)
    monkeypatch.setattr(jobs, "IN_PROCESS_BELOW_BYTES", 2000)
    assert jobs.execution_config(month) == jobs.MULTIPROCESS          # 2000 bytes reach the bar
    schedule = defs.get_schedule_def("monthly_report_schedule")
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2024, 6, 13, 6, tzinfo=TZ),
                                      repository_def=defs.get_repository_def())
    assert schedule.evaluate_tick(context).run_requests[0].run_config == jobs.MULTIPROCESS


def test_a_large_month_runs_each_step_in_a_process_of_its_own(env, monkeypatch):
    from pipelines.launch import run_month
    from tests.builders import ONESTOP_HEADERS
    from pipelines import jobs

    folder = env / "inbox" / "2024-06" / "onestop"
    folder.mkdir(parents=True)
    row = ["H1", "1.000031", "Phường 8", "15/05/2024 08:00", "20/05/2024", "", "Trực tuyến", "Có", "Toàn trình",
           "Có", "0", "Không", "Không", "Không", "A", "0", "0"]
    folder.joinpath("a.csv").write_text(";".join(ONESTOP_HEADERS) + "\n" + ";".join(row) + "\n", encoding="utf-8")
    monkeypatch.setattr(jobs, "IN_PROCESS_BELOW_BYTES", 0)
    assert run_month(ReportMonth(2024, 6))
    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
    assert run.run_config["execution"] == jobs.MULTIPROCESS["execution"]
    assert run.tags["dagster/partition"] == "2024-05-10"
    with duckdb.connect(str(env / "wh" / "dti.duckdb"), read_only=True) as con:
        assert con.execute("select unit_code, numerator, denominator from marts.unit_measures "
                           "where code = 'CQS-08' order by 1").fetchall() == [("PHUONG_8", 1, 1), ("TPVT", 1, 1)]
