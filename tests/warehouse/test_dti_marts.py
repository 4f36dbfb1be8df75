"""Two report months through the real job: year-to-date DTI scores, summary, submission status, by hand."""

import duckdb

from pipelines.launch import run_month
from domain.paths import warehouse_path
from tests.builders import JULY, JUNE

def scores(con, month, unit):
    return {code: (self_, computed, final, basis) for code, self_, computed, final, basis in con.execute(
        "select criterion_code, self_score, computed_score, final_score, basis from marts.dti_scores "
        "where report_month = ? and unit_code = ?", [month, unit]).fetchall()}


def test_year_to_date_scores(two_months):
    assert run_month(JUNE) and run_month(JULY)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        june, july = scores(con, "2024-06", "PHUONG_8"), scores(con, "2024-07", "PHUONG_8")
        # VI.5.8 (85% full, 70% half): June 1/2 = 50% → 0; year to date in July (1+2)/(2+2) = 75% → 0,5.
        assert june["VI.5.8"][1:3] == (0, 0) and july["VI.5.8"][1:3] == (0.5, 0.5)
        assert july["VI.5.8"][0] == 0.5 and "3/4 = 75%" in july["VI.5.8"][3] and "2024-06..2024-07" in july["VI.5.8"][3]
        # VI.5.3 counts distinct procedures over the year: June P1 online of {P1, P2} = 50% → 0;
        # July adds P2 online: {P1, P2} of {P1, P2} = 100% → full.
        assert june["VI.5.3"][1] == 0 and july["VI.5.3"][1] == 1
        # II.7 from submission status: June 1/1 on time → 2; July 2/2 received, 1 on time → 50% → 1.
        assert june["II.7"][1] == 2 and july["II.7"][1] == 1
        # Declared answers are snapshots carried forward: July's workbook has no V.* answers, June's stand.
        assert july["V.1"][1:3] == (1, 1) and "tháng 06/2024" in july["V.1"][3]
        # TPVT over all units: June (1 + 1)/(2 + 1) = 66,67% → 0; July (1 + 1 + 2)/(3 + 2) = 80% → 0,5.
        assert scores(con, "2024-06", "TPVT")["VI.5.8"][1] == 0 and scores(con, "2024-07", "TPVT")["VI.5.8"][1] == 0.5
        # PHUONG_1 sent nothing in July: 1 of 2 months, on time → 1/2 × 2 = 1.
        assert scores(con, "2024-07", "PHUONG_1")["II.7"][1] == 1
        # A commune that never reported is still scored: no figures, no self score.
        assert scores(con, "2024-07", "LONG_SON")["VI.5.8"][1:3] == (None, None)

        status = {(m, u): (r, t) for m, u, r, t in con.execute(
            "select report_month, unit_code, received, on_time from marts.submission_status "
            "where source = 'units'").fetchall()}
        assert status[("2024-07", "PHUONG_1")] == (False, None)
        assert status[("2024-07", "PHUONG_8")] == (True, False) and status[("2024-06", "PHUONG_8")] == (True, True)
        assert status[("2024-06", "PHUONG_1")] == (True, True)  # 23:00 on the 12th is on time

        summary = {u: (v, total, rank) for u, v, total, rank in con.execute(
            "select unit_code, group_V, total_score, rank from marts.dti_summary where report_month = '2024-06'"
        ).fetchall()}
        # Commune group V: its criteria add up to 4, the heading says 3: capped at 3.
        assert summary["PHUONG_8"][0] == 3
        assert len(summary) == 18 and summary["TPVT"][2] is None
        ranks = sorted((r, u) for u, (_, _, r) in summary.items() if r is not None)
        assert ranks[0][1] == "PHUONG_8" and ranks[-1][0] < 17  # the silent communes share one rank
        over = con.execute("select count(*) from marts.dti_summary s join ref.rubric_criteria g "
                           "on g.rubric = s.rubric and g.level = 'group' and g.group_code = 'VI' "
                           "where s.group_VI > g.max_points").fetchone()[0]
        assert over == 0
        diffs = con.execute("select criterion_code, difference from marts.dti_discrepancies "
                            "where unit_code = 'PHUONG_8' and report_month = '2024-06' "
                            "and criterion_code = 'VI.5.8'").fetchall()
        assert diffs == [("VI.5.8", -1.0)]


def test_rerunning_a_month_leaves_every_mart_identical(two_months):
    assert run_month(JUNE) and run_month(JULY)
    tables = ["marts.indicator_attainment", "marts.unit_measures", "marts.dti_scores", "marts.dti_summary",
              "marts.submission_status", "quality.validation_failures"]

    def snapshot():
        with duckdb.connect(str(warehouse_path()), read_only=True) as con:
            return {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall())) for t in tables}

    before = snapshot()
    assert run_month(JULY)
    assert snapshot() == before
    assert run_month(JUNE)  # June again: July's rows untouched, June's the same
    assert snapshot() == before
