"""The city's monthly report reproduces the marts cell for cell, and its narrative says what happened."""
import duckdb
from openpyxl import load_workbook

from pipelines.launch import run_month
from domain.paths import warehouse_path
from outputs.report import change_text, result_text, write_report
from tests.builders import JULY, JUNE

LABELS = {"achieved": "Đạt", "not_achieved": "Chưa đạt", "no_data": "Chưa có số liệu"}
TABLE_FIRST_ROW = 4  # Bảng 1: caption, a gap, the header on row 3


def test_result_and_change_text():
    assert result_text(98.27, 23391, 23802) == "98,27% (23.391/23.802)"
    assert result_text(88.5, None, None) == "88,5%"
    assert result_text(None, None, None) == "Chưa có số liệu"
    assert change_text(100, 200 / 3) == "+33,33" and change_text(50, 55.5) == "-5,5" and change_text(7, 7) == "0"
    assert change_text(None, 5) is None


def indicator_table(wb) -> dict:
    ws = wb["Bảng 1 Chỉ tiêu"]
    return {r[0]: r for r in ws.iter_rows(min_row=TABLE_FIRST_ROW, values_only=True) if r[0] and r[1]}


def test_report_reads_back_as_the_marts(two_months, tmp_path):  # noqa: F811
    assert run_month(JUNE) and run_month(JULY)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        path = write_report(con, JULY, tmp_path / "r.xlsx")
        mart = {r[0]: r[1:] for r in con.execute(
            "select indicator_code, value_pct, numerator, denominator, status from marts.indicator_attainment "
            "where unit_code = 'TPVT' and report_month = ?", [str(JULY)]).fetchall()}
    wb = load_workbook(path)
    rows = indicator_table(wb)
    assert len(rows) == 30 == len(mart)
    for code, row in rows.items():
        value, numerator, denominator, status = mart[code]
        assert row[5] == result_text(value, numerator, denominator) and row[6] == LABELS[status]
    # CQS-03, the month alone: July 2/2 dossiers with fees paid online, June 2/3 → up 33,33 points.
    assert rows["CQS-03"][5:9] == ("100% (2/2)", "Đạt", "66,67%", "+33,33")

    # The narrative, by hand: in July only Phường 8 sent its workbook, on 15/07 (late: the deadline is the 12th).
    text = [c for row in wb["Báo cáo"].iter_rows(values_only=True) for c in row if c]
    said = "\n".join(text)
    assert "Đã nhận báo cáo của 1/29 cơ quan, đơn vị, trong đó 0 đơn vị gửi đúng hạn (đến hết ngày 12/07/2024)." in said
    assert "Gửi trễ hạn: Phường 8." in said
    assert "Chưa gửi báo cáo: Văn phòng HĐND và UBND thành phố, " in said and "Phường 1, " in said
    assert "CQS-03 66,67% → 100%" in next(t for t in text if t.startswith("- Tăng: "))
    assert "số liệu từ ngày 10/06/2024 đến trước ngày 10/07/2024" in said

    # Phụ lục III: the dossiers per unit (numbers, shown as 23.391 by their format).
    dossiers = {r[0]: r[1:] for r in wb["PL III Hồ sơ TTHC"].iter_rows(min_row=6, values_only=True)}
    assert dossiers["Phường 8"] == (2, 2, 0, 2, 2) and dossiers["Toàn thành phố"] == (2, 2, 0, 2, 2)
    # Phụ lục VII: Phường 8's VI.5.8, year to date (1+2)/(2+2) = 75% → half of 1 point.
    ws = wb["PL VII DTI phường, xã"]
    column = [c.value for c in ws[5]].index("Phường 8")
    vi58 = next(r for r in ws.iter_rows(min_row=6, values_only=True)
                if r[1] and r[1].startswith("Tỷ lệ hồ sơ thanh toán trực tuyến"))
    assert vi58[2] == "1" and vi58[column] == "0,5"
    assert [s for s in wb.sheetnames if s.startswith("PL ")] == [
        "PL I Văn bản", "PL II Chữ ký số", "PL III Hồ sơ TTHC", "PL IV Thanh toán", "PL V Điểm DTI theo nhóm",
        "PL VI DTI thành phố", "PL VII DTI phường, xã", "PL VIII Thẩm định"]
    assert wb["PL VIII Thẩm định"].cell(6, 1).value.startswith("Chưa có kết quả thẩm định")  # none yet
    assert "Thẩm định: chưa có phường, xã nào có điểm thẩm định" in said
    assert "Số liệu tháng 07/2024 chưa được công bố (dti publish)" in said


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
    rows = indicator_table(load_workbook(path))
    assert {code: (r[5], r[6]) for code, r in rows.items()} == {
        code: (result_text(v, n, d), LABELS[s]) for code, (v, n, d, s) in mart.items()}
    assert sum(1 for v in mart.values() if v[3] != "no_data") >= 25  # the demo has figures for most indicators
