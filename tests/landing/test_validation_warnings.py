"""Values accepted but flagged for the steward (quality.validation_warnings), never rejected: worked by hand."""
from datetime import datetime

import duckdb

from pipelines.launch import run_month
from domain.paths import inbox_dir, warehouse_path
from domain.periods import ReportMonth
from tests.builders import ONESTOP_HEADERS, dossier, unit_workbook, write_text

MONTHS = [ReportMonth(2024, m) for m in (3, 4, 5, 6)]


def test_outliers_and_odd_percentages_are_warnings_not_failures(env):
    history = {"XHS-07": [(80, 100), (82, 100), (81, 100)], "XHS-01": [(60, 100), (55, 100), (50, 100)]}
    for i, month in enumerate(MONTHS):
        if i < 3:
            indicators = {code: figures[i] for code, figures in history.items()}
        else:
            indicators = {
                "XHS-07": (90, 100),          # numerator 90 against 80, 82, 81 (mean 81, sd 1): z = 9 ≥ 3
                "XHS-01": (90, 100),          # 90% against last month's 50%: +40 points; and numerator 90
                                              # against 60, 55, 50 (mean 55, sd 5): z = 7 ≥ 3
                "XHS-02": (None, None, "85%"),  # a bare percentage
                "XHS-06": (87, 100, 80),      # Kết quả (%) 80 against 87/100 = 87%
            }
        path = inbox_dir() / str(month) / "units" / "PHUONG_8.xlsx"
        unit_workbook(path, "PHUONG_8", month, datetime(month.year, month.month, 11, 9), indicators=indicators)
    # The exports: May 0 of 1 fee dossier paid online, June 1 of 1 (+100 points).
    write_text(inbox_dir() / "2024-05" / "onestop" / "d.csv", ONESTOP_HEADERS,
               [dossier("M1", received="15/04/2024 08:00", due="20/04/2024", resolved="18/04/2024", paid="Không")])
    write_text(inbox_dir() / "2024-06" / "onestop" / "d.csv", ONESTOP_HEADERS, [dossier("J1")])
    for month in MONTHS:
        assert run_month(month)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        got = con.execute(
            "select source, sheet, row_number is not null, column_name, check_name, value, baseline, responsible_unit "
            "from quality.validation_warnings where report_month = '2024-06' order by all").fetchall()
        failures = con.execute("select count(*) from quality.validation_failures").fetchone()[0]
        kept = con.execute("select count(*) from staging.unit_indicators where report_month = '2024-06' "
                           "and unit_code = 'PHUONG_8' and (numerator is not null or value_pct is not null)").fetchone()[0]
        messages = con.execute("select message from quality.validation_warnings "
                               "where check_name = 'outlier_zscore'").fetchall()
    units = [w for w in got if w[0] == "units"]
    assert units == sorted([
        ("units", "ChiTieu", True, "Kết quả (%)", "bare_percentage", 85.0, None, "PHUONG_8"),
        ("units", "ChiTieu", True, "Kết quả (%)", "pct_contradicts_figures", 80.0, 87.0, "PHUONG_8"),
        ("units", "ChiTieu", True, "Kết quả (%)", "share_jump", 90.0, 50.0, "PHUONG_8"),
        ("units", "ChiTieu", True, "Tử số", "outlier_zscore", 90.0, 81.0, "PHUONG_8"),
        ("units", "ChiTieu", True, "Tử số", "outlier_zscore", 90.0, 55.0, "PHUONG_8"),
    ])
    exports = {(w[3], w[4], w[5], w[6], w[7]) for w in got if w[0] == "onestop"}
    # Codes whose share moved the same way are one warning naming them all (CQS-03 and VI.5.8 share a figure;
    # CQS-05, procedures with fees paid online, went from 0/1 to 1/1 too), for the ward and for the city.
    assert exports == {("CQS-03, CQS-05, VI.5.8", "share_jump", 100.0, 0.0, unit) for unit in ("PHUONG_8", "TPVT")}
    assert failures == 0 and kept == 4  # flagged, never rejected
    assert "khác xa các tháng trước" in messages[0][0]
