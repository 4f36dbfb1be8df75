"""The cases between the lines of SPEC §7 that once gave a wrong ranking, each through the real job.

Parts answered part by part, figures found where the month already holds them, snapshots carried
forward, no-data texts and rejected rows shown as no data, a missing workbook penalised, an empty
month refused, a late correction refreshing the later months: every figure worked out by hand.
"""
from datetime import datetime

import duckdb
import pytest
from typer.testing import CliRunner

from assets.exports import land_export
from dti.cli import app
from pipelines.launch import run_month
from warehouse.marts import build_unit_measures
from domain.paths import inbox_dir, warehouse_path
from domain.periods import ReportMonth
from tests.builders import (ACCOUNT_HEADERS, ONESTOP_HEADERS, PROCEDURE_HEADERS, account, dossier, procedure,
                            unit_workbook, write_text)
from warehouse.connection import connect

JUNE, JULY, AUGUST = ReportMonth(2024, 6), ReportMonth(2024, 7), ReportMonth(2024, 8)
MARTS = ["marts.unit_measures", "marts.indicator_attainment", "marts.dti_scores", "marts.dti_summary",
         "marts.submission_status", "quality.validation_failures"]


def workbook(unit: str, month: ReportMonth, day: int = 11, **filled):
    path = inbox_dir() / str(month) / "units" / f"{unit}_{month}.xlsx"
    return unit_workbook(path, unit, month, datetime(month.year, month.month, day, 9), **filled)


def scores(con, month: ReportMonth, unit: str) -> dict:
    return {code: (self_, computed, final, basis) for code, self_, computed, final, basis in con.execute(
        "select criterion_code, self_score, computed_score, final_score, basis from marts.dti_scores "
        "where report_month = ? and unit_code = ?", [str(month), unit]).fetchall()}


def attainment(con, month: ReportMonth, unit: str) -> dict:
    return {code: (n, d, status, note, data_month) for code, n, d, status, note, data_month in con.execute(
        "select indicator_code, numerator, denominator, status, note, data_month from marts.indicator_attainment "
        "where report_month = ? and unit_code = ?", [str(month), unit]).fetchall()}


def read_marts() -> dict:
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        return {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall())) for t in MARTS}


def test_parts_derived_figures_and_the_final_score(env):
    workbook("PHUONG_8", JUNE, general={2: 10000, 4: 8, 9: 20, 18: 4}, dti={
        "I.1": (1, "Có; Không"),              # head of the committee yes, members no: 0,5
        "II.1": (2, "Có"),                    # one Có answers both parts: 2
        "VI.5.7": (8, "Có; Không; Có", 3, 4),  # 1 + 0 + 3/4 × 6 = 5,5
        "II.5": (2, "Có; Không; Có"),          # three answers for two parts: a failure row, the row is rejected
        "VI.6.6": (0.5, None, 7, 5),           # 7 news items over 5 a month: valid, full points
        "VIII.5": (0.5, None, 8000),           # Mẫu số blank: item 2 → 8.000/10.000 = 80% → full (1)
        "VIII.7": (2, None, 2500),             # 2.500/10.000 = 25%: 20-<30% → half of 2
        "IX.1.2": (1, "Có"),                   # VIII.7's figures decide: 25% ≤ 50% → 0, not the Có
        "IV.1": (2, None, 6),                  # 6 teams / item 4 (8 quarters) = 75% × 2 = 1,5
        "III.3": (1, None, 18),                # 18 computers online / item 9 (20 workstations) = 90% × 1
        "I.6": (0.5,),                         # scored only by self-assessment: final = self
        "V.1": (1,),                           # no figures anywhere: final falls back to self
    })
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        got = scores(con, JUNE, "PHUONG_8")
        assert got["I.1"][1:3] == (0.5, 0.5)
        assert got["I.1"][3] == ("Trưởng BCĐ là Bí thư/Chủ tịch: có (0,5); Thành viên BCĐ đủ thành phần: "
                                 "không (0) → 0,5 điểm")
        assert got["II.1"][1:3] == (2, 2)
        assert got["VI.5.7"][1:3] == (5.5, 5.5) and "Triển khai giải pháp của tỉnh: 3/4 = 75% (4,5)" in got["VI.5.7"][3]
        assert got["II.5"][:3] == (None, None, None)
        assert got["VI.6.6"][1:3] == (0.5, 0.5)
        assert got["VIII.5"][1:3] == (1, 1) and "Mẫu số: Thông tin chung mục 2, tháng 06/2024" in got["VIII.5"][3]
        assert got["VIII.7"][1:3] == (1, 1)
        assert got["IX.1.2"][1:3] == (0, 0) and got["IX.1.2"][3].startswith("VIII.7: 2.500/10.000 = 25%")
        assert got["IV.1"][1:3] == (1.5, 1.5) and "Thông tin chung mục 4" in got["IV.1"][3]
        assert got["III.3"][1] == pytest.approx(0.9) and "Thông tin chung mục 9" in got["III.3"][3]
        assert got["I.6"] == (0.5, None, 0.5, "Chỉ chấm theo điểm tự đánh giá")
        assert got["V.1"][:3] == (1, None, 1)
        # Every row: the computed score when known, else the self score (SPEC §4).
        broken = con.execute("select count(*) from marts.dti_scores where final_score is distinct from "
                             "coalesce(computed_score, self_score)").fetchone()[0]
        assert broken == 0
        failures = con.execute("select sheet, column_name, check_name, failure_value from "
                               "quality.validation_failures").fetchall()
        assert failures == [("DTI", "Trả lời", "parts_count", "Có; Không; Có")]
        # A commune that sent nothing is not better off than one reporting a shortfall (SPEC §7).
        silent = scores(con, JUNE, "LONG_SON")
        assert silent["IX.2.1"][1] == -1 and silent["IX.2.1"][3].startswith("Chưa nộp báo cáo")
        total = con.execute("select total_score from marts.dti_summary where report_month = '2024-06' "
                            "and unit_code = 'LONG_SON'").fetchone()[0]
        assert total == -1  # II.7 0/1 × 2 = 0, nothing else: −1 for the missing workbook
        # PHUONG_8 declared no indicator: no indicator with data, so IX.2.1 has nothing to decide.
        assert scores(con, JUNE, "PHUONG_8")["IX.2.1"][1] is None


def test_no_data_texts_and_rejected_rows_stay_as_no_data(env):
    workbook("PHUONG_8", JUNE, indicators={
        "XHS-01": (None, None, "Chưa báo cáo"),
        "XHS-02": ("-", None),
        "XHS-06": (None, None, "Không áp dụng"),
        "XHS-04": (120, 100),        # a numerator above its denominator: rejected, still shown as no data
        "XHS-07": (90, 100),         # 90% ≥ 75%: achieved
    })
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        got = attainment(con, JUNE, "PHUONG_8")
        assert {code: row[2] for code, row in got.items()} == {
            "XHS-01": "no_data", "XHS-02": "no_data", "XHS-06": "no_data", "XHS-04": "no_data", "XHS-07": "achieved"}
        assert "bị từ chối" in got["XHS-04"][3]
        failures = con.execute("select sheet, column_name, check_name from quality.validation_failures").fetchall()
        assert failures == [("ChiTieu", "Tử số", "numerator_gt_denominator")]
        assert scores(con, JUNE, "PHUONG_8")["IX.2.1"][1] == 0   # its one indicator with data is achieved


def test_a_missing_accounts_export_is_no_data_then_the_last_one_carries_forward(env):
    workbook("PHUONG_8", JUNE, general={18: 4})
    workbook("PHUONG_8", JULY)
    write_text(inbox_dir() / "2024-07" / "ioc_accounts" / "a.csv", ACCOUNT_HEADERS, [
        account("p8.a", "A", "Phường 8", "Chủ tịch", "1", last_login="01/07/2024 08:00"),
        account("p8.b", "B", "Phường 8", "Phó Chủ tịch", "1", last_login="11/06/2024"),
        account("p8.c", "C", "Phường 8", "Phó Chủ tịch", "1", status="Khóa", last_login="01/07/2024"),
    ])
    write_text(inbox_dir() / "2024-07" / "procedures" / "p.csv", PROCEDURE_HEADERS, [
        procedure("X1", "Chứng thực", "Xã", "Toàn trình", "Có", "Có", "Có"),
        procedure("X2", "Hộ tịch", "Xã", "Một phần", "Có", "Không", "Không"),
    ])
    workbook("PHUONG_8", AUGUST)
    for month in (JUNE, JULY, AUGUST):
        assert run_month(month)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        # June: no accounts export in the year yet: no data, not 0/4.
        assert "CQS-13" not in attainment(con, JUNE, "PHUONG_8")
        assert attainment(con, JUNE, "TPVT")["CQS-13"][2] == "no_data"
        assert scores(con, JUNE, "PHUONG_8")["VI.3.3"][1] is None
        # July: 2 active leaders logged in since 10/06 over item 18 (4, June's, carried forward) = 50%.
        assert attainment(con, JULY, "PHUONG_8")["CQS-13"][:3] == (2, 4, "not_achieved")
        # August: no export: July's figure, named as July's.
        august = attainment(con, AUGUST, "PHUONG_8")["CQS-13"]
        assert august[:3] == (2, 4, "not_achieved") and august[4] == "2024-07"
        assert "Theo số liệu tháng 07/2024" in august[3]
        # The procedure catalogue too: July's 1 of 2 eligible procedures offered in full, carried into August.
        cqs01 = attainment(con, AUGUST, "PHUONG_8")["CQS-01"]
        assert cqs01[:2] == (1, 2) and cqs01[4] == "2024-07"
        assert "CQS-01" not in attainment(con, JUNE, "PHUONG_8")
        vi33 = scores(con, AUGUST, "PHUONG_8")["VI.3.3"]
        assert vi33[1] == pytest.approx(0.5 * 1) and "theo số liệu tháng 07/2024" in vi33[3]


def test_a_result_dated_the_day_of_receipt_is_valid_and_on_time(tmp_path):
    write_text(tmp_path / "inbox" / "2024-06" / "onestop" / "d.csv", ONESTOP_HEADERS, [
        dossier("S1", received="15/05/2024 08:00", due="15/05/2024", resolved="15/05/2024"),
        dossier("S2", received="15/05/2024 08:00", due="20/05/2024", resolved="14/05/2024"),  # the day before
        dossier("S3", received="15/05/2024 08:00", due="20/05/2024", resolved="15/05/2024 07:00"),  # an hour before
    ])
    with connect(tmp_path / "wh.duckdb") as con:
        con.execute("create or replace table ref.units as select * from (values "
                    "('TPVT', 'city'), ('PHUONG_8', 'commune')) t(unit_code, level)")
        land_export(con, tmp_path / "inbox", JUNE, "onestop")
        failures = con.execute("select row_number, check_name from quality.validation_failures "
                               "order by row_number").fetchall()
        build_unit_measures(con, JUNE)
        on_time = con.execute("select numerator, denominator from marts.unit_measures "
                              "where unit_code = 'PHUONG_8' and code = 'VI.5.4'").fetchone()
    assert failures == [(3, "resolved_before_received"), (4, "resolved_before_received")]
    assert on_time == (1, 1)  # resolved on its due day: on time


def test_cqs05_counts_the_procedures_the_catalogue_says_carry_fees(tmp_path):
    inbox = tmp_path / "inbox" / "2024-06"
    write_text(inbox / "procedures" / "p.csv", PROCEDURE_HEADERS, [
        procedure("P1", "Chứng thực", "Xã", "Toàn trình", "Có", "Có", "Có"),
        procedure("P2", "Hộ tịch", "Xã", "Toàn trình", "Có", "Có", "Không"),   # no fees in the catalogue
        procedure("P3", "Đất đai", "Xã", "Một phần", "Không", "Không", "Có"),
    ])
    write_text(inbox / "onestop" / "d.csv", ONESTOP_HEADERS, [
        dossier("D1", procedure="P1", paid="Có"),                   # P1: with fees, paid online
        dossier("D2", procedure="P2", fee="50.000", paid="Có"),     # P2 carries no fee: not counted
        dossier("D3", procedure="P3", fee="0", paid="Không"),       # P3 has fees (none on this dossier)
    ])
    with connect(tmp_path / "wh.duckdb") as con:
        con.execute("create or replace table ref.units as select * from (values "
                    "('TPVT', 'city'), ('PHUONG_8', 'commune')) t(unit_code, level)")
        for source in ("procedures", "onestop"):
            land_export(con, tmp_path / "inbox", JUNE, source)
        build_unit_measures(con, JUNE)
        got = con.execute("select numerator, denominator from marts.unit_measures "
                          "where unit_code = 'PHUONG_8' and code = 'CQS-05'").fetchone()
    assert got == (1, 2)  # P1 paid online, of P1 and P3


def test_an_empty_month_is_refused(env):
    result = CliRunner().invoke(app, ["run", "2024-09"])
    assert result.exit_code == 2
    assert "Kỳ báo cáo 2024-09 chưa có tệp nào trong hộp thư" in result.output
    assert "Traceback" not in result.output
    assert not warehouse_path().exists()  # nothing built, nothing published


def test_a_late_correction_refreshes_the_later_months(env, tmp_path, monkeypatch):
    onestop = lambda month, name, rows: write_text(  # noqa: E731
        inbox_dir() / str(month) / "onestop" / name, ONESTOP_HEADERS, rows)
    onestop(JUNE, "a.csv", [dossier("J1"), dossier("J2", paid="Không")])
    onestop(JULY, "a.csv", [dossier("L1", received="15/06/2024 08:00", due="20/06/2024", resolved="18/06/2024")])
    workbook("PHUONG_8", JUNE)
    workbook("PHUONG_8", JULY)
    assert run_month(JUNE) and run_month(JULY)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        assert scores(con, JULY, "PHUONG_8")["VI.5.8"][1] == 0   # (1 + 1)/(2 + 1) = 66,67% < 70% → 0
    # A late June file: two more dossiers paid online. Year to date in July: (3 + 1)/(4 + 1) = 80% → 0,5.
    onestop(JUNE, "b.csv", [dossier("J3"), dossier("J4")])
    assert run_month(JUNE)
    corrected = read_marts()
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        july = scores(con, JULY, "PHUONG_8")["VI.5.8"]
        assert july[1] == 0.5 and "4/5 = 80%" in july[3]
    # The same as running every month afresh, in order.
    monkeypatch.setenv("DTI_WAREHOUSE", str(tmp_path / "fresh" / "dti.duckdb"))
    assert run_month(JUNE) and run_month(JULY)
    assert read_marts() == corrected
