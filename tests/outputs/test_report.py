"""The city's monthly report reproduces the marts cell for cell."""
import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.launch import run_month
from domain.paths import warehouse_path
from outputs.report import result_text, write_report
from tests.builders import JULY, JUNE


def test_result_text():
    assert result_text(98.27, 23391, 23802) == "98,27% (23.391/23.802)"
    assert result_text(88.5, None, None) == "88,5%"
    assert result_text(None, None, None) == "Chưa có số liệu"


def test_report_reads_back_as_the_marts(two_months, tmp_path):  # noqa: F811
    assert run_month(JUNE) and run_month(JULY)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        path = write_report(con, JULY, tmp_path / "r.xlsx")
        mart = {r[0]: r[1:] for r in con.execute(
            "select indicator_code, value_pct, numerator, denominator, status from marts.indicator_attainment "
            "where unit_code = 'TPVT' and report_month = ?", [str(JULY)]).fetchall()}
        previous = dict(con.execute("select indicator_code, value_pct from marts.indicator_attainment "
                                    "where unit_code = 'TPVT' and report_month = ?", [str(JUNE)]).fetchall())
    wb = load_workbook(path)
    ws = wb["Chỉ tiêu"]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[9]]
    assert len(rows) == 30 == len(mart)
    labels = {"achieved": "Đạt", "not_achieved": "Chưa đạt", "no_data": "Chưa có số liệu"}
    for row in rows:
        value, numerator, denominator, status = mart[row[9]]
        assert row[5] == result_text(value, numerator, denominator)
        assert row[6] == labels[status]
        if value is not None and previous[row[9]] is not None:
            assert row[8] == pytest.approx(round(value - previous[row[9]], 2))
    cqs03 = next(r for r in rows if r[9] == "CQS-03")
    assert cqs03[5] == "100% (2/2)" and cqs03[6] == "Đạt" and cqs03[7] == "66,67%"  # the month alone: July 2/2, June 2/3
    dossiers = {r[0]: r[1:] for r in wb["Hồ sơ TTHC"].iter_rows(min_row=4, values_only=True)}
    assert dossiers["Phường 8"] == (2, 2, 0, 2, 2) and dossiers["Toàn thành phố"] == (2, 2, 0, 2, 2)
    form = [r for r in wb["DTI PHUONG_8"].iter_rows(min_row=5, values_only=True)]
    vi58 = next(r for r in form if r[1] and r[1].startswith("Tỷ lệ hồ sơ thanh toán trực tuyến"))
    assert vi58[2:6] == (1, 0.5, 0.5, 0.5)
    assert len([s for s in wb.sheetnames if s.startswith("DTI ")]) == 18


def test_report_on_a_demo_month(env, tmp_path):
    """On a month of the demo's sample inbox: the indicator table is the marts, cell for cell."""
    from domain.paths import inbox_dir
    from dti.sample_inbox import write_sample_inbox
    write_sample_inbox(inbox_dir(), [JUNE], seed=7)
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        path = write_report(con, JUNE, tmp_path / "r.xlsx")
        mart = {r[0]: r[1:] for r in con.execute(
            "select indicator_code, value_pct, numerator, denominator, status from marts.indicator_attainment "
            "where unit_code = 'TPVT' and report_month = ?", [str(JUNE)]).fetchall()}
    rows = [r for r in load_workbook(path)["Chỉ tiêu"].iter_rows(min_row=5, values_only=True) if r[9]]
    labels = {"achieved": "Đạt", "not_achieved": "Chưa đạt", "no_data": "Chưa có số liệu"}
    assert {r[9]: (r[5], r[6]) for r in rows} == {
        code: (result_text(v, n, d), labels[s]) for code, (v, n, d, s) in mart.items()}
    assert sum(1 for v in mart.values() if v[3] != "no_data") >= 25  # the demo has figures for most indicators
