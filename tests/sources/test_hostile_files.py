"""Workbooks that try to exhaust memory are refused before their XML is parsed."""
import sys
from pathlib import Path

import pytest

from sources.exports import ONESTOP
from sources.excel import read_excel_rows
from sources.formats import UnreadableFile

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import hostile_files  # noqa: E402  (the fault script's hostile files)


def test_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    hostile_files.zip_bomb(path)
    with pytest.raises(UnreadableFile, match="MB"):
        read_excel_rows(path, ONESTOP.headers, ONESTOP.required)


def test_billion_laughs_is_refused(tmp_path):
    path = tmp_path / "laughs.xlsx"
    hostile_files.billion_laughs(path)
    with pytest.raises(UnreadableFile):
        read_excel_rows(path, ONESTOP.headers, ONESTOP.required)


def test_hidden_sheet_in_front_is_not_the_form(tmp_path):
    from domain import reference
    from domain.periods import ReportMonth
    from outputs.template import criterion_rows, unit_indicator_rows, write_unit_workbook
    from sources.unit_workbook import read_unit_workbook

    path = tmp_path / "PHUONG_8.xlsx"
    unit = reference.units().set_index("unit_code", drop=False).loc["PHUONG_8"]
    write_unit_workbook(path, unit, ReportMonth(2024, 6), unit_indicator_rows(), criterion_rows("commune"))
    hostile_files.tricky_workbook(path)
    book = read_unit_workbook(path)
    assert (book.unit_code_text, book.report_month_text) == ("PHUONG_8", "2024-06")
    row = book.tables["ChiTieu"].rows[0][1]
    assert (row["numerator"], row["denominator"]) == (30, 40)  # the formula's cell has no cached value
