"""Report months: `YYYY-MM` covers [10th of the previous month, 10th of the month), Asia/Ho_Chi_Minh.

Dagster's monthly partitions with `day_offset=10` are keyed by the window's
start (`2024-05-10`); people think in report months (`2024-06`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD_DAY = 10
DEADLINE_DAY = 12
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_MONTH_SLASH = re.compile(r"^(0?[1-9]|1[0-2])\s*/\s*(\d{4})$")


def local_now() -> datetime:
    """Now, as the naive local wall time the warehouse stores (Asia/Ho_Chi_Minh)."""
    return datetime.now(TZ).replace(tzinfo=None)


@dataclass(frozen=True)
class ReportMonth:
    year: int
    month: int

    @classmethod
    def parse(cls, text: object) -> "ReportMonth":
        """`2024-06` or `06/2024`, or a date cell of a workbook's `Kỳ báo cáo` (its year and month)."""
        text = text.strftime("%Y-%m") if hasattr(text, "strftime") else str(text).strip()
        m = _MONTH.match(text)
        if m:
            return cls(int(m.group(1)), int(m.group(2)))
        m = _MONTH_SLASH.match(text)
        if m:
            return cls(int(m.group(2)), int(m.group(1)))
        raise ValueError(f"kỳ báo cáo không hợp lệ: {text!r} (cần YYYY-MM)")

    @classmethod
    def from_partition_key(cls, key: str) -> "ReportMonth":
        start = date.fromisoformat(key)
        return cls(start.year, start.month).next()

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def previous(self) -> "ReportMonth":
        return ReportMonth(self.year - 1, 12) if self.month == 1 else ReportMonth(self.year, self.month - 1)

    def next(self) -> "ReportMonth":
        return ReportMonth(self.year + 1, 1) if self.month == 12 else ReportMonth(self.year, self.month + 1)

    @property
    def year_start(self) -> str:
        """The year's first report month, `YYYY-01`: where year-to-date figures begin (SPEC §7)."""
        return f"{self.year:04d}-01"

    @property
    def partition_key(self) -> str:
        prev = self.previous()
        return f"{prev.year:04d}-{prev.month:02d}-{PERIOD_DAY:02d}"

    @property
    def start(self) -> datetime:
        """Naive local wall time of the period's first instant."""
        prev = self.previous()
        return datetime(prev.year, prev.month, PERIOD_DAY)

    @property
    def end(self) -> datetime:
        """Naive local wall time just after the period (exclusive)."""
        return datetime(self.year, self.month, PERIOD_DAY)

    @property
    def deadline(self) -> datetime:
        """Units submit by the 12th: the end of that day."""
        return datetime(self.year, self.month, DEADLINE_DAY, 23, 59, 59, 999999)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def month_of(moment: datetime) -> ReportMonth:
    """The report month a local wall-time moment belongs to."""
    if moment.day >= PERIOD_DAY:
        return ReportMonth(moment.year, moment.month).next()
    return ReportMonth(moment.year, moment.month)
