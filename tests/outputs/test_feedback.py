"""`dti feedback`: a workbook per unit with something to act on (failures, warnings, a commune's chances to gain
points, a department's duties for TPVT), and the steward's summary."""
from datetime import datetime

import duckdb
from openpyxl import load_workbook

from pipelines.launch import run_month
from domain import reference
from outputs.excel_style import excel_safe
from outputs.feedback import write_feedback
from outputs.feedback_points import SHOWN
from warehouse.connection import query
from domain.paths import inbox_dir, warehouse_path
from tests.builders import CHITIEU_ROW, JUNE, ONESTOP_HEADERS, dossier, write_text, write_workbook


def test_formula_injection_is_escaped():
    assert excel_safe("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert excel_safe("+1") == "'+1" and excel_safe("@SUM(A1)") == "'@SUM(A1)" and excel_safe("-2") == "'-2"
    assert excel_safe("Phường 8") == "Phường 8" and excel_safe(12) == 12


def test_feedback_workbooks(env, tmp_path):
    write_workbook("VHTT", {"CQS-09": (5, 3, None)}, datetime(2024, 6, 11, 9))      # numerator > denominator
    write_workbook("PHUONG_1", {"CQS-09": (3, 5, None)}, datetime(2024, 6, 11, 9))  # clean
    write_text(inbox_dir() / "2024-06" / "onestop" / "d.csv", ONESTOP_HEADERS, [
        dossier("A1", unit="Phường 8", fee="=cmd|' /C calc'!A0"),   # a formula smuggled into a cell
        dossier("A2", unit="Phường 8", received="31/02/2024"),
        dossier("A3", unit="Phường 99"),                            # no unit to send it to: the steward's
    ])
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        written = write_feedback(con, JUNE, tmp_path / "fb")
    units = reference.units()
    everyone = sorted(f"{u}_2024-06.xlsx" for u in units["unit_code"] if u != "TPVT")  # TPVT had nothing to fix
    assert sorted(p.name for p in written) == [*everyone, "_TONG_HOP_2024-06.xlsx"]
    assert load_workbook(tmp_path / "fb" / "PHUONG_8_2024-06.xlsx").sheetnames == ["Lỗi cần sửa", "Cơ hội tăng điểm"]
    assert load_workbook(tmp_path / "fb" / "PHUONG_1_2024-06.xlsx").sheetnames == ["Cơ hội tăng điểm"]
    assert load_workbook(tmp_path / "fb" / "VHTT_2024-06.xlsx").sheetnames == ["Lỗi cần sửa", "Nhiệm vụ cung cấp"]
    assert load_workbook(tmp_path / "fb" / "KINHTE_2024-06.xlsx").sheetnames == ["Nhiệm vụ cung cấp"]

    ws = load_workbook(tmp_path / "fb" / "PHUONG_8_2024-06.xlsx").active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6)]  # 3 title lines, a gap, the header
    assert [r[3] for r in rows] == [2, 3]                      # the file's rows 2 and 3, in order
    assert rows[0][5] == "'=cmd|' /C calc'!A0" and rows[0][6] == "Không phải số"
    assert ws.cell(6, 6).data_type == "s"                      # stored as text, not a formula
    assert rows[1][4] == "Ngày tiếp nhận" and rows[1][6] == "Ngày không tồn tại"
    vhtt = load_workbook(tmp_path / "fb" / "VHTT_2024-06.xlsx").active
    assert [c.value for c in vhtt[6]][1:5] == ["VHTT.xlsx", "ChiTieu", CHITIEU_ROW["CQS-09"], "Tử số"]

    summary = load_workbook(tmp_path / "fb" / "_TONG_HOP_2024-06.xlsx")
    counts = [[c.value for c in row] for row in summary["Tổng hợp"].iter_rows(min_row=5)]
    assert ["(chưa xác định)", None, "Một cửa (hồ sơ TTHC)", "Không xác định được đơn vị", 1] in counts
    assert ["PHUONG_8", "Phường 8", "Một cửa (hồ sơ TTHC)", "Không phải số", 1] in counts
    assert summary["Chưa xác định đơn vị"].cell(5, 6).value == "Phường 99"


def test_warnings_reach_the_unit_and_the_steward_apart_from_failures(env, tmp_path):
    from tests.builders import unit_workbook

    unit_workbook(inbox_dir() / "2024-06" / "units" / "P2.xlsx", "PHUONG_2", JUNE, datetime(2024, 6, 11, 9),
                  indicators={"XHS-06": (None, None, "88,5%")})   # a bare percentage: accepted, flagged
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        written = write_feedback(con, JUNE, tmp_path / "fb")
    assert "PHUONG_2_2024-06.xlsx" in {p.name for p in written}
    unit = load_workbook(tmp_path / "fb" / "PHUONG_2_2024-06.xlsx")
    assert unit["Lỗi cần sửa"].cell(3, 1).value.startswith("Số lỗi: 0.")
    flagged = [[c.value for c in row] for row in unit["Cần xác nhận"].iter_rows(min_row=5)]
    assert len(flagged) == 1 and flagged[0][:6] == ["Biểu mẫu đơn vị", "P2.xlsx", "ChiTieu", flagged[0][3],
                                                    "Kết quả (%)", "88.5"]
    assert "không có tử số/mẫu số" in flagged[0][7]
    summary = load_workbook(tmp_path / "fb" / "_TONG_HOP_2024-06.xlsx")
    assert summary["Tổng hợp"].cell(2, 1).value.endswith("cảnh báo (không loại bỏ số liệu): 1")
    assert [c.value for c in summary["Cảnh báo"][5]][0] == "PHUONG_2"


def test_a_commune_sees_how_to_gain_points_and_a_department_its_duties(env, tmp_path):
    # PHUONG_8: 3 dossiers, 2 of them online; its answers leave most criteria below full points.
    write_text(inbox_dir() / "2024-06" / "onestop" / "d.csv", ONESTOP_HEADERS, [
        dossier("A1", unit="Phường 8"), dossier("A2", unit="Phường 8"),
        dossier("A3", unit="Phường 8", channel="Trực tiếp", remote="Không", paid="Không")])
    write_workbook("PHUONG_8", {}, datetime(2024, 6, 11, 9))
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        write_feedback(con, JUNE, tmp_path / "fb")
        mart = con.execute("select criterion_code, needed, needed_count, gain from marts.dti_headroom "
                           "where report_month = '2024-06' and unit_code = 'PHUONG_8'").fetchall()
        shown = query(con, "unit_headroom", report_month="2024-06", unit_code="PHUONG_8").head(SHOWN)
        tpvt = dict(con.execute("select criterion_code, final_score from marts.dti_scores "
                                "where report_month = '2024-06' and unit_code = 'TPVT'").fetchall())
        maxima = dict(con.execute("select criterion_code, max_points from marts.dti_scores "
                                  "where report_month = '2024-06' and unit_code = 'TPVT'").fetchall())
    sheet = load_workbook(tmp_path / "fb" / "PHUONG_8_2024-06.xlsx")["Cơ hội tăng điểm"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6) if row[0].value]
    assert len(mart) > SHOWN and [(r[0], r[5]) for r in rows] == list(zip(shown["criterion_code"], shown["needed"]))
    counted = [r for r in rows if r[6] is not None]
    assert counted and rows[:len(counted)] == counted                 # rows with a record count come first
    per_record = [gain / max(n, 1) for _, _, n, gain in sorted(
        (m for m in mart if m[2] is not None), key=lambda m: -m[3] / max(m[2], 1))]
    assert per_record == sorted(per_record, reverse=True)
    duties = reference.criterion_duties()
    kinhte = load_workbook(tmp_path / "fb" / "KINHTE_2024-06.xlsx")["Nhiệm vụ cung cấp"]
    listed = [[c.value for c in row] for row in kinhte.iter_rows(min_row=5) if row[0].value]
    supplied = list(duties.loc[duties.unit_code == "KINHTE", "criterion_code"])
    at_full = [c for c in supplied if tpvt.get(c) is not None and tpvt[c] >= maxima[c]]
    assert [r[0] for r in listed] == [c for c in supplied if c not in at_full]   # what is missing, in rubric order
    vii1 = next(r for r in listed if r[0] == "VII.1")
    shown_score = "chưa có" if tpvt["VII.1"] is None else f"{tpvt['VII.1']:g}".replace(".", ",")
    assert vii1[2] == f"{shown_score} / {maxima['VII.1']:g}"      # TPVT's score this month / the maximum
