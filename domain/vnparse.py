"""Parsing Vietnamese spreadsheet values: numbers, percentages, dates, yes/no.

Each parser returns a value or raises `ValueError` with a short reason; the
caller turns that into a validation-failure row. Vietnamese convention comes
first: `.` groups thousands and `,` is the decimal mark (SPEC §3).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from domain.periods import TZ
from domain.textnorm import match_key

_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+$")
_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")
_CURRENCY = re.compile(r"(đồng|đ|vnđ|vnd)$", re.IGNORECASE)
EXCEL_EPOCH = datetime(1899, 12, 30)
LOCAL = TZ  # times without a zone are local (SPEC §7)


@dataclass(frozen=True)
class Number:
    value: float
    is_percent: bool = False


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, float) and raw != raw) or (isinstance(raw, str) and not raw.strip())


def is_no_data_text(raw: object) -> bool:
    """Text without a digit in a figure cell ("Chưa báo cáo", "Đang thống kê", "-", "Không áp dụng"):
    a status meaning "no data yet", not a number and not an error (SPEC §7)."""
    return isinstance(raw, str) and bool(raw.strip()) and not any(ch.isdigit() for ch in raw)


def parse_number(raw: object, grouped: bool = False) -> Number:
    """Parse `1.234.567`, `1,234,567`, `37,54`, `37,54%`, `98.27%`, or a cell's number.

    `grouped=True` is for money and count columns, where `1,234` is one
    thousand two hundred thirty-four rather than a decimal (SPEC §7).
    """
    if isinstance(raw, bool):
        raise ValueError("không phải số")
    if isinstance(raw, (int, float)):
        if raw != raw:
            raise ValueError("ô trống")
        return Number(float(raw))
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if grouped:  # money: "1.234.567 đ", "50.000 VNĐ", "50.000 đồng"
        text = _CURRENCY.sub("", text)
    is_percent = text.endswith("%")
    text = text.rstrip("%")
    if not text:
        raise ValueError("ô trống")
    if "." in text and "," in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        text = text.replace(group_mark, "").replace(decimal_mark, ".")
    elif "," in text:
        if grouped and _THOUSANDS_COMMA.match(text):
            text = text.replace(",", "")
        elif text.count(",") == 1:
            text = text.replace(",", ".")
        elif _THOUSANDS_COMMA.match(text):
            text = text.replace(",", "")
    elif "." in text and _THOUSANDS_DOT.match(text):
        text = text.replace(".", "")
    if not _PLAIN.match(text):
        raise ValueError("không phải số")
    return Number(float(text), is_percent)


_TRUE = {"co", "x", "1", "true", "da", "yes", "y", "dung", "1 0"}
_FALSE = {"khong", "0", "false", "chua", "no", "n", "sai", "0 0"}


def parse_bool(raw: object) -> bool | None:
    """`Có`/`Không`, `x`/blank, `1`/`0`, `TRUE`/`FALSE`, `Đã`/`Chưa`; blank is None."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    key = match_key(raw, accents=False)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError("không phải Có/Không")


_DMY = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
                  r"\s*(Z|[+-]\d{2}:?\d{2})?$")
_SERIAL = re.compile(r"^\d{1,6}(\.\d+)?$")


@dataclass(frozen=True)
class ParsedTime:
    value: datetime  # naive, Asia/Ho_Chi_Minh wall time
    has_time: bool


def parse_datetime(raw: object) -> ParsedTime:
    """`dd/mm/yyyy`, `dd/mm/yyyy HH:MM[:SS]`, ISO, an Excel serial, or a cell's date."""
    if isinstance(raw, datetime):
        return ParsedTime(raw.replace(tzinfo=None), raw.time() != time(0))
    if isinstance(raw, date):
        return ParsedTime(datetime.combine(raw, time(0)), False)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _from_serial(float(raw))
    text = str(raw).strip()
    if not text:
        raise ValueError("ô trống")
    for pattern, order in ((_DMY, "dmy"), (_ISO, "ymd")):
        m = pattern.match(text)
        if m:
            a, b, c, hh, mm, ss = m.groups()[:6]
            zone = m.groups()[6] if order == "ymd" else None
            day, month, year = (int(a), int(b), int(c)) if order == "dmy" else (int(c), int(b), int(a))
            try:
                value = datetime(year, month, day, int(hh or 0), int(mm or 0), int(ss or 0))
            except ValueError:
                raise ValueError("ngày không tồn tại") from None
            if zone:  # an explicit offset: convert to Asia/Ho_Chi_Minh wall time
                offset = timezone.utc if zone == "Z" else datetime.strptime(zone.replace(":", ""), "%z").tzinfo
                value = value.replace(tzinfo=offset).astimezone(LOCAL).replace(tzinfo=None)
            return ParsedTime(value, hh is not None)
    if _SERIAL.match(text):
        return _from_serial(float(text))
    raise ValueError("không phải ngày")


def _from_serial(serial: float) -> ParsedTime:
    if not 1 <= serial < 2958466:
        raise ValueError("không phải ngày")
    value = EXCEL_EPOCH + timedelta(days=serial)
    value = value.replace(microsecond=0) if value.microsecond < 500000 else (
        value + timedelta(seconds=1)).replace(microsecond=0)
    return ParsedTime(value, serial != int(serial))


def end_of_day_if_date_only(parsed: ParsedTime) -> datetime:
    """A deadline given as a bare date means the end of that day (SPEC §7)."""
    if parsed.has_time:
        return parsed.value
    return parsed.value.replace(hour=23, minute=59, second=59, microsecond=999999)
