"""Publication that stays put (issue 16): `dti publish` freezes a month as a numbered version; a late file that
changes a published figure is logged in marts.restatements with the file that caused it, once; the published
copy never moves; only `dti publish` makes the next version."""
from datetime import datetime

import duckdb
from typer.testing import CliRunner

from domain.paths import month_out_dir, warehouse_path
from dti.cli import app
from pipelines.launch import run_month
from tests.builders import JUNE, dti_workbook


def publish() -> None:
    result = CliRunner().invoke(app, ["publish", "2024-06"], prog_name="dti")
    assert result.exit_code == 0, result.output


def test_a_late_file_restates_a_published_month(env):
    dti_workbook("PHUONG_8", JUNE, datetime(2024, 6, 11, 9), {"V.3": (0.5, "Có"), "V.5": (1, "Có")})
    dti_workbook("PHUONG_1", JUNE, datetime(2024, 6, 11, 9))
    assert run_month(JUNE)
    publish()
    assert (month_out_dir("2024-06") / "published" / "bao_cao_cds_2024-06_v1.xlsx").exists()
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        published = dict(con.execute("select unit_code, total_score from marts.published_summary "
                                     "where version = 1").fetchall())
        ranks = dict(con.execute("select unit_code, rank from marts.published_summary where version = 1").fetchall())
    assert (ranks["PHUONG_8"], ranks["PHUONG_1"]) == (1, 2)
    assert len(published) == 18

    # PHUONG_1 sends a corrected workbook after publication: the same two answers as PHUONG_8, so it ties.
    dti_workbook("PHUONG_1", JUNE, datetime(2024, 6, 14, 9), {"V.3": (0.5, "Có"), "V.5": (1, "Có")},
                 name="PHUONG_1_bo_sung.xlsx")
    assert run_month(JUNE)
    assert run_month(JUNE)  # logged once
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        logged = con.execute("""select unit_code, criterion_code, figure, published_value, current_value, caused_by,
                                       version from marts.restatements order by figure, criterion_code""").fetchall()
        frozen = dict(con.execute("select unit_code, total_score from marts.published_summary "
                                  "where version = 1").fetchall())
    p1 = published["PHUONG_1"]
    cause = "2024-06/units/PHUONG_1_bo_sung.xlsx"
    assert logged == [
        ("PHUONG_1", None, "achieved_rank", 2.0, 1.0, cause, 1),
        ("PHUONG_1", "V.3", "achieved_score", None, 0.5, cause, 1),  # unanswered: no score
        ("PHUONG_1", "V.5", "achieved_score", None, 1.0, cause, 1),
        ("PHUONG_1", None, "achieved_total", p1, p1 + 1.5, cause, 1),
        ("PHUONG_1", None, "rank", 2.0, 1.0, cause, 1),
        ("PHUONG_1", None, "total_score", p1, p1 + 1.5, cause, 1),
    ]
    assert frozen == published  # the published copy never moves

    publish()  # version 2 carries the new figures: nothing to restate against it
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        assert con.execute("select count(*), max(version) from marts.restatements").fetchone() == (6, 1)
        assert con.execute("select total_score from marts.published_summary where version = 2 "
                           "and unit_code = 'PHUONG_1'").fetchone()[0] == p1 + 1.5
