"""The sample exports of the five systems for `dti demo` (SPEC §3.1-3.5), written the way real exports arrive:
several encodings and separators, headers in varying case and accents, title rows, Excel files, and a few
genuine errors. Header rows come from `sources/exports.py`, the one table of header spellings."""
from __future__ import annotations

import csv
import io
import os
import random
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from domain import reference
from domain.periods import ReportMonth
from domain.textnorm import strip_accents
from sources.exports import IOC_ACCOUNTS, IOC_FEEDBACK, ONESTOP, PROCEDURES, QLVB

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thị Hoa", "Đức Huy", "Ngọc Lan", "Thanh Tùng", "Thị Yến"]
DEPT_SHARE = {"VPUB": 2, "TNMT": 30, "QLDT": 20, "TCKH": 15, "VHTT": 3, "GDDT": 2, "LDTBXH": 10, "NOIVU": 2,
              "KINHTE": 10, "TUPHAP": 4, "YTE": 1, "THANHTRA": 1}
ONESTOP_HEADERS = ONESTOP.written_headers
QLVB_HEADERS = QLVB.written_headers
FEEDBACK_HEADERS = IOC_FEEDBACK.written_headers
ACCOUNT_HEADERS = IOC_ACCOUNTS.written_headers
PROCEDURE_HEADERS = PROCEDURES.written_headers


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tone marks combining."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in "\u0300\u0301\u0303\u0309\u0323"))
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            out += (base + tones).encode("cp1258")
    return bytes(out)


def _person(rng: random.Random) -> tuple[str, str, str]:
    name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
    cccd = "0" + "".join(rng.choice("0123456789") for _ in range(11))
    phone = "09" + "".join(rng.choice("0123456789") for _ in range(8))
    return name, cccd, phone


def _moment(rng: random.Random, month: ReportMonth) -> datetime:
    span = (month.end - month.start).total_seconds()
    return month.start + timedelta(seconds=rng.randrange(int(span)))


def _dmy(moment: datetime | None, with_time: bool = True) -> str:
    if moment is None:
        return ""
    return moment.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def _yn(rng: random.Random, p: float, style: str = "co") -> str:
    yes = rng.random() < p
    return {"co": ("Có", "Không"), "x": ("x", ""), "10": ("1", "0"), "tf": ("TRUE", "FALSE"),
            "da": ("Đã", "Chưa")}[style][0 if yes else 1]


def set_mtime(path: Path, moment: datetime) -> None:
    from domain.periods import TZ

    stamp = moment.replace(tzinfo=TZ).timestamp()
    os.utime(path, (stamp, stamp))


class ExportWriter:
    """Writes a month's exports into the inbox; `files` counts what it wrote."""

    def __init__(self, inbox: Path, seed: int):
        self.inbox, self.seed = inbox, seed
        self.units = reference.units()
        self.names = dict(zip(self.units["unit_code"], self.units["name_vi"]))
        self.files = 0
        rng = random.Random(seed)
        self.procedures = self._procedures(rng)

    # -- helpers -------------------------------------------------------------------------------------
    def _path(self, month: ReportMonth, source: str, name: str) -> Path:
        folder = self.inbox / str(month) / source
        folder.mkdir(parents=True, exist_ok=True)
        self.files += 1
        return folder / name

    def _write_text(self, path: Path, headers, rows, encoding: str, sep: str, title: str | None = None) -> None:
        buffer = io.StringIO()
        if title:
            buffer.write(title + "\n\n")
        writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(rows)
        text = buffer.getvalue()
        data = encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
        path.write_bytes(data)

    def _write_xlsx(self, path: Path, headers, rows, title: str | None = None) -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Sheet1")
        if title:
            ws.append([title])
            ws.append([])
        ws.append(headers)
        for row in rows:
            ws.append(row)
        wb.save(path)

    @staticmethod
    def _mess_headers(headers, rng: random.Random) -> list[str]:
        """Real exports: upper case, no accents, extra spaces."""
        style = rng.choice(["plain", "upper", "bare", "spaced"])
        if style == "upper":
            return [h.upper() for h in headers]
        if style == "bare":
            return [strip_accents(h) for h in headers]
        if style == "spaced":
            return [f" {h}  " for h in headers]
        return list(headers)

    # -- procedures ----------------------------------------------------------------------------------
    def _procedures(self, rng: random.Random) -> list[dict]:
        rows = []
        for level, count, prefix in (("Huyện", 304, "1"), ("Xã", 157, "2")):
            for i in range(count):
                full = rng.random() < 0.41
                partial = not full and rng.random() < 0.95
                rows.append({"code": f"{prefix}.{1000 + i * 7:06d}", "name": f"Thủ tục hành chính {level} số {i + 1}",
                             "level": level, "dvc": "Toàn trình" if full else ("Một phần" if partial else "Không"),
                             "eligible": full or rng.random() < 0.05, "integrated": rng.random() < 0.98,
                             "fee": rng.random() < 0.2})
        return rows

    def write_procedures(self, month: ReportMonth) -> None:
        rows = [[p["code"], p["name"], p["level"], p["dvc"], "Có" if p["eligible"] else "Không",
                 "x" if p["integrated"] else "", "Có" if p["fee"] else "Không"] for p in self.procedures]
        huyen = [r for r in rows if r[2] == "Huyện"]
        xa = [r for r in rows if r[2] == "Xã"]
        self._write_text(self._path(month, "procedures", "danh_muc_tthc_huyen.csv"), PROCEDURE_HEADERS, huyen,
                         "utf-8-sig", ";")
        self._write_xlsx(self._path(month, "procedures", "danh_muc_tthc_xa.xlsx"), PROCEDURE_HEADERS, xa,
                         title="DANH MỤC THỦ TỤC HÀNH CHÍNH CẤP XÃ")

    # -- one-stop dossiers ---------------------------------------------------------------------------
    def _dossier(self, rng, month, unit_name, procedure, serial) -> list:
        received = _moment(rng, month)
        due = (received + timedelta(days=rng.randint(1, 15))).replace(hour=17, minute=0)
        resolved = None
        if rng.random() < 0.93:
            late = rng.random() < 0.01
            resolved = received + timedelta(hours=rng.randint(2, 24 * 12))
            resolved = min(resolved, due) if not late else due + timedelta(days=rng.randint(1, 5))
        online = procedure["dvc"] != "Không" and rng.random() < 0.93
        form = "Trực tuyến" if online else rng.choice(["Trực tiếp", "Trực tiếp", "Bưu chính công ích"])
        remote = online and rng.random() < 0.96
        fee = rng.choice([20000, 50000, 100000, 150000, 300000, 1200000]) if procedure["fee"] else 0
        paid_online = fee > 0 and online and rng.random() < 0.9
        name, cccd, phone = _person(rng)
        return [f"H{month.year % 100:02d}.{serial:07d}", procedure["code"], unit_name, _dmy(received), _dmy(due, False),
                _dmy(resolved), form, _yn(rng, 1 if remote else 0), procedure["dvc"],
                _yn(rng, 0.35 if online else 0), f"{fee:,}".replace(",", "."), _yn(rng, 1 if paid_online else 0),
                _yn(rng, 0.7 if resolved else 0), _yn(rng, 0.3 if resolved else 0), name, cccd, phone]

    def write_onestop(self, month: ReportMonth, rng: random.Random) -> None:
        huyen = [p for p in self.procedures if p["level"] == "Huyện"]
        xa = [p for p in self.procedures if p["level"] == "Xã"]
        serial = 0
        dept_rows = []
        for code, share in DEPT_SHARE.items():
            for _ in range(int(2700 * share / 100 * rng.uniform(0.9, 1.1))):
                serial += 1
                dept_rows.append(self._dossier(rng, month, self.names[code], rng.choice(huyen), serial))
        # Genuine errors a steward will see: a result dated before receipt, an unknown unit, a repeated id.
        dept_rows[5][5] = _dmy(datetime.strptime(dept_rows[5][3], "%d/%m/%Y %H:%M") - timedelta(days=2))
        dept_rows[17][2] = "Phòng Kinh tế - Hạ tầng"
        dept_rows[40][0] = dept_rows[39][0]
        dept_rows[60][3] = "31/02/" + str(month.year)
        self._write_text(self._path(month, "onestop", f"motcua_cap_huyen_{month}.csv"), ONESTOP_HEADERS, dept_rows,
                         "utf-8-sig", ";", title=f"DANH SÁCH HỒ SƠ TIẾP NHẬN KỲ {month}")
        communes = self.units[self.units["level"] == "commune"]["unit_code"].tolist()
        for i, code in enumerate(communes):
            rows = []
            spelled = rng.choice([self.names[code], "UBND " + self.names[code], self.names[code].upper()])
            for _ in range(int(7200 / 17 * rng.uniform(0.7, 1.3))):
                serial += 1
                rows.append(self._dossier(rng, month, spelled, rng.choice(xa), serial))
            headers = self._mess_headers(ONESTOP_HEADERS, rng)
            kind = i % 4
            if kind == 0:
                self._write_text(self._path(month, "onestop", f"hoso_{code.lower()}.txt"), headers, rows, "utf-16",
                                 "\t")
            elif kind == 1:
                self._write_text(self._path(month, "onestop", f"hoso_{code.lower()}.csv"), headers, rows, "cp1258",
                                 ",")
            elif kind == 2:
                self._write_xlsx(self._path(month, "onestop", f"hoso_{code.lower()}.xlsx"), headers, rows,
                                 title=f"Danh sách hồ sơ {self.names[code]}")
            else:
                self._write_text(self._path(month, "onestop", f"hoso_{code.lower()}.csv"), headers, rows, "utf-8",
                                 ",")

    # -- document register ---------------------------------------------------------------------------
    def write_qlvb(self, month: ReportMonth, rng: random.Random) -> None:
        rows = []
        for unit in self.units.itertuples(index=False):
            if unit.level == "city":
                continue
            outgoing = int((150 if unit.level == "department" else 190) * rng.uniform(0.6, 1.4))
            incoming = int((700 if unit.level == "department" else 500) * rng.uniform(0.6, 1.4))
            for kind, count in (("Đi", outgoing), ("Đến", incoming)):
                for n in range(count):
                    secret = rng.choice(["Thường"] * 60 + ["Mật"])
                    out = kind == "Đi"
                    appendix = out and rng.random() < 0.2
                    paper = not out and rng.random() < 0.15
                    issuer = unit.unit_code.replace("_", "") if out else rng.choice(["UBND", "STTTT", "SNV", "VP"])
                    rows.append([f"{n + 1}/{issuer}-{'VP' if out else 'UBND'}",
                                 _dmy(_moment(rng, month), False), kind, unit.name_vi, secret,
                                 _yn(rng, 0.995, "x"), _yn(rng, 0.97 if out else 0, "x"),
                                 _yn(rng, 0.96 if out else 0, "x"), _yn(rng, 0.95 if out else 0, "x"),
                                 _yn(rng, 1 if appendix else 0, "x"), _yn(rng, 0.9 if appendix else 0, "x"),
                                 _yn(rng, 1 if paper else 0, "x"), _yn(rng, 0.85 if paper else 0, "x"),
                                 rng.choice(["Hành chính", "Đất đai", "Xây dựng", "Chuyển đổi số", "Văn hóa"]),
                                 rng.choice(["Nguyễn Văn Lãnh", "Trần Thị Đạo", "Lê Minh Chủ"])])
        rows[3][1] = "15/13/" + str(month.year)  # a month that does not exist
        half = len(rows) // 2
        self._write_text(self._path(month, "qlvb", "so_van_ban_1.csv"), QLVB_HEADERS, rows[:half], "utf-8", ",")
        self._write_text(self._path(month, "qlvb", "so_van_ban_2.txt"), QLVB_HEADERS, rows[half:], "utf-16", "\t")

    # -- IOC -----------------------------------------------------------------------------------------
    def write_ioc(self, month: ReportMonth, rng: random.Random) -> None:
        rows = []
        communes = self.units[self.units["level"] == "commune"]["name_vi"].tolist()
        for n in range(rng.randint(450, 550)):
            received = _moment(rng, month)
            due = received + timedelta(days=rng.randint(3, 10))
            done = received + timedelta(days=rng.randint(0, 12)) if rng.random() < 0.9 else None
            name, _, phone = _person(rng)
            rows.append([f"PA{month.year}{month.month:02d}{n:05d}", rng.choice(communes), _dmy(received),
                         _dmy(due, False), _dmy(done), "Đã xử lý" if done else "Đang xử lý", name, phone])
        self._write_xlsx(self._path(month, "ioc_feedback", f"phan_anh_{month}.xlsx"), FEEDBACK_HEADERS, rows,
                         title="PHẢN ÁNH HIỆN TRƯỜNG")
        accounts = []
        for unit in self.units.itertuples(index=False):
            for k in range(4 if unit.level != "city" else 6):
                leader = k < 3
                last = _moment(rng, month) if rng.random() < 0.85 else month.start - timedelta(days=40)
                name, _, _ = _person(rng)
                accounts.append([f"{unit.unit_code.lower()}.{k}", name, unit.name_vi,
                                 "Phó Chủ tịch" if leader else "Chuyên viên", _yn(rng, 1 if leader else 0, "10"),
                                 "Hoạt động" if rng.random() < 0.97 else "Khóa", _dmy(last)])
        self._write_text(self._path(month, "ioc_accounts", "tai_khoan_ioc.csv"), ACCOUNT_HEADERS, accounts,
                         "utf-8-sig", ",")
