"""Unit codes and the alias list that resolves free-text unit names to them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from domain import reference
from domain.textnorm import match_key

_UBND = re.compile(r"^(ubnd|uy ban nhan dan|ủy ban nhân dân|ủy ban nhân dân)\s+")


@dataclass(frozen=True)
class Unit:
    code: str
    level: str  # city | department | commune
    name_vi: str
    short_name_vi: str
    sort_order: int


def unit_key(name: object, accents: bool = True) -> str:
    """Key for a unit name: case, spacing, Unicode form and the "UBND " prefix ignored."""
    key = match_key(name, accents=accents)
    key = _UBND.sub("", key)
    # "Văn hóa và Thông tin" = "Văn hóa - Thông tin" = "Văn hóa & Thông tin": no two units differ by "và"
    return " ".join(word for word in key.split() if word not in ("và", "va"))


@lru_cache(maxsize=1)
def load_units() -> tuple[Unit, ...]:
    return tuple(Unit(r.unit_code, r.level, r.name_vi, r.short_name_vi, int(r.sort_order))
                 for r in reference.units().itertuples(index=False))


@lru_cache(maxsize=1)
def load_aliases() -> tuple[tuple[str, str], ...]:
    return tuple(zip(reference.unit_aliases()["unit_code"], reference.unit_aliases()["alias"]))


class UnitResolver:
    """Resolves names through the alias list; an unknown name resolves to None, never a guess."""

    def __init__(self, units=None, aliases=None):
        units = units if units is not None else load_units()
        aliases = aliases if aliases is not None else load_aliases()
        self.codes = {u.code for u in units}
        names = [(u.code, u.name_vi) for u in units] + [(u.code, u.short_name_vi) for u in units] + list(aliases)
        self._exact: dict[str, str] = {}
        folded: dict[str, set[str]] = {}
        for code, name in names:
            self._exact.setdefault(unit_key(name), code)
            folded.setdefault(unit_key(name, accents=False), set()).add(code)
        # Folding accents is used only where it cannot confuse two units.
        self._folded = {k: next(iter(v)) for k, v in folded.items() if len(v) == 1}

    def resolve(self, name: object) -> str | None:
        if name is None:
            return None
        text = str(name).strip()
        if text.upper() in self.codes:
            return text.upper()
        return self._exact.get(unit_key(text)) or self._folded.get(unit_key(text, accents=False))


def rubric_of(unit_code: str | None) -> str | None:
    """The DTI rubric a unit is scored by (units.csv `rubric`, the one place it is written): the district one for
    the city (TPVT), the commune one for a ward or commune; departments and unknown units have none."""
    return _rubrics().get(unit_code)


@lru_cache(maxsize=1)
def _rubrics() -> dict[str, str | None]:
    units = reference.units()
    return {code: rubric if isinstance(rubric, str) else None for code, rubric in zip(units["unit_code"], units["rubric"])}
