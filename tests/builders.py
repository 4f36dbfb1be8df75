"""Builders of real fixture files, shared by the tests (no test imports another test).

Export rows (one-stop dossiers, documents, field reports, IOC accounts, the procedure catalogue), the
CSV and xlsx writers, and the unit workbook written with the product's own template writer and then
filled in the way a unit fills it (SPEC §3.6).
"""
from __future__ import annotations

import csv
import io
import os
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from domain import reference
from domain.paths import inbox_dir
from domain.periods import TZ, ReportMonth
from dti.sample_exports import encode_cp1258  # noqa: F401  the tests' Windows-1258, as the demo writes it
from sources.exports import IOC_ACCOUNTS, IOC_FEEDBACK, ONESTOP, PROCEDURES, QLVB
from domain.units import rubric_of
from outputs.template import criterion_rows, unit_indicator_rows, write_unit_workbook

# header rows as the systems write them (sources/exports.py), personal columns included
ONESTOP_HEADERS = ONESTOP.written_headers
QLVB_HEADERS = QLVB.written_headers
FEEDBACK_HEADERS = IOC_FEEDBACK.written_headers
ACCOUNT_HEADERS = IOC_ACCOUNTS.written_headers
PROCEDURE_HEADERS = PROCEDURES.written_headers

# ---------------------------------------------------------------------------------------------------- rows


def dossier(id_, unit="Phường 8", received="15/05/2024 08:00", due="20/05/2024", resolved="18/05/2024 10:00",
            channel="Trực tuyến", remote="Có", level="Toàn trình", vneid="Có", fee="50.000", paid="Có",
            digitised="Có", reused="Không", procedure="1.000031"):
    """One row of the one-stop export, in the order of `ONESTOP_HEADERS`."""
    return [id_, procedure, unit, received, due, resolved, channel, remote, level, vneid, fee, paid, digitised,
            reused, "Nguyễn Văn Dân", "079123456789", "0912345678"]


def document(number, date, direction, unit, secrecy="Thường", on_software="x", interlinked="", personal="",
             org="", appendix="", appendix_signed="", paper="", digitised="", subject="Hành chính",
             signer="Lê Minh Chủ"):
    """One row of the document register, in the order of `QLVB_HEADERS`."""
    return [number, date, direction, unit, secrecy, on_software, interlinked, personal, org, appendix,
            appendix_signed, paper, digitised, subject, signer]


def field_report(id_, unit, received, due, completed="", status=None):
    """One row of the IOC field reports, in the order of `FEEDBACK_HEADERS`."""
    status = status or ("Đã xử lý" if completed else "Đang xử lý")
    return [id_, unit, received, due, completed, status, "Phạm Thị Dân", "0987654321"]


def account(login, name, unit, position, leader, status="Hoạt động", last_login=""):
    """One row of the IOC accounts, in the order of `ACCOUNT_HEADERS`."""
    return [login, name, unit, position, leader, status, last_login]


def procedure(code, name, level, service_level, eligible, integrated, fee):
    """One row of the procedure catalogue, in the order of `PROCEDURE_HEADERS`."""
    return [code, name, level, service_level, eligible, integrated, fee]


# ---------------------------------------------------------------------------------------------------- files


def write_text(path: Path, headers, rows, encoding="utf-8", sep=",", title_lines=0):
    buffer = io.StringIO()
    for i in range(title_lines):
        buffer.write(f"BÁO CÁO HỒ SƠ DÒNG TIÊU ĐỀ {i + 1}\n")
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    text = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def write_xlsx(path: Path, headers, rows, title_rows=0):
    wb = Workbook()
    ws = wb.active
    for i in range(title_rows):
        ws.append([f"DANH SÁCH {i + 1}"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def set_mtime(path: Path, moment: datetime) -> Path:
    """The file's modification time, a wall time in Asia/Ho_Chi_Minh: when it counts as received."""
    stamp = moment.replace(tzinfo=TZ).timestamp()
    os.utime(path, (stamp, stamp))
    return path


# ---------------------------------------------------------------------------------------------------- unit workbook

DTI_FIRST_ROW = INDICATOR_FIRST_ROW = 4
GENERAL_ITEM_ROW = 7  # item i of ThongTinChung sits at row 7 + i; its value in column C


def unit_workbook(path: Path, unit_code: str, month: ReportMonth, received: datetime,
                  general: dict[int, object] | None = None,
                  indicators: dict[str, tuple] | None = None,
                  dti: dict[str, tuple] | None = None) -> Path:
    """Write the unit's workbook with `outputs.template.write_unit_workbook`, then fill it in as the unit would.

    general:    {item number: value} of ThongTinChung (column C).
    indicators: {indicator code: (Tử số, Mẫu số[, Kết quả (%)[, Ghi chú]])} of ChiTieu (columns C..F).
    dti:        {criterion code: (Điểm tự đánh giá[, Trả lời[, Tử số[, Mẫu số]]])} of DTI (columns D..G).
    The file's mtime is set to `received` (Asia/Ho_Chi_Minh).
    """
    unit = reference.units().set_index("unit_code", drop=False).loc[unit_code]
    rubric = rubric_of(unit.unit_code)
    write_unit_workbook(path, unit, month, unit_indicator_rows(), criterion_rows(rubric) if rubric else None)
    wb = load_workbook(path)
    ws = wb["ThongTinChung"]
    for item, value in (general or {}).items():
        assert ws.cell(GENERAL_ITEM_ROW + item, 1).value == item, f"ThongTinChung item {item} is not at its row"
        ws.cell(GENERAL_ITEM_ROW + item, 3, value)
    if indicators:
        ws = wb["ChiTieu"]
        rows = {ws.cell(r, 1).value: r for r in range(INDICATOR_FIRST_ROW, ws.max_row + 1)}
        for code, values in indicators.items():
            for col, value in zip((3, 4, 5, 6), values):
                ws.cell(rows[code], col, value)
    if dti:
        ws = wb["DTI"]
        rows = {ws.cell(r, 1).value: r for r in range(DTI_FIRST_ROW, ws.max_row + 1)}
        for code, values in dti.items():
            for col, value in zip((4, 5, 6, 7), values):
                ws.cell(rows[code], col, value)
    wb.save(path)
    return set_mtime(path, received)


# ---------------------------------------------------------------------------------------------------- months

JUNE, JULY = ReportMonth(2024, 6), ReportMonth(2024, 7)
# Rows of the ChiTieu sheet the template writes: headers on row 3, then the catalogue's unit-reported indicators.
CHITIEU_ROW = {code: 4 + i for i, code in enumerate(unit_indicator_rows()["indicator_code"])}


def write_workbook(unit_code: str, figures: dict[str, tuple], received: datetime, name: str | None = None,
                   month: ReportMonth = JUNE, dti_scores: dict[str, object] | None = None) -> Path:
    """`unit_workbook` in June's units/ folder: ChiTieu figures (Tử số, Mẫu số, Kết quả (%)) and DTI self scores."""
    return unit_workbook(inbox_dir() / str(JUNE) / "units" / (name or f"{unit_code}.xlsx"), unit_code, month, received,
                         indicators=figures, dti={code: (score,) for code, score in (dti_scores or {}).items()})


def dti_workbook(unit_code: str, month: ReportMonth, received: datetime, dti: dict[str, tuple] | None = None,
                 name: str | None = None) -> Path:
    """`unit_workbook` in the month's units/ folder with DTI rows (self score, answer, Tử số, Mẫu số) only."""
    return unit_workbook(inbox_dir() / str(month) / "units" / (name or f"{unit_code}.xlsx"), unit_code, month,
                         received, dti=dti)
