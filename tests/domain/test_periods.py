from datetime import datetime

from domain.periods import ReportMonth, month_of


def test_report_month_window():
    june = ReportMonth.parse("2024-06")
    assert june.start == datetime(2024, 5, 10) and june.end == datetime(2024, 6, 10)
    assert june.partition_key == "2024-05-10"
    assert ReportMonth.from_partition_key("2024-05-10") == june
    assert ReportMonth.parse("06/2024") == june
    assert ReportMonth.parse("2024-01").partition_key == "2023-12-10"


def test_month_of_a_moment():
    assert str(month_of(datetime(2024, 6, 9, 23, 59))) == "2024-06"
    assert str(month_of(datetime(2024, 6, 10, 0, 0))) == "2024-07"
    assert str(month_of(datetime(2024, 12, 15))) == "2025-01"

