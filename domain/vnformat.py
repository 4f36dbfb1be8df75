"""Numbers, percentages and months as Vietnamese readers see them (`23.391`, `98,27%`, `tháng 06/2024`).

Round only here, where people read a figure; stored figures keep full precision (SPEC §4).
"""
from __future__ import annotations

from fractions import Fraction


def vn_number(value: float, decimals: int = 2) -> str:
    """23391 → "23.391", 0.98 → "0,98"."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_pct(numerator: float, denominator: float) -> str:
    return vn_number(float(Fraction(str(numerator)) * 100 / Fraction(str(denominator))), 2) + "%"


def points(value: float) -> str:
    return f"{vn_number(value, 3)} điểm"


def vn_month(report_month: str) -> str:
    """"2024-06" → "tháng 06/2024"."""
    year, month = str(report_month).split("-")
    return f"tháng {month}/{year}"
