"""Targets as the seeds write them ("Trên 85%", "30-50%", "100% (Chỉ tiêu mới)")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from domain.textnorm import match_key, nfc

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_RANGE = re.compile(rf"^{_NUMBER}\s*%?\s*[-–]\s*{_NUMBER}\s*%?")
_SINGLE = re.compile(rf"^{_NUMBER}\s*%?")
_PREFIXES = (("tren", ">"), ("hon", ">"), ("toi thieu", ">="), ("it nhat", ">="), ("tu", ">="),
             ("duoi", "<"), ("khong qua", "<="), ("toi da", "<="))
LEVELS = ("city", "province", "national")  # the first one a target exists at is applied


@dataclass(frozen=True)
class Target:
    text: str
    comparator: str  # one of >=, >, <, <=
    lower: float
    upper: float | None = None  # a range's upper bound, kept for the record
    note: str = ""


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def parse_target(text: str | None) -> Target | None:
    """Parse a target; None when there is none ("-", blank).

    A bare figure means at least (>=), "Trên" means more than (>), a range
    "30-50%" means at least its lower bound (SPEC §7).
    """
    if text is None:
        return None
    original = nfc(str(text)).strip()
    body = original
    note = ""
    m = re.search(r"\(([^)]*)\)", body)
    if m:
        note = m.group(1).strip()
        body = (body[: m.start()] + body[m.end():]).strip()
    body = body.rstrip(".").strip()
    if not body or body in {"-", "–", "—"}:
        return None
    comparator = ">="
    key = match_key(body, accents=False)
    for prefix, comp in _PREFIXES:
        if key.startswith(prefix + " "):
            comparator = comp
            body = body.split(None, len(prefix.split()))[-1]
            break
    m = _RANGE.match(body)
    if m:
        return Target(original, comparator, _num(m.group(1)), _num(m.group(2)), note)
    m = _SINGLE.match(body)
    if m:
        return Target(original, comparator, _num(m.group(1)), None, note)
    raise ValueError(f"không hiểu chỉ tiêu: {original!r}")
