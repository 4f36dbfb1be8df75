"""Hand-scored golden forms: one report month (2024-06) through the real pipeline, every criterion of PHUONG_8
(rubric `commune`) and TPVT (rubric `district`), the summary of all 18 units and the indicators of both, compared
row by row with values worked out by hand from the SPEC and the rules data (tests/golden/*.csv, column `how`).

The fixture inbox is tests/golden/inbox.py. Every mismatch is collected, so one run lists them all.
"""
from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from domain import reference
from pipelines.launch import run_month
from domain.paths import inbox_dir, warehouse_path
from domain.periods import ReportMonth
from tests.golden.inbox import write_golden_inbox

JUNE = ReportMonth(2024, 6)
GOLDEN = Path(__file__).resolve().parents[1] / "golden"
GROUPS = [f"group_{g}" for g in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")]
SCORED_UNITS = {"PHUONG_8": "commune", "TPVT": "district"}


def _csv(name: str) -> list[dict]:
    with open(GOLDEN / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _num(text: str):
    return None if text is None or text.strip() == "" else float(text)


def _same(expected, got) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return float(got) == pytest.approx(expected, abs=1e-9)


def _show(value) -> str:
    return "null" if value is None else f"{float(value):.6g}"


def test_golden_csv_covers_every_criterion_of_both_rubrics():
    criteria = reference.rubric_criteria()
    golden = {(r["unit_code"], r["criterion_code"]) for r in _csv("golden_2024-06.csv")}
    for unit, rubric in SCORED_UNITS.items():
        wanted = set(criteria[(criteria["rubric"] == rubric) & (criteria["level"] == "criterion")]["criterion_code"])
        assert {c for u, c in golden if u == unit} == wanted, unit


@pytest.fixture
def golden_month(env):
    write_golden_inbox(inbox_dir())
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        yield con


def _score_mismatches(con) -> list[str]:
    got = {(u, c): (computed, final, basis) for u, c, computed, final, basis in con.execute(
        "select unit_code, criterion_code, computed_score, final_score, basis from marts.dti_scores "
        "where report_month = ? and unit_code in ('PHUONG_8', 'TPVT')", [str(JUNE)]).fetchall()}
    out = []
    expected_keys = set()
    for row in _csv("golden_2024-06.csv"):
        key = (row["unit_code"], row["criterion_code"])
        expected_keys.add(key)
        where = f"dti_scores {key[0]} {key[1]}"
        if key not in got:
            out.append(f"{where}: no row in marts.dti_scores (expected final {row['final_score']}; {row['how']})")
            continue
        computed, final, basis = got[key]
        for column, want, have in (("computed_score", _num(row["computed_score"]), computed),
                                   ("final_score", _num(row["final_score"]), final)):
            if not _same(want, have):
                out.append(f"{where} {column}: expected {_show(want)}, got {_show(have)} "
                           f"| by hand: {row['how']} | engine basis: {basis}")
    for key in sorted(set(got) - expected_keys):
        out.append(f"dti_scores {key[0]} {key[1]}: a row the rubric does not have")
    return out


def _summary_mismatches(con) -> list[str]:
    columns = [*GROUPS, "bonus_penalty", "total_score", "rank"]
    got = {r[0]: dict(zip(columns, r[1:])) for r in con.execute(
        f"select unit_code, {', '.join(columns)} from marts.dti_summary where report_month = ?",
        [str(JUNE)]).fetchall()}
    out = []
    expected = _csv("golden_summary_2024-06.csv")
    for row in expected:
        unit = row["unit_code"]
        if unit not in got:
            out.append(f"dti_summary {unit}: no row")
            continue
        for column in columns:
            want, have = _num(row[column]), got[unit][column]
            if not _same(want, have):
                out.append(f"dti_summary {unit} {column}: expected {_show(want)}, got {_show(have)} | by hand: "
                           f"{row['how']}")
    for unit in sorted(set(got) - {r["unit_code"] for r in expected}):
        out.append(f"dti_summary {unit}: a unit that should have no summary row")
    return out


def _indicator_mismatches(con) -> list[str]:
    got = {(u, c): (status, n, d) for u, c, status, n, d in con.execute(
        "select unit_code, indicator_code, status, numerator, denominator from marts.indicator_attainment "
        "where report_month = ? and unit_code in ('PHUONG_8', 'TPVT')", [str(JUNE)]).fetchall()}
    out = []
    expected_keys = set()
    for row in _csv("golden_indicators_2024-06.csv"):
        key = (row["unit_code"], row["indicator_code"])
        expected_keys.add(key)
        where = f"indicator_attainment {key[0]} {key[1]}"
        if key not in got:
            out.append(f"{where}: no row (expected {row['status']} {row['numerator']}/{row['denominator']}; "
                       f"{row['how']})")
            continue
        status, n, d = got[key]
        want_n, want_d = _num(row["numerator"]), _num(row["denominator"])
        if status != row["status"] or not _same(want_n, n) or not _same(want_d, d):
            out.append(f"{where}: expected {row['status']} {_show(want_n)}/{_show(want_d)}, "
                       f"got {status} {_show(n)}/{_show(d)} | by hand: {row['how']}")
    for key in sorted(set(got) - expected_keys):
        status, n, d = got[key]
        # PHUONG_8's indicators without data need no row (SPEC §7 Scope of rows): only one with data is wrong.
        if status != "no_data" or n is not None or d is not None:
            out.append(f"indicator_attainment {key[0]} {key[1]}: unexpected row {status} {_show(n)}/{_show(d)}")
    return out


def test_golden_forms_2024_06(golden_month):
    mismatches = _score_mismatches(golden_month) + _summary_mismatches(golden_month) + \
        _indicator_mismatches(golden_month)
    assert mismatches == [], f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)
