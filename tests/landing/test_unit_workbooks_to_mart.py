"""Unit workbooks → staging → marts.indicator_attainment, through the real Dagster job, figures by hand."""
import subprocess
import sys
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from pipelines.launch import run_month
from domain.paths import inbox_dir, warehouse_path
from domain.periods import ReportMonth
from tests.builders import CHITIEU_ROW, JUNE, write_workbook
from tests.conftest import CONTRACT_TOOL



@pytest.fixture
def june_inbox(env):
    write_workbook("PHUONG_1", {"CQS-09": (30, 40, None), "XHS-04": (None, None, "Đang thống kê"),
                                "XHS-06": (None, None, "88,5%")}, datetime(2024, 6, 11, 9))
    write_workbook("PHUONG_2", {"CQS-09": (1, 20, None)}, datetime(2024, 6, 11, 9), name="PHUONG_2_a.xlsx")
    # PHUONG_2 sends again later: the newer workbook wins, the older stays on record.
    write_workbook("PHUONG_2", {"CQS-09": (18, 20, None), "XHS-06": ("870", "1.000", None)},
                   datetime(2024, 6, 14, 9), name="PHUONG_2_b.xlsx", dti_scores={"I.1": 3})
    write_workbook("VHTT", {"CQS-09": (2, 10, None), "CQS-10": (5, 3, None)}, datetime(2024, 6, 12, 9))
    write_workbook("TPVT", {"CQS-10": (4, 4, None)}, datetime(2024, 6, 12, 10))
    write_workbook("PHUONG_4", {"CQS-09": (1, 1, None)}, datetime(2024, 6, 11), name="PHUONG_4_july.xlsx",
                   month=ReportMonth(2024, 7))
    (inbox_dir() / str(JUNE) / "units" / "hong.xlsx").write_bytes(b"this is not a workbook")
    return env


def mart(con, unit):
    frame = con.execute("select * from marts.indicator_attainment where report_month = '2024-06' and unit_code = ? "
                        "order by indicator_code", [unit]).df()
    return frame.set_index("indicator_code")


def test_month_lands_and_rolls_up(june_inbox):
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        city = mart(con, "TPVT")
        assert len(city) == 30  # every catalogue indicator for TPVT
        # CQS-09: (30 + 18 + 2) / (40 + 20 + 10) = 50/70 = 71,43% ≥ 60% (city target); PHUONG_2's older 1/20 ignored.
        cqs09 = city.loc["CQS-09"]
        assert (cqs09.numerator, cqs09.denominator, cqs09.units_in_rollup) == (50, 70, 3)
        assert cqs09.value_pct == pytest.approx(500 / 7)
        assert (cqs09.status, cqs09.target_level, cqs09.target_text) == ("achieved", "city", "60%")
        # XHS-06: PHUONG_1's bare 88,5% is left out; PHUONG_2's 870/1000 = 87% meets "87%" exactly.
        xhs06 = city.loc["XHS-06"]
        assert (xhs06.numerator, xhs06.denominator, xhs06.units_in_rollup, xhs06.status) == (870, 1000, 1, "achieved")
        # CQS-10: TPVT's own 4/4 wins over VHTT's (rejected) figure.
        assert (city.loc["CQS-10"].numerator, city.loc["CQS-10"].note) == (4, "Số liệu do UBND thành phố tự kê khai")
        assert city.loc["XHS-04"].status == "no_data" and pd.isna(city.loc["XHS-04"].value_pct)

        ward = mart(con, "PHUONG_1")
        assert list(ward.index) == ["CQS-09", "XHS-04", "XHS-06"]
        assert ward.loc["CQS-09"].value_pct == 75 and ward.loc["CQS-09"].status == "achieved"
        assert ward.loc["XHS-04"].status == "no_data"
        assert ward.loc["XHS-06"].value_pct == 88.5 and bool(ward.loc["XHS-06"].rollup_excluded)
        assert mart(con, "VHTT").loc["CQS-09"].status == "not_achieved"  # 2/10 = 20% < 60%
        # VHTT's CQS-10 row was rejected (numerator above denominator): it stays visible as no data (SPEC §7).
        assert mart(con, "VHTT").loc["CQS-10"].status == "no_data"
        assert "bị từ chối" in mart(con, "VHTT").loc["CQS-10"].note

        failures = con.execute("select file_name, sheet, row_number, column_name, check_name, failure_value "
                               "from quality.validation_failures where report_month = '2024-06' "
                               "order by file_name").fetchall()
        assert failures == [
            ("PHUONG_2_b.xlsx", "DTI", 4, "Điểm tự đánh giá", "score_above_max", "3"),
            ("PHUONG_4_july.xlsx", "ThongTinChung", None, "Kỳ báo cáo", "misfiled", "2024-07"),
            ("VHTT.xlsx", "ChiTieu", CHITIEU_ROW["CQS-10"], "Tử số", "numerator_gt_denominator", "5"),
            ("hong.xlsx", None, None, None, "file_unreadable", None),
        ]
        files = con.execute("select file_name, unit_code, is_current, rows_read, rows_loaded, rows_rejected "
                            "from raw.files where report_month = '2024-06' order by file_name").fetchall()
        by_name = {f[0]: f for f in files}
        assert by_name["PHUONG_2_a.xlsx"][2] is False and by_name["PHUONG_2_b.xlsx"][2] is True
        assert by_name["VHTT.xlsx"][5] == 1 and by_name["hong.xlsx"][3:] == (0, 0, 0)
        assert all(f[3] == f[4] + f[5] for f in files)
        assert con.execute("select count(*) from ref.units").fetchone()[0] == 30
        assert con.execute("select count(*) from ref.indicators").fetchone()[0] == 30


def test_rerun_gives_the_same_mart(june_inbox):
    assert run_month(JUNE)
    query = "select * from marts.indicator_attainment order by unit_code, indicator_code"
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        first = con.execute(query).fetchall()
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        assert con.execute(query).fetchall() == first
        assert con.execute("select count(*) from quality.validation_failures").fetchone()[0] == 4


def test_warehouse_meets_the_contract(june_inbox):
    assert run_month(JUNE)
    result = subprocess.run([sys.executable, str(CONTRACT_TOOL), str(warehouse_path())], capture_output=True,
                            text=True)
    assert "contract: 0 findings" in result.stdout, result.stdout


def test_contradicting_percentage_and_values_above_100_are_flagged(env):
    write_workbook("PHUONG_9", {"CQS-09": (30, 40, "80%"), "CQS-10": (12, 10, None), "XHS-06": (None, None, "120%")},
                   datetime(2024, 6, 11, 9))
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        ward = mart(con, "PHUONG_9")
        failures = con.execute("select row_number, check_name from quality.validation_failures").fetchall()
    assert ward.loc["CQS-09"].value_pct == 75 and "không khớp" in ward.loc["CQS-09"].note  # 30/40 wins over 80%
    assert ward.loc["XHS-06"].value_pct == 120 and "Vượt 100%" in ward.loc["XHS-06"].note
    assert failures == [(CHITIEU_ROW["CQS-10"], "numerator_gt_denominator")]
