"""A realistic sample inbox for `dti demo`: 29 units + TPVT, all six sources, several report months.

Sizes follow seed 003 (9 months of 2023: ~24.000 city-level and ~65.000 commune
dossiers, ~30.000 documents a month), written the way real exports arrive:
several encodings and separators, headers in varying case and accents, title
rows, Excel files — and a few genuine errors, so the demo shows a steward
what they will see.
"""
from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from domain.scoring import parse_parts
from domain.periods import ReportMonth
from domain.units import rubric_of
from outputs.template import criterion_rows, unit_indicator_rows, write_unit_workbook

from dti.sample_exports import ExportWriter, set_mtime


class SampleWriter(ExportWriter):
    """The exports, and the 30 unit workbooks filled in."""

    # -- unit workbooks ------------------------------------------------------------------------------
    def write_unit_workbooks(self, month: ReportMonth, rng: random.Random, index: int) -> None:
        indicators = unit_indicator_rows()
        for unit in self.units.itertuples(index=False):
            if unit.unit_code == "THANHTRA" and index == 1:
                continue  # one unit sends nothing in the second month
            rubric = rubric_of(unit.unit_code)
            criteria = criterion_rows(rubric) if rubric else None
            path = self._path(month, "units", f"{unit.unit_code}_{month}.xlsx")
            write_unit_workbook(path, _series(unit), month, indicators, criteria)
            self._fill_workbook(path, unit, rng, month, index)
            received = datetime(month.year, month.month, rng.randint(10, 12), rng.randint(8, 16))
            if unit.unit_code == "PHUONG_12":
                received = datetime(month.year, month.month, 16, 9)  # late
            set_mtime(path, received)
            if unit.unit_code == "PHUONG_3" and index == 0:  # a corrected workbook sent again later
                again = self._path(month, "units", f"{unit.unit_code}_{month}_bo_sung.xlsx")
                write_unit_workbook(again, _series(unit), month, indicators, criteria)
                self._fill_workbook(again, unit, rng, month, index)
                set_mtime(again, datetime(month.year, month.month, 14, 10))
        if index == 0:  # a workbook of another month dropped in this folder
            other = month.next()
            path = self._path(month, "units", f"PHUONG_7_{other}.xlsx")
            unit = next(u for u in self.units.itertuples(index=False) if u.unit_code == "PHUONG_7")
            write_unit_workbook(path, _series(unit), other, indicators, criterion_rows("commune"))
            set_mtime(path, datetime(month.year, month.month, 11, 9))

    def _fill_workbook(self, path: Path, unit, rng: random.Random, month: ReportMonth, index: int) -> None:
        wb = load_workbook(path)
        ws = wb["ThongTinChung"]
        commune = unit.level == "commune"
        staff = rng.randint(20, 35) if commune else rng.randint(8, 60)
        figures = {2: rng.randint(6000, 20000) if commune else None, 3: None, 4: rng.randint(5, 15) if commune else None,
                   5: None if commune else rng.randint(0, 5), 6: staff, 7: None if commune else rng.randint(0, 20),
                   8: None if commune else rng.randint(0, 3), 9: staff + rng.randint(-2, 5),
                   13: rng.randint(100, 160), 14: rng.randint(40, 80), 15: rng.randint(50, 90),
                   16: "Nguyễn Văn Cán Bộ", 17: "0254 3" + str(rng.randint(100000, 999999)), 18: rng.randint(3, 6)}
        if unit.level == "city":
            figures.update({6: 420, 7: 900, 9: 1400, 18: 100})
        for item, value in figures.items():
            if value is not None:
                ws.cell(7 + item, 3, value)
        if figures.get(2) and figures.get(3) is None:
            ws.cell(10, 3, int(figures[2] * 0.93))
        ws = wb["ChiTieu"]
        for row in range(4, ws.max_row + 1):
            code = ws.cell(row, 1).value
            roll = rng.random()
            if unit.level == "department" and code.startswith("XHS") and code not in ("XHS-08", "XHS-09", "XHS-14"):
                continue  # society figures come from wards and communes
            if roll < 0.08:
                ws.cell(row, 5, rng.choice(["Chưa đánh giá được", "Đang thống kê", "Chưa báo cáo", "-"]))
            elif roll < 0.15:
                ws.cell(row, 5, f"{rng.uniform(60, 100):.2f}".replace(".", ",") + "%")
            else:
                den = rng.randint(20, 400) if unit.level != "commune" else rng.randint(500, 9000)
                num = int(den * rng.uniform(0.55, 1.0))
                ws.cell(row, 3, num)
                ws.cell(row, 4, den)
                ws.cell(row, 5, round(num / den, 4)).number_format = "0.00%"
        if unit.unit_code == "PHUONG_5":  # a numerator larger than its denominator
            ws.cell(4, 3, 120)
            ws.cell(4, 4, 100)
        if unit.unit_code == "TUPHAP":
            ws.cell(5, 4, "không rõ")  # not a number
        if "DTI" in wb.sheetnames:
            ws = wb["DTI"]
            parts = {c.criterion_code: len(parse_parts(c.params))
                     for c in criterion_rows(rubric_of(unit.unit_code)).itertuples(index=False) if c.rule == "parts"}
            for row in range(4, ws.max_row + 1):
                max_points = ws.cell(row, 3).value
                code = ws.cell(row, 1).value
                if max_points is None:
                    continue
                if max_points < 0:
                    ws.cell(row, 5, "Không")
                    ws.cell(row, 4, 0)
                    continue
                ws.cell(row, 4, round(max_points * rng.choice([1, 1, 1, 0.75, 0.5]), 2))
                if code in parts:  # answered part by part (SPEC §7 Parts)
                    ws.cell(row, 5, "; ".join(rng.choice(["Có", "Có", "Có", "Không"]) for _ in range(parts[code])))
                else:
                    ws.cell(row, 5, rng.choice(["Có", "Có", "Có", "Không"]))
                if code in ("I.2", "I.3", "I.4", "VI.2.1", "VIII.8"):
                    den = rng.randint(4, 30)
                    ws.cell(row, 6, rng.randint(den // 2, den))
                    ws.cell(row, 7, den)
                elif code in ("VIII.5", "VIII.6", "VIII.7") and figures.get(2):  # Mẫu số: item 2 of ThongTinChung
                    ws.cell(row, 6, int(figures[2] * rng.uniform(0.15, 0.95)))
            if unit.unit_code == "RACH_DUA":
                ws.cell(4, 4, 3)  # above the criterion's 1 point
        wb.save(path)


def _series(unit):
    import pandas as pd

    return pd.Series(unit._asdict())



def write_sample_inbox(inbox: Path, months: list[ReportMonth], seed: int = 2024) -> int:
    writer = SampleWriter(inbox, seed)
    for index, month in enumerate(months):
        rng = random.Random(f"{seed}-{month}")
        writer.write_procedures(month)
        writer.write_onestop(month, rng)
        writer.write_qlvb(month, rng)
        writer.write_ioc(month, rng)
        for source in ("onestop", "procedures", "qlvb", "ioc_feedback", "ioc_accounts"):  # exported on the 11th
            for path in (inbox / str(month) / source).iterdir():
                set_mtime(path, datetime(month.year, month.month, 11, 7, 30))
        writer.write_unit_workbooks(month, rng, index)
    return writer.files
