"""The appraisal round (SPEC §6, issue 16) through the real job and the real CLI: `dti appraisal` writes the
communes' workbooks, a filled one comes back through appraisal/ and moves achieved_score, achieved_total and
achieved_rank by exactly what the appraisers changed; bad values are failure rows and change nothing; a later
appraisal wins and the earlier one stays in the history."""
from datetime import datetime
from pathlib import Path

import duckdb
from openpyxl import load_workbook
from typer.testing import CliRunner

from domain.paths import appraisal_dir, inbox_dir, warehouse_path
from dti.cli import app
from pipelines.launch import run_month
from tests.builders import JUNE, dti_workbook, set_mtime

COMMUNES = 17


def summary(con) -> dict[str, tuple]:
    return {u: (t, r, at, ar) for u, t, r, at, ar in con.execute(
        "select unit_code, total_score, rank, achieved_total, achieved_rank from marts.dti_summary "
        "where report_month = '2024-06'").fetchall()}


def fill(form: Path, target: Path, scores: dict[str, tuple], received: datetime, month_label: str | None = None,
         unit_label: str | None = None) -> Path:
    """The appraisers' work: a score and a comment per criterion in the form `dti appraisal` wrote."""
    wb = load_workbook(form)
    ws = wb["ThamDinh"]
    ws["B5"] = "Trần Thẩm Định"
    if month_label:
        ws["B4"] = month_label
    if unit_label:
        ws["B3"] = unit_label
    rows = {ws.cell(r, 1).value: r for r in range(8, ws.max_row + 1)}
    for code, (score, comment) in scores.items():
        ws.cell(rows[code], 8, score)
        ws.cell(rows[code], 9, comment)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return set_mtime(target, received)


def test_an_appraisal_round_trip(env):
    # PHUONG_8 answers Có to V.3 (0,5 point) and V.5 (1 point); PHUONG_1 sends the same workbook without them.
    dti_workbook("PHUONG_8", JUNE, datetime(2024, 6, 11, 9), {"V.3": (0.5, "Có"), "V.5": (1, "Có")})
    dti_workbook("PHUONG_1", JUNE, datetime(2024, 6, 11, 9))
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        before = summary(con)
    p8, p1 = before["PHUONG_8"][0], before["PHUONG_1"][0]
    assert abs(p8 - p1 - 1.5) < 1e-9
    assert (before["PHUONG_8"][1], before["PHUONG_1"][1]) == (1, 2)
    assert all(row[2] == row[0] and row[3] == row[1] for row in before.values())  # nothing appraised yet

    result = CliRunner().invoke(app, ["appraisal", "2024-06"], prog_name="dti")
    assert result.exit_code == 0, result.output
    forms = sorted(appraisal_dir("2024-06").glob("ThamDinh_*_2024-06.xlsx"))
    assert len(forms) == COMMUNES and not (appraisal_dir("2024-06") / "ThamDinh_TPVT_2024-06.xlsx").exists()
    form = appraisal_dir("2024-06") / "ThamDinh_PHUONG_8_2024-06.xlsx"
    ws = load_workbook(form)["ThamDinh"]
    assert [ws.cell(7, c).value for c in (1, 3, 4, 5, 8, 9)] == [
        "Mã tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Điểm tính từ dữ liệu", "Điểm UBND cấp huyện thẩm định",
        "Ý kiến thẩm định"]
    v3 = next(r for r in range(8, ws.max_row + 1) if ws.cell(r, 1).value == "V.3")
    assert [ws.cell(v3, c).value for c in (3, 4, 5)] == [0.5, 0.5, 0.5]
    assert ws.protection.sheet and not ws.cell(v3, 8).protection.locked and ws.cell(v3, 5).protection.locked
    ranges = {(dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert ("0", "0.5") in ranges and ("-1", "0") in ranges  # a penalty's range is max…0

    appraisal = inbox_dir() / "2024-06" / "appraisal"
    # The appraisers take V.3 and V.5 back to 0; I.2's 7 is above its maximum of 1: a failure row, nothing else.
    fill(form, appraisal / "ThamDinh_PHUONG_8_2024-06.xlsx",
         {"V.3": (0, "Chưa có kế hoạch"), "V.5": (0, "Không có tài liệu"), "I.2": (7, None)},
         datetime(2024, 6, 20, 9))
    fill(form, appraisal / "tpvt.xlsx", {"V.3": (0, None)}, datetime(2024, 6, 20, 9), unit_label="TPVT")
    fill(form, appraisal / "thang7.xlsx", {"V.3": (0, None)}, datetime(2024, 6, 20, 9), month_label="2024-07")
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        after = summary(con)
        failures = con.execute("select file_name, row_number, check_name, failure_value, message "
                               "from quality.validation_failures where source = 'appraisal' order by all").fetchall()
        scores = dict(((c), (f, a, ach)) for c, f, a, ach in con.execute(
            "select criterion_code, final_score, appraised_score, achieved_score from marts.dti_scores "
            "where report_month = '2024-06' and unit_code = 'PHUONG_8' and criterion_code in ('V.3', 'V.5', 'I.2')"
        ).fetchall())
        status = con.execute("select unit_code, received, on_time, rows_loaded, rows_rejected from "
                             "marts.submission_status where source = 'appraisal' and received").fetchall()
    assert {u: row[:2] for u, row in after.items()} == {u: row[:2] for u, row in before.items()}  # final unchanged
    assert abs(after["PHUONG_8"][2] - (p8 - 1.5)) < 1e-9 and abs(after["PHUONG_8"][2] - p1) < 1e-9
    assert (after["PHUONG_8"][3], after["PHUONG_1"][3]) == (1, 1)  # tied now: 1, 1, and the rest third
    assert {row[3] for u, row in after.items() if u not in ("PHUONG_8", "PHUONG_1", "TPVT")} == {3}
    assert scores["V.3"] == (0.5, 0.0, 0.0) and scores["V.5"] == (1.0, 0.0, 0.0)
    assert scores["I.2"][1] is None and scores["I.2"][2] == scores["I.2"][0]  # the bad 7 changed nothing
    assert [(f, r, c, v) for f, r, c, v, _ in failures] == [
        ("ThamDinh_PHUONG_8_2024-06.xlsx", 9, "appraisal_out_of_range", "7"),  # I.2: the second criterion
        ("thang7.xlsx", None, "misfiled", "2024-07"),
        ("tpvt.xlsx", None, "appraisal_not_commune", "TPVT")]
    assert "ngoài khoảng 0…1" in failures[0][4]
    assert status == [("PHUONG_8", True, True, 2, 1)]

    # A second appraisal of V.5, received later, wins; the first stays in the history.
    fill(form, appraisal / "ThamDinh_PHUONG_8_2024-06_lan2.xlsx", {"V.5": (0.5, "Đã bổ sung")},
         datetime(2024, 6, 25, 9))
    assert run_month(JUNE)
    assert run_month(JUNE)  # and running again adds nothing
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        again = summary(con)
        history = con.execute("select criterion_code, appraised_score, file_name from staging.appraisals "
                              "order by received_at, criterion_code").fetchall()
        comment = con.execute("select appraisal_comment from marts.dti_scores where report_month = '2024-06' "
                              "and unit_code = 'PHUONG_8' and criterion_code = 'V.5'").fetchone()[0]
    assert abs(again["PHUONG_8"][2] - (p8 - 1.0)) < 1e-9 and comment == "Đã bổ sung"
    assert (again["PHUONG_8"][3], again["PHUONG_1"][3]) == (1, 2)
    assert history == [("V.3", 0.0, "ThamDinh_PHUONG_8_2024-06.xlsx"), ("V.5", 0.0, "ThamDinh_PHUONG_8_2024-06.xlsx"),
                       ("V.5", 0.5, "ThamDinh_PHUONG_8_2024-06_lan2.xlsx")]
