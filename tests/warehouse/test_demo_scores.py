"""On a realistic two-month demo inbox: what people read adds up — every total is its capped groups plus
group IX, every rank follows the totals, every final score follows its rule, every headroom count is the
least that reaches the next band, the contract tool finds nothing (planned columns included), and a second
run of a month gives the very same bits."""
import math
import subprocess
import sys

import duckdb

from pipelines.launch import run_month
from domain.paths import inbox_dir, warehouse_path
from domain.periods import ReportMonth
from domain import scoring
from dti.sample_inbox import write_sample_inbox
from tests.conftest import CONTRACT_TOOL

JUNE, JULY = ReportMonth(2024, 6), ReportMonth(2024, 7)
GROUPS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def competition_ranks(totals: dict[str, float]) -> dict[str, int]:
    """1, 1, 3: one more than the number of units with a strictly higher total."""
    return {unit: 1 + sum(other > total for other in totals.values()) for unit, total in totals.items()}


def rescored(rule: str, max_points: float, numerator: float, denominator: float, params: str) -> float:
    if rule == "bonus":
        return scoring.bonus(max_points, numerator, denominator, params, None, "").computed
    rule_of = scoring.ratio if rule == "ratio" else scoring.steps
    return rule_of(max_points, numerator, denominator, params).computed


def assert_headroom_counts_are_least(con) -> int:
    """Each needed_count, added to the numerator, reaches the next band; one fewer does not (SPEC §4)."""
    rows = con.execute("""
        select h.unit_code, h.criterion_code, c.rule, coalesce(c.params, ''), h.max_points, h.current_score,
               h.next_score, h.needed_count, h.numerator, h.denominator
        from marts.dti_headroom h
        join ref.rubric_criteria c on c.rubric = h.rubric and c.criterion_code = h.criterion_code
         and c.level = 'criterion'
        where h.needed_count is not null""").fetchall()
    for unit, code, rule, params, max_points, current, nxt, k, num, den in rows:
        assert rescored(rule, max_points, num + k, den, params) >= nxt - 1e-9, (unit, code, k)
        assert k == 0 or rescored(rule, max_points, num + k - 1, den, params) < nxt - 1e-9, (unit, code, k)
        assert nxt > current
    return len(rows)


def test_totals_ranks_and_final_scores_on_the_demo(env):
    write_sample_inbox(inbox_dir(), [JUNE, JULY], seed=11)
    assert run_month(JUNE) and run_month(JULY)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        caps = {(r, g): m for r, g, m in con.execute(
            "select rubric, group_code, max_points from ref.rubric_criteria where level = 'group'").fetchall()}
        finals: dict[tuple, list[float]] = {}
        for month, unit, rubric, group, final in con.execute(
                "select report_month, unit_code, rubric, group_code, final_score from marts.dti_scores").fetchall():
            finals.setdefault((month, unit, rubric, group), []).append(final or 0.0)  # a missing final counts 0
        summary = con.execute("select report_month, unit_code, rubric, " + ", ".join(f"group_{g}" for g in GROUPS)
                              + ", bonus_penalty, total_score, rank from marts.dti_summary").fetchall()
        assert len(summary) == 2 * 18
        by_month: dict[str, dict[str, float]] = {}
        for month, unit, rubric, *groups, bonus, total, rank in summary:
            for group, shown in zip(GROUPS, groups):
                worked = min(math.fsum(finals.get((month, unit, rubric, group), [])), caps[(rubric, group)])
                assert abs(shown - worked) < 1e-9, (month, unit, group)
            assert abs(bonus - math.fsum(finals.get((month, unit, rubric, "IX"), []))) < 1e-9
            assert abs(total - math.fsum([*groups, bonus])) < 1e-9, (month, unit)
            if rubric == "commune":
                by_month.setdefault(month, {})[unit] = total
        for month, totals in by_month.items():
            ranks = dict(con.execute("select unit_code, rank from marts.dti_summary where report_month = ? "
                                     "and rubric = 'commune'", [month]).fetchall())
            assert ranks == competition_ranks(totals), month
        broken = con.execute("select count(*) from marts.dti_scores where final_score is distinct from "
                             "coalesce(computed_score, self_score)").fetchone()[0]
        assert broken == 0
        # The demo's parts answers are scored part by part, and a half is a half.
        halves = con.execute("select count(*) from marts.dti_scores where criterion_code = 'I.1' "
                             "and computed_score = 0.5").fetchone()[0]
        assert halves > 0
        assert assert_headroom_counts_are_least(con) > 50
        assert con.execute("select count(*) from marts.dti_summary where achieved_total is distinct from total_score "
                           "or achieved_rank is distinct from rank").fetchone()[0] == 0  # nothing appraised yet
        before = {t: con.execute(f"select * from {t} order by all").fetchall()
                  for t in ("marts.dti_scores", "marts.dti_summary", "marts.indicator_attainment", "marts.dti_headroom")}
    result = subprocess.run([sys.executable, str(CONTRACT_TOOL), "--planned", str(warehouse_path())],
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip().endswith("contract: 0 findings"), result.stdout
    assert run_month(JULY)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        after = {t: con.execute(f"select * from {t} order by all").fetchall() for t in before}
    for table in before:  # the same bits: floats compared by their exact representation
        assert list(map(repr, after[table])) == list(map(repr, before[table])), table
