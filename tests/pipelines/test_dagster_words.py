"""Dagster in the steward's words: report months beside partition keys, Vietnamese check results with their
evidence, and an inbox sensor that asks for nothing when nothing changed, across restarts."""
import importlib
import os
import subprocess
import sys

import dagster as dg
import pytest
from dagster._core.scheduler.instigation import (InstigatorState, InstigatorStatus, InstigatorType,
                                                 SensorInstigatorData)
from dagster._core.test_utils import in_process_test_workspace
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

from sources.inbox import list_files
from domain.paths import REPO_DIR, inbox_dir
from domain.periods import ReportMonth
from warehouse.publish import snapshot_path
from tests.builders import ONESTOP_HEADERS, dossier, write_text
from warehouse.connection import connect, replace_rows
from schemas.manifest import manifest_frame, manifest_record
from sources.formats import SUFFIXES

JUNE, JULY = ReportMonth(2024, 6), ReportMonth(2024, 7)


def _inbox_month(inbox, month: ReportMonth, bad_row: bool = False):
    rows = [dossier("H1")] + ([dossier("H2", received="31/02/2024 08:00")] if bad_row else [])
    write_text(inbox / str(month) / "onestop" / "a.csv", ONESTOP_HEADERS, rows, sep=";")
    write_text(inbox / str(month) / "onestop" / "b.csv", ONESTOP_HEADERS, [dossier("H3")], sep=";")


def _land_as_the_warehouse_would(months: list[ReportMonth]) -> None:
    """raw.files of the published snapshot, written as the landing writes it."""
    inbox = inbox_dir()
    with connect(snapshot_path()) as con:
        for month in months:
            files = list_files(inbox / str(month) / "onestop", SUFFIXES)
            frame = manifest_frame([manifest_record(str(month), "onestop", f, 1, 1, True) for f in files])
            replace_rows(con, "raw.files", frame, report_month=str(month), source="onestop")


@pytest.fixture
def home(env):
    """`env` with DAGSTER_HOME made as `dti` makes it (with the repository's dagster.yaml)."""
    from pipelines.launch import ensure_dagster_home

    ensure_dagster_home()
    return env


def _dashboard_page():
    """The dashboard run once by Streamlit's AppTest. Streamlit installs the app as `sys.modules["__main__"]` and
    leaves it there, and a later multiprocess run's children would run the app as their main: put it back."""
    from streamlit.testing.v1 import AppTest

    main = sys.modules["__main__"]
    try:
        return AppTest.from_file(str(REPO_DIR / "dashboard" / "app.py"), default_timeout=60).run()
    finally:
        sys.modules["__main__"] = main


def _evaluate(cursor: str | None, instance: dg.DagsterInstance):
    """One tick of the sensor as the daemon evaluates it: its run requests, skip message and new cursor."""
    from pipelines.definitions import defs

    sensor = defs.get_sensor_def("inbox_sensor")
    return sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=cursor,
                                                        repository_def=defs.get_repository_def()))


def _store_cursor(instance: dg.DagsterInstance, cursor: str) -> None:
    """Keep the cursor where the sensor daemon keeps it: the sensor's instigator state in the instance storage."""
    with in_process_test_workspace(instance, LoadableTargetOrigin(module_name="pipelines.definitions")) as ws:
        location = next(iter(ws.get_code_location_entries().values())).code_location
        remote = next(iter(location.get_repositories().values())).get_sensor("inbox_sensor")
        state = instance.get_instigator_state(remote.get_remote_origin_id(), remote.selector_id)
        data = SensorInstigatorData(cursor=cursor, sensor_type=remote.sensor_type)
        if state is None:
            instance.add_instigator_state(InstigatorState(remote.get_remote_origin(), InstigatorType.SENSOR,
                                                          InstigatorStatus.RUNNING, data))
        else:
            instance.update_instigator_state(state.with_data(data))


def _stored_cursor(instance: dg.DagsterInstance) -> str | None:
    states = instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
    return next(s.instigator_data.cursor for s in states if s.instigator_name == "inbox_sensor")


def test_on_start_the_sensor_asks_only_for_months_not_landed_as_they_are(home):
    inbox = home / "inbox"
    _inbox_month(inbox, JUNE)
    _inbox_month(inbox, JULY)
    with dg.DagsterInstance.get() as instance:
        cold = _evaluate(None, instance)  # nothing landed yet: both months
        assert sorted(r.partition_key for r in cold.run_requests) == ["2024-05-10", "2024-06-10"]
        assert {r.tags["report_month"] for r in cold.run_requests} == {"2024-06", "2024-07"}
        _land_as_the_warehouse_would([JUNE])
        cold = _evaluate(None, instance)  # June landed as it is: July only
        assert [(r.partition_key, r.tags["report_month"]) for r in cold.run_requests] == [("2024-06-10", "2024-07")]
        _land_as_the_warehouse_would([JULY])
        cold = _evaluate(None, instance)
        assert cold.run_requests == [] and "đã được nạp" in cold.skip_message
        os.utime(inbox / "2024-06" / "onestop" / "b.csv", (1e9, 1e9))  # changed since it was landed
        assert [r.partition_key for r in _evaluate(None, instance).run_requests] == ["2024-05-10"]


def test_the_cursor_lives_in_the_instance_and_survives_a_restart(home):
    inbox = home / "inbox"
    _inbox_month(inbox, JUNE)
    _inbox_month(inbox, JULY)
    _land_as_the_warehouse_would([JUNE, JULY])
    with dg.DagsterInstance.get() as instance:
        first = _evaluate(None, instance)
        assert first.run_requests == [] and first.cursor
        _store_cursor(instance, first.cursor)

    # a restart: a fresh instance from DAGSTER_HOME and a fresh load of the definitions
    import pipelines.definitions
    import pipelines.sensors

    importlib.reload(pipelines.sensors)
    importlib.reload(pipelines.definitions)
    with dg.DagsterInstance.get() as instance:
        cursor = _stored_cursor(instance)
        assert cursor == first.cursor
        again = _evaluate(cursor, instance)
        assert again.run_requests == [] and "Không có tệp mới" in again.skip_message
        _store_cursor(instance, again.cursor)
        os.utime(inbox / "2024-07" / "onestop" / "a.csv", (1e9, 1e9))  # one file touched
        touched = _evaluate(_stored_cursor(instance), instance)
        assert [(r.partition_key, r.tags["report_month"]) for r in touched.run_requests] == [("2024-06-10", "2024-07")]
        _store_cursor(instance, touched.cursor)
        (inbox / "2024-06" / "onestop" / "b.csv").unlink()  # a file removed: its month is run again
        removed = _evaluate(_stored_cursor(instance), instance)
        assert [r.partition_key for r in removed.run_requests] == ["2024-05-10"]
        (inbox / "2024-06" / "onestop" / "~$lock.xlsx").write_bytes(b"x")  # Excel's lock file: no run
        (inbox / "2024-06" / "onestop" / "notes.pdf").write_bytes(b"x")    # a file no reader takes: no run
        assert _evaluate(removed.cursor, instance).run_requests == []


def test_importing_the_definitions_warns_of_nothing(tmp_path):
    """What `dagster dev` and `dti run` load prints no warning (PreviewWarning of the partitioned checks included),
    with every warning shown once where it arises (`-W default`)."""
    done = subprocess.run([sys.executable, "-W", "default", "-c", "import pipelines.definitions"],
                          env={**os.environ, "DAGSTER_HOME": str(tmp_path)}, cwd=REPO_DIR,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stderr == ""


def test_descriptions_say_which_report_month_a_partition_is():
    from pipelines.definitions import defs

    job = defs.resolve_job_def("monthly_report")
    assert "phân vùng 2024-05-10 = kỳ báo cáo 2024-06" in job.description
    assert job.get_tags_for_partition_key("2024-05-10", None)["report_month"] == "2024-06"
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.partitions_def is not None:
            assert "phân vùng 2024-05-10 = kỳ báo cáo 2024-06" in node.description, key
    for check in graph.asset_check_keys:
        spec = graph.get_check_spec(check)
        if spec.partitions_def is not None:
            assert "phân vùng 2024-05-10 = kỳ báo cáo 2024-06" in spec.description, check


def test_a_run_names_its_report_month_in_tags_metadata_and_check_results(env):
    from pipelines.launch import run_month

    inbox = env / "inbox"
    _inbox_month(inbox, JUNE, bad_row=True)  # 31/02/2024 does not exist: one failure, told in Vietnamese
    assert run_month(JUNE)
    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        assert run.tags["report_month"] == "2024-06" and run.tags["dagster/partition"] == "2024-05-10"
        materialised = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        from pipelines.definitions import defs

        assert {e.dagster_event.asset_key for e in materialised} == set(defs.resolve_asset_graph().get_all_asset_keys())
        for event in materialised:
            metadata = event.dagster_event.event_specific_data.materialization.metadata
            assert metadata["report_month"].value == "2024-06", event.dagster_event.asset_key
        from pipelines.timings import LAST

        # the run summary's times: every step of the run, and each export's landing phases
        assert sorted(name for name, _ in LAST.steps) == sorted(n.name for n in defs.resolve_job_def(
            "monthly_report").graph.nodes)
        assert LAST.phases["onestop"].startswith("dò tệp ") and "; kiểm tra pandera " in LAST.phases["onestop"]
        checks = {(e.dagster_event.event_specific_data.asset_key.path[-1],
                   e.dagster_event.event_specific_data.check_name): e.dagster_event.event_specific_data
                  for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)}
        assert set(checks) == {(k.asset_key.path[-1], k.name) for k in defs.resolve_asset_graph().asset_check_keys}
        for key, evaluation in checks.items():
            assert evaluation.metadata["report_month"].value == "2024-06", key
            assert evaluation.description, key
        onestop = checks[("onestop", "rows_accounted")]
        assert onestop.passed
        assert onestop.description.startswith("Kỳ 2024-06, nguồn onestop: 2 tệp, 3 dòng đọc = 2 dòng nạp + 1 dòng "
                                              "bị loại; 1 lỗi")
        sample = onestop.metadata["failure_sample"].value
        assert "a.csv" in sample and "31/02/2024" in sample and "không tồn tại" in sample
        rubric = checks[("ref_rubric_criteria", "rubric_adds_up")]
        assert not rubric.passed and "Bộ tiêu chí cấp xã, nhóm V: tiêu đề ghi 3 điểm" in rubric.description
        assert "V.1" in rubric.metadata["evidence"].value
        summary = checks[("dti_summary", "dti_summary_expectations")]
        assert summary.description.startswith("Kỳ 2024-06: marts.dti_summary")

        # the dashboard reads the snapshot the run published
        page = _dashboard_page()
        assert not page.exception and "Lỗi dữ liệu theo đơn vị — kỳ 2024-06" in [h.value for h in page.header]

        # the sensor's first evaluation on this warehouse: nothing to ask for; then one file touched
        from pipelines.sensors import inbox_sensor

        cold = inbox_sensor(dg.build_sensor_context(instance=instance))
        assert cold.run_requests == []
        os.utime(inbox / "2024-06" / "onestop" / "b.csv", (1e9, 1e9))
        warm = inbox_sensor(dg.build_sensor_context(instance=instance, cursor=cold.cursor))
        assert [r.partition_key for r in warm.run_requests] == ["2024-05-10"]


def test_check_evidence_is_told_in_vietnamese():
    import pandas as pd

    from assets.mart_checks import evidence
    from warehouse.expectations import Expectation

    frame = pd.DataFrame({"report_month": ["2024-06"] * 3, "unit_code": ["PHUONG_8", "PHUONG_8", "TPVT"],
                          "rank": [1, 1, 18], "total_score": [50.0, 120.0, 60.0], "ceiling": [100.0, 100.0, 100.0]})
    said, rows = evidence(frame, Expectation("ExpectCompoundColumnsToBeUnique", column_list=["report_month", "unit_code"]))
    assert said == "2 dòng trùng khóa (report_month, unit_code)" and list(rows["unit_code"]) == ["PHUONG_8"] * 2
    said, rows = evidence(frame, Expectation("ExpectColumnValuesToBeBetween", column="rank", min_value=1, max_value=17))
    assert said == "1 dòng có hạng (rank) ngoài khoảng [1, 17]" and list(rows["unit_code"]) == ["TPVT"]
    said, rows = evidence(frame, Expectation("ExpectColumnPairValuesAToBeGreaterThanB", 
        column_A="ceiling", column_B="total_score", or_equal=True))
    assert said == "1 dòng có tổng điểm (total_score) lớn hơn 100 + điểm thưởng (ceiling)"
    said, _ = evidence(frame, Expectation("ExpectColumnDistinctValuesToEqualSet", column="unit_code",
                                                                       value_set=["TPVT", "XA_LONG_SON"]))
    assert said == "mã đơn vị (unit_code) thiếu 1: XA_LONG_SON; thừa 1: PHUONG_8"
    assert evidence(frame, Expectation("ExpectColumnValuesToBeInSet", column="unit_code", value_set=["PHUONG_8", "TPVT"])) is None


def test_a_run_started_from_the_asset_graph_gets_the_report_month_tag(home):
    """The UI's asset graph launches runs of Dagster's own asset job, without the job's partitioned config."""
    from assets.unit_workbooks import unit_workbooks
    from assets.resources import InboxResource, WarehouseResource

    with dg.DagsterInstance.get() as instance:
        result = dg.materialize([unit_workbooks], partition_key="2024-05-10", instance=instance,
                                resources={"warehouse": WarehouseResource(), "inbox": InboxResource()})
        run = instance.get_run_by_id(result.run_id)
        assert run.job_name == "__ephemeral_asset_job__"  # launched with `dagster/partition` only: the step tags it
        assert run.tags["report_month"] == "2024-06" and run.tags["dagster/partition"] == "2024-05-10"
        [event] = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        assert event.dagster_event.event_specific_data.materialization.metadata["report_month"].value == "2024-06"


def test_the_dashboard_listens_on_127_0_0_1_unless_told(env, monkeypatch):
    from typer.testing import CliRunner

    from dti.cli import app

    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, **kwargs: calls.append(args))
    result = CliRunner().invoke(app, ["dashboard"])
    assert result.exit_code == 0 and "http://127.0.0.1:8501" in result.output
    assert calls[0][calls[0].index("--server.address") + 1] == "127.0.0.1"
    assert "chưa có kỳ nào được công bố" in result.output  # no snapshot yet: said, and it starts all the same
    result = CliRunner().invoke(app, ["dashboard", "--host", "0.0.0.0", "--port", "8600"])
    assert result.exit_code == 0 and "reverse proxy có đăng nhập" in result.output
    assert calls[1][calls[1].index("--server.address") + 1] == "0.0.0.0"
    assert calls[1][calls[1].index("--server.port") + 1] == "8600"


def test_the_dashboard_without_a_published_warehouse_says_so(env):
    page = _dashboard_page()
    assert not page.exception
    assert [w.value for w in page.warning] == [
        "Kho chưa có kỳ báo cáo nào được công bố: chạy `dti run YYYY-MM` trước, rồi tải lại trang."]
