"""Reference data from the seeds, read from the CSV files in domain/reference/."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from domain.paths import REFERENCE_DIR
from domain.targets import parse_target

TARGET_COLUMNS = {"national": "target_national_text", "province": "target_province_text", "city": "target_city_text"}
SCORED_GROUPS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")  # IX is bonus and penalty


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8")


def units() -> pd.DataFrame:
    frame = _read("units.csv")
    frame["sort_order"] = frame["sort_order"].astype(int)
    frame["rubric"] = frame["rubric"].where(frame["rubric"] != "", None)  # a department is scored by no rubric
    return frame


def unit_aliases() -> pd.DataFrame:
    return _read("unit_aliases.csv")


def criterion_duties() -> pd.DataFrame:
    """Which department supplies each criterion of the district rubric for TPVT (seed 004's `Đơn vị phụ trách
    cung cấp`, read into unit codes): criterion_code, unit_code, responsible_text as the seed words it."""
    return _read("criterion_duties.csv")


def indicators() -> pd.DataFrame:
    frame = _read("indicators_2024.csv")
    frame["year"] = frame["year"].astype(int)
    frame["stt"] = frame["stt"].astype(int)
    return frame


def catalogue_year(year: int, years: set[int]) -> int:
    """The year's indicator catalogue, or the latest earlier one (SPEC §7)."""
    earlier = [y for y in years if y <= year]
    return max(earlier) if earlier else min(years)


def indicator_targets(catalogue: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator × level, the original text kept beside its parsed form."""
    rows = []
    for ind in catalogue.itertuples(index=False):
        for level, column in TARGET_COLUMNS.items():
            text = getattr(ind, column)
            target = parse_target(text)
            rows.append({
                "year": ind.year, "indicator_code": ind.indicator_code, "level": level, "target_text": text,
                "comparator": target.comparator if target else None,
                "lower_bound": target.lower if target else None,
                "upper_bound": target.upper if target else None,
                "note": target.note if target else None,
            })
    return pd.DataFrame(rows)


def rubric_criteria() -> pd.DataFrame:
    """Both rubrics: groups, sections and criteria, each criterion with its scoring rule."""
    criteria = _read("rubric_criteria.csv")
    rules = _read("rubric_rules.csv")
    specific = rules[rules["rubric"] != "both"]
    shared = rules[rules["rubric"] == "both"].drop(columns="rubric")
    merged = criteria.merge(specific, on=["rubric", "criterion_code"], how="left")
    fallback = criteria[["rubric", "criterion_code"]].merge(shared, on="criterion_code", how="left")
    for column in ("rule", "params", "measure", "reading"):
        merged[column] = merged[column].where(merged[column].notna(), fallback[column])
        merged[column] = merged[column].fillna("")
    merged["max_points"] = pd.to_numeric(merged["max_points"].replace("", None), errors="coerce")
    merged["seq"] = range(len(merged))
    return merged


@dataclass(frozen=True)
class IntegrityFinding:
    rubric: str
    group_code: str
    printed_max: float
    criteria_sum: float

    @property
    def message(self) -> str:
        where = "tổng các nhóm" if self.group_code == "TOTAL" else f"nhóm {self.group_code}"
        return (f"Bộ tiêu chí {self.rubric}, {where}: điểm tối đa in trên tiêu đề là {self.printed_max:g} "
                f"nhưng cộng các tiêu chí được {self.criteria_sum:g}")


def rubric_integrity(criteria: pd.DataFrame) -> list[IntegrityFinding]:
    """Criteria must add up to their group's printed maximum, and groups I-VIII to 100."""
    findings = []
    for rubric, frame in criteria.groupby("rubric", sort=False):
        groups = frame[frame["level"] == "group"]
        total = 0.0
        for group in groups.itertuples(index=False):
            if group.group_code not in SCORED_GROUPS:
                continue
            printed = float(group.max_points)
            total += printed
            summed = frame[(frame["level"] == "criterion") & (frame["group_code"] == group.group_code)][
                "max_points"].sum()
            if abs(summed - printed) > 1e-9:
                findings.append(IntegrityFinding(rubric, group.group_code, printed, float(summed)))
        if abs(total - 100) > 1e-9:
            findings.append(IntegrityFinding(rubric, "TOTAL", 100.0, total))
    return findings


def messages_table() -> pd.DataFrame:
    return _read("messages.csv")


def messages() -> dict[str, str]:
    frame = messages_table()
    return dict(zip(frame["check_name"], frame["message_vi"]))
