from datetime import datetime

import pytest

from domain.vnparse import (end_of_day_if_date_only, is_no_data_text, parse_bool, parse_datetime, parse_number)


@pytest.mark.parametrize("text, grouped, value, pct", [
    ("1.234.567", False, 1234567, False),
    ("1,234,567", False, 1234567, False),
    ("37,54", False, 37.54, False),
    ("37,54%", False, 37.54, True),
    ("98.27%", False, 98.27, True),      # a lone '.' not followed by exactly three digits is a decimal point
    ("10.234", False, 10234, False),     # Vietnamese convention first
    ("1,234", True, 1234, False),        # money and count columns: a thousands separator
    ("1,234", False, 1.234, False),      # elsewhere: a decimal comma
    ("1.234,5", False, 1234.5, False),
    ("1,234.5", False, 1234.5, False),
    (" 23 391 ", True, 23391, False),
    ("1.234.567 đ", True, 1234567, False),
    ("50.000 VNĐ", True, 50000, False),
])
def test_numbers(text, grouped, value, pct):
    number = parse_number(text, grouped=grouped)
    assert number.value == pytest.approx(value)
    assert number.is_percent is pct


@pytest.mark.parametrize("text", ["không rõ", "12a", "1.2.3,4,5", ""])
def test_not_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("raw, expected", [
    ("Có", True), ("không", False), ("x", True), ("", None), (None, None), ("1", True), ("0", False),
    ("TRUE", True), ("false", False), ("Đã", True), ("Chưa", False), (1, True), ("  CÓ ", True),
])
def test_yes_no(raw, expected):
    assert parse_bool(raw) is expected


def test_yes_no_rejects_other_text():
    with pytest.raises(ValueError):
        parse_bool("có lẽ")


@pytest.mark.parametrize("raw, expected, has_time", [
    ("05/06/2024", datetime(2024, 6, 5), False),
    ("05/06/2024 14:30", datetime(2024, 6, 5, 14, 30), True),
    ("05/06/2024 14:30:15", datetime(2024, 6, 5, 14, 30, 15), True),
    ("2024-06-05", datetime(2024, 6, 5), False),
    ("2024-06-05T08:00:00", datetime(2024, 6, 5, 8), True),
    (45448, datetime(2024, 6, 5), False),           # Excel serial of 2024-06-05
    ("45448.5", datetime(2024, 6, 5, 12), True),
    ("2024-06-05T01:00:00Z", datetime(2024, 6, 5, 8), True),          # UTC → Asia/Ho_Chi_Minh
    ("2024-06-05 08:00:00+07:00", datetime(2024, 6, 5, 8), True),
])
def test_dates(raw, expected, has_time):
    parsed = parse_datetime(raw)
    assert parsed.value == expected
    assert parsed.has_time is has_time


def test_impossible_date_is_rejected():
    with pytest.raises(ValueError, match="không tồn tại"):
        parse_datetime("31/02/2024")


def test_bare_date_deadline_is_end_of_day():
    assert end_of_day_if_date_only(parse_datetime("10/06/2024")) == datetime(2024, 6, 10, 23, 59, 59, 999999)


def test_no_data_phrases():
    assert is_no_data_text("Chưa đánh giá được")
    assert is_no_data_text("Đang thống kê")
    assert not is_no_data_text("85%")
    assert is_no_data_text("Chưa báo cáo") and is_no_data_text("-") and is_no_data_text("Không áp dụng")
    assert not is_no_data_text("") and not is_no_data_text("12 (ước tính)") and not is_no_data_text(12)
