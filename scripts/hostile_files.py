"""Hostile and odd files for the fault script (scripts/faults.py) and the tests: a zip bomb, billion laughs,
a truncated workbook, a workbook with hidden sheets, merged cells, formulas and protection, and one-stop
dossier rows carrying a made-up citizen's name, ID-card and phone number."""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook

from dti.sample_exports import ONESTOP_HEADERS

CCCD, PHONE, NAME = "079199887766", "0911222333", "Lê Thị Riêng Tư"


def dossier_rows(prefix: str, n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        online = i % 3 != 0
        rows.append([f"{prefix}{i:04d}", "1.000031", "Phường 8" if i % 2 else "Phòng Văn hóa và Thông tin",
                     f"{15 + i % 10:02d}/05/2024 08:{i % 60:02d}", "30/05/2024", f"{20 + i % 5:02d}/05/2024 10:00",
                     "Trực tuyến" if online else "Trực tiếp", "Có" if online else "Không", "Toàn trình",
                     "Có" if i % 4 else "Không", "50.000" if i % 5 else "0", "Có" if online else "Không",
                     "Có", "Không", NAME, CCCD, PHONE])
    return rows


def csv_bytes(headers, rows, sep=",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    if headers:
        writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def valid_xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(ONESTOP_HEADERS)
    for row in dossier_rows("X", 3):
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros in a few hundred KB
                member.write(chunk)


def billion_laughs(path: Path) -> None:
    evil = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
            + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    source = zipfile.ZipFile(io.BytesIO(valid_xlsx_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = evil.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            archive.writestr(item, data)


def tricky_workbook(path: Path) -> None:
    """PHUONG_8's workbook again, with a hidden sheet first, merged cells, formulas and a protected sheet."""
    wb = load_workbook(path)
    hidden = wb.create_sheet("Nhap", 0)
    hidden.append(["Mã đơn vị", "SAI"])
    hidden.sheet_state = "hidden"
    ws = wb["ChiTieu"]
    ws.cell(4, 3, 30)
    ws.cell(4, 4, 40)
    ws.cell(4, 5, "=C4/D4")
    ws.protection.sheet = True
    ws.protection.password = "matkhau"
    wb.save(path)
