"""The golden fixture inbox of report month 2024-06 (2024-05-10 00:00 .. 2024-06-10 00:00, Asia/Ho_Chi_Minh).

Who sends what:
- PHUONG_8: all three sheets (commune rubric), on time (11/06); dossiers, documents, field reports, accounts.
- PHUONG_1: all three sheets, late (14/06); three dossiers, one field report, two accounts; no documents.
- VHTT:     ThongTinChung + ChiTieu (on time); three dossiers on Huyện procedures, two documents, accounts.
- TPVT:     its own workbook (district rubric), on time (12/06, 16:00).
- the 15 other communes send nothing.
The expected figures and scores, worked out by hand, are in tests/golden/*.csv; each row's `how` says why.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from domain.periods import ReportMonth
from tests.builders import ACCOUNT_HEADERS, FEEDBACK_HEADERS, ONESTOP_HEADERS, PROCEDURE_HEADERS, QLVB_HEADERS
from outputs.template import criterion_rows
from tests.builders import (account, document, dossier, field_report, procedure, set_mtime, unit_workbook,
                            write_text, write_xlsx)

MONTH = ReportMonth(2024, 6)
EXPORTED = datetime(2024, 6, 11, 7, 30)

# Procedure catalogue. Xã: eligible X1..X4, offered Toàn trình X1..X3 (3/4); Toàn trình X1..X3, integrated X1, X2
# (2/3); with fees X1, X3, X5. Huyện: eligible H1..H5, Toàn trình H1, H2, H4, H5 (4/5), all four integrated (4/4);
# with fees H1, H4, H7.
X1, X2, X3, X4, X5, X6 = "2.000101", "2.000102", "2.000103", "2.000104", "2.000105", "2.000106"
H1, H2, H3, H4, H5, H6, H7 = "1.000201", "1.000202", "1.000203", "1.000204", "1.000205", "1.000206", "1.000207"
PROCEDURES = [
    procedure(X1, "Đăng ký khai sinh", "Xã", "Toàn trình", "Có", "Có", "Có"),
    procedure(X2, "Chứng thực bản sao", "Xã", "Toàn trình", "Có", "Có", "Không"),
    procedure(X3, "Đăng ký kết hôn", "Xã", "Toàn trình", "Có", "Không", "Có"),
    procedure(X4, "Xác nhận tình trạng hôn nhân", "Xã", "Một phần", "Có", "Không", "Không"),
    procedure(X5, "Đăng ký khai tử", "Xã", "Một phần", "Không", "Không", "Có"),
    procedure(X6, "Hòa giải cơ sở", "Xã", "Không", "Không", "Không", "Không"),
    procedure(H1, "Cấp giấy phép kinh doanh karaoke", "Huyện", "Toàn trình", "Có", "Có", "Có"),
    procedure(H2, "Thông báo tổ chức lễ hội", "Huyện", "Toàn trình", "Có", "Có", "Không"),
    procedure(H3, "Công nhận câu lạc bộ thể thao", "Huyện", "Một phần", "Có", "Không", "Không"),
    procedure(H4, "Cấp phép xây dựng", "Huyện", "Toàn trình", "Có", "Có", "Có"),
    procedure(H5, "Đăng ký hộ kinh doanh", "Huyện", "Toàn trình", "Có", "Có", "Không"),
    procedure(H6, "Tiếp công dân", "Huyện", "Không", "Không", "Không", "Không"),
    procedure(H7, "Cấp giấy chứng nhận quyền sử dụng đất", "Huyện", "Một phần", "Không", "Không", "Có"),
]

# One-stop dossiers. PHUONG_8: 12 valid (10 online, 7 of them remote; 10 resolved, P8-04 and P8-07 late) + P8-13
# received at 2024-06-10 00:00, the first instant of 2024-07: rejected.
ONESTOP = [
    dossier("P8-01", "Phường 8", "10/05/2024 00:00", "15/05/2024", "14/05/2024 09:00", "Trực tuyến", "Có",
            "Toàn trình", "Có", "20.000", "Có", "Có", "Có", X1),
    dossier("P8-02", "P.8", "13/05/2024 08:30", "20/05/2024", "17/05/2024 10:00", "Trực tuyến", "Có",
            "Toàn trình", "Có", "20.000", "Có", "Có", "Có", X1),
    dossier("P8-03", "UBND Phường 8", "15/05/2024 09:00", "22/05/2024", "21/05/2024 15:00", "Trực tuyến", "Có",
            "Toàn trình", "Có", "50.000", "Có", "Có", "Có", X3),
    dossier("P8-04", "Phường 8", "20/05/2024 10:00", "27/05/2024", "29/05/2024 08:00", "Trực tuyến", "Có",
            "Toàn trình", "Có", "10.000", "Có", "Có", "Không", X3),                    # resolved late
    dossier("P8-05", "Phường 8", "22/05/2024 14:00", "29/05/2024", "28/05/2024 16:00", "Trực tuyến", "Có",
            "Toàn trình", "Có", "0", "Không", "Có", "Có", X2),
    dossier("P8-06", "Phường 8", "27/05/2024 08:00", "03/06/2024", "27/05/2024", "Trực tuyến", "Có",
            "Toàn trình", "Có", "0", "Không", "Có", "Có", X2),                         # result dated the same day
    dossier("P8-07", "Phường 8", "29/05/2024 09:00", "31/05/2024", "03/06/2024 10:00", "Trực tuyến", "Không",
            "Toàn trình", "Có", "0", "Không", "Có", "Không", X2),                      # resolved late
    dossier("P8-08", "Phường 8", "09/06/2024 23:59", "14/06/2024", "", "Trực tuyến", "Không",
            "Toàn trình", "Có", "0", "Không", "Không", "Không", X2),                   # not resolved yet
    dossier("P8-09", "Phường 8", "06/06/2024 08:00", "08/06/2024", "07/06/2024 09:00", "Trực tuyến", "Có",
            "Một phần", "Có", "20.000", "Có", "Có", "Không", X5),
    dossier("P8-10", "Phường 8", "09/06/2024 08:00", "12/06/2024", "09/06/2024 16:00", "Trực tuyến", "Không",
            "Toàn trình", "Không", "0", "Không", "Có", "Không", X2),
    dossier("P8-11", "Phường 8", "24/05/2024 10:00", "31/05/2024", "30/05/2024 10:00", "Trực tiếp", "Không",
            "Toàn trình", "Không", "180.000", "Không", "Không", "Không", X1),            # at the desk, not digitised
    dossier("P8-12", "Phường 8", "03/06/2024 09:00", "10/06/2024", "", "Trực tiếp", "Không",
            "Một phần", "Không", "0", "Không", "Không", "Không", X4),                   # at the desk, open
    dossier("P8-13", "Phường 8", "10/06/2024 00:00", "14/06/2024", "", "Trực tuyến", "Có",
            "Toàn trình", "Có", "0", "Không", "Không", "Không", X2),                    # belongs to 2024-07
    # PHUONG_1: 3 dossiers, 2 online remote, all resolved on time and digitised, none re-used
    dossier("Q1", "UBND Phường 1", "16/05/2024 08:00", "23/05/2024", "20/05/2024 10:00", "Trực tuyến", "Có",
            "Toàn trình", "Có", "20.000", "Có", "Có", "Không", X1),
    dossier("Q2", "Phường 1", "21/05/2024 09:00", "28/05/2024", "27/05/2024 17:00", "Trực tuyến", "Có",
            "Toàn trình", "Có", "0", "Không", "Có", "Không", X2),
    dossier("Q3", "P.1", "04/06/2024 10:00", "11/06/2024", "06/06/2024 10:00", "Trực tiếp", "Không",
            "Một phần", "Không", "0", "Không", "Có", "Không", X4),
    # VHTT: 3 dossiers on Huyện procedures
    dossier("V1", "Phòng VH&TT", "14/05/2024 08:00", "21/05/2024", "20/05/2024 10:00", "Trực tuyến", "Có",
            "Toàn trình", "Có", "50.000", "Có", "Có", "Có", H1),
    dossier("V2", "Phòng Văn hóa và Thông tin", "28/05/2024 09:00", "04/06/2024", "04/06/2024 11:00", "Trực tiếp",
            "Không", "Toàn trình", "Không", "130.000", "Không", "Có", "Không", H4),
    dossier("V3", "VHTT", "07/06/2024 08:00", "14/06/2024", "", "Trực tuyến", "Có",
            "Một phần", "Có", "0", "Không", "Không", "Không", H3),
]

# Document register. PHUONG_8 incoming: 4 ordinary (3 on the software; 2 on paper, 1 digitised) + 1 secret;
# outgoing: 4 (all on the software, 3 interlinked, 3 signed both ways, 2 with an appendix, 1 signed).
QLVB = [
    document("101/STTTT-CĐS", "15/05/2024", "Đến", "Phường 8", paper="x", digitised="x", subject="Chuyển đổi số"),
    document("102/SNV-VP", "20/05/2024", "Đến", "P.8", paper="x"),
    document("103/UBND-VP", "25/05/2024", "Đến", "Phường 8"),
    document("104/UBND-VP", "03/06/2024", "Đến", "Phường 8", on_software=""),
    document("05/M-CAP", "05/06/2024", "Đến", "Phường 8", secrecy="Mật", on_software="", paper="x"),
    document("11/UBND", "16/05/2024", "Đi", "Phường 8", interlinked="x", personal="x", org="x", appendix="x",
             appendix_signed="x", subject="Chuyển đổi số"),
    document("12/UBND", "21/05/2024", "Đi", "Phường 8", interlinked="x", personal="x", org="x", appendix="x"),
    document("13/UBND", "28/05/2024", "Đi", "Phường 8", interlinked="x", personal="x"),
    document("14/UBND", "07/06/2024", "Đi", "Phường 8", personal="x", org="x"),
    document("201/STTTT-CĐS", "17/05/2024", "Đến", "Phòng VH&TT", paper="x", digitised="x"),
    document("21/VHTT", "22/05/2024", "Đi", "Phòng VH&TT", interlinked="x", personal="x", org="x", appendix="x",
             appendix_signed="x"),
]

# Field reports. PHUONG_8: 2 on time (PA002 on its due day), 1 late, 1 open not yet due, 1 open past due.
FEEDBACK = [
    field_report("PA001", "Phường 8", "12/05/2024 08:00", "15/05/2024", "14/05/2024 10:00"),
    field_report("PA002", "Phường 8", "25/05/2024 09:00", "30/05/2024", "30/05/2024 16:00"),
    field_report("PA003", "P.8", "20/05/2024 08:00", "25/05/2024", "27/05/2024 10:00"),
    field_report("PA004", "Phường 8", "08/06/2024 08:00", "15/06/2024"),
    field_report("PA005", "Phường 8", "28/05/2024 08:00", "05/06/2024"),
    field_report("PA006", "Phường 1", "18/05/2024 10:00", "22/05/2024", "21/05/2024 09:00"),
]

# IOC accounts. PHUONG_8: 4 leaders, 2 use the app (one logged in on the period's first day), 1 locked, 1 last
# logged in the day before the period; PHUONG_1: 2 of 2; VHTT: 2 leader accounts (it declares 3 leaders).
ACCOUNTS = [
    account("p8.chutich", "Trần Văn Chủ", "Phường 8", "Chủ tịch", "Có", "Hoạt động", "05/06/2024 08:00"),
    account("p8.pct1", "Lê Thị Phó", "Phường 8", "Phó Chủ tịch", "Có", "Hoạt động", "10/05/2024 08:00"),
    account("p8.pct2", "Ngô Văn Khóa", "Phường 8", "Phó Chủ tịch", "Có", "Khóa", "01/06/2024 08:00"),
    account("p8.pct3", "Đỗ Văn Trước", "Phường 8", "Phó Chủ tịch", "Có", "Hoạt động", "09/05/2024 17:00"),
    account("p8.cv", "Vũ Thị Viên", "Phường 8", "Chuyên viên", "Không", "Hoạt động", "01/06/2024 08:00"),
    account("p1.chutich", "Phan Văn Một", "Phường 1", "Chủ tịch", "Có", "Hoạt động", "03/06/2024 08:00"),
    account("p1.pct", "Huỳnh Thị Hai", "Phường 1", "Phó Chủ tịch", "Có", "Hoạt động", "20/05/2024 08:00"),
    account("vhtt.tp", "Bùi Văn Trưởng", "Phòng VH&TT", "Trưởng phòng", "Có", "Hoạt động", "04/06/2024 08:00"),
    account("vhtt.pp", "Võ Thị Phó", "Phòng VH&TT", "Phó Trưởng phòng", "Có", "Hoạt động", "15/05/2024 08:00"),
    account("vhtt.cv", "Đặng Văn Viên", "Phòng VH&TT", "Chuyên viên", "Không", "Hoạt động", "15/05/2024 08:00"),
]

# ---------------------------------------------------------------------------------------------------- workbooks
# DTI values: (Điểm tự đánh giá, Trả lời, Tử số, Mẫu số)

PHUONG_8_GENERAL = {2: 10000, 3: 9000, 4: 8, 6: 25, 8: 1, 9: 20, 10: 2, 11: 300, 12: 250, 13: 150, 14: 60, 15: 80,
                    16: "Nguyễn Văn Cán Bộ", 17: "0254 3812345", 18: 4}
PHUONG_8_INDICATORS = {
    "CQS-09": (20, 25), "CQS-10": (1, 2), "CQS-11": (3, 3), "CQS-12": (None, None, "Chưa đánh giá được"),
    "KTS-01": (3, 4), "XHS-04": (7000, 9000), "XHS-12": (190, 200),
}
PHUONG_8_DTI = {
    "I.1": (1, "Có; Không"), "I.2": (1, None, 3, 4), "I.3": (0.5, None, 0, 0), "I.4": (1, None, 2, 2),
    "I.5": (1, "Có"), "I.6": (0.5,),
    "II.1": (2, "Có"), "II.2": (1, "Không"), "II.3": (1,), "II.4": (2, "Có"), "II.5": (2, "Có; Không", 3, 4),
    "II.6": (1, "Có"), "II.7": (2,),
    "III.1": (1,), "III.2": (1, "Có"), "III.3": (1, None, 18, 20),
    "IV.1": (2, None, 6), "IV.2": (1, "Có"), "IV.3": (1, None, 2, 4), "IV.4": (2, None, 3, 3), "IV.5": (2, "Không"),
    "IV.6": (2, None, 1, 2),
    "V.1": (1,), "V.2": (1, None, 3, 3), "V.3": (0.5, "Có"), "V.4": (0.5, None, 20, 20), "V.5": (1, "Có"),
    "VI.1.1": (1,), "VI.1.2": (1,), "VI.1.3": (2,), "VI.2.1": (2, None, 3, 4), "VI.2.2": (3,), "VI.2.3": (2,),
    "VI.2.4": (2,), "VI.3.1": (1, None, 1, 1), "VI.3.2": (0.5,), "VI.3.3": (1,), "VI.3.4": (1,),
    "VI.4.1": (0.5, "Có"), "VI.4.2": (0.5,), "VI.4.3": (1,),
    "VI.5.1": (1, "Có"), "VI.5.2": (2,), "VI.5.3": (1,), "VI.5.4": (1,), "VI.5.5": (2,), "VI.5.6": (1,),
    "VI.5.7": (8, "Có; Không; Có", 2, 3), "VI.5.8": (1,), "VI.5.9": (1,),
    "VI.6.1": (0.5, None, 1, 1), "VI.6.2": (1, None, 4, 5), "VI.6.3": (0.5, None, 1, 2), "VI.6.4": (1, None, 3, 4),
    "VI.6.5": (0.5, "Có"), "VI.6.6": (0.5, None, 7, 5), "VI.6.7": (1, None, 2, 3), "VI.6.8": (1, "Không; Có"),
    "VI.6.9": (1, None, 1, 1), "VI.6.10": (1, "Không"), "VI.6.11": (1, "Có"), "VI.6.12": (1, "Có"),
    "VI.6.13": (1, None, 9, 10), "VI.6.14": (1, None, 4, 4), "VI.7.1": (1, None, 30, 4000),
    "VII.1": (1, "Có"), "VII.2": (1, "Có"), "VII.3": (1, "Không"), "VII.4": (0.5, "Có"), "VII.5": (0.5, "Có"),
    "VIII.1": (2, "Có"), "VIII.2": (1,), "VIII.3": (2, None, 1400, 2000), "VIII.4": (1, None, 3, 4),
    "VIII.5": (1, None, 8000), "VIII.6": (1, None, 7499), "VIII.7": (2, None, 5100), "VIII.8": (2,),
    "IX.1.1": (0,), "IX.1.2": (0,), "IX.2.1": (0,), "IX.2.2": (0, "Không"),
}

PHUONG_1_GENERAL = {2: 5000, 4: 12, 6: 20, 9: 20, 10: 1, 18: 2}
PHUONG_1_INDICATORS = {"CQS-09": (10, 20), "XHS-04": (3000, 4000), "XHS-12": (50, 60)}

VHTT_GENERAL = {6: 15, 7: 5, 9: 22, 18: 3}
VHTT_INDICATORS = {"CQS-09": (12, 15), "CQS-10": (3, 3), "CQS-11": (4, 5), "XHS-03": (12, 16)}

# TPVT declares items 2, 6, 7, 9 itself (they win over the units' sums); item 18 is left to the units' sum.
TPVT_GENERAL = {2: 100000, 6: 400, 7: 600, 9: 900}
TPVT_INDICATORS = {"XHS-12": (96, 100)}
TPVT_DTI = {
    "I.1": (1, "Không; Có"), "I.2": (1, None, 4, 4), "I.3": (1, None, 5, 10), "I.4": (1, None, 2, 3),
    "I.5": (1, "Có"), "I.6": (1,),
    "II.1": (2, "Có; Có"), "II.2": (1, "Có"), "II.3": (1, "Có"), "II.4": (1, "Có"), "II.5": (2, "Có"),
    "II.6": (1, "Không"), "II.7": (2,),
    "III.1": (1,), "III.2": (1, "Có"), "III.3": (1, None, 950, 1000),
    "IV.1": (1,), "IV.2": (1, "Có; Không"), "IV.3": (1, "Có"), "IV.4": (2, None, 3, 4), "IV.5": (2, None, 2, 2),
    "IV.6": (1, None, 800),
    "V.1": (0.5, None, 3, 4), "V.2": (2, "Có"), "V.3": (0.5, "Có"), "V.4": (0.5, None, 45, 50), "V.5": (0.5,),
    "V.6": (1, "Có"), "V.7": (1, "Có"), "V.8": (1,),
    "VI.1.1": (1,), "VI.1.2": (1,), "VI.1.3": (1,), "VI.2.1": (2, None, 10, 10), "VI.2.2": (3,), "VI.2.3": (2,),
    "VI.2.4": (2,), "VI.3.1": (1, None, 1, 1), "VI.3.2": (1, None, 1, 2), "VI.3.3": (2,), "VI.3.4": (2, "Có; Không"),
    "VI.4.1": (0.5, "Có"), "VI.4.2": (0.5,), "VI.4.3": (1,),
    "VI.5.1": (1, "Có"), "VI.5.2": (2,), "VI.5.3": (1,), "VI.5.4": (1,), "VI.5.5": (2,), "VI.5.6": (1,),
    "VI.5.7": (8, "Có", 3, 4), "VI.5.8": (1,), "VI.5.9": (1,),
    "VI.6.1": (0.5, None, 1, 1), "VI.6.2": (0.75,), "VI.6.3": (0.5, None, 1, 1), "VI.6.4": (1, None, 1, 1),
    "VI.6.5": (0.5, "Có"), "VI.6.6": (0.5, None, 7, 5), "VI.6.7": (1, None, 1, 1), "VI.6.8": (1, "Có"),
    "VI.6.9": (0.5, None, 1, 1), "VI.6.10": (1, "Có; Có"), "VI.6.11": (1, "Có"), "VI.6.12": (1, "Có"),
    "VI.6.13": (1, None, 1, 1), "VI.6.14": (0.5, None, 1, 1), "VI.7.1": (1, None, 15, 1000),
    "VII.1": (1, "Có"), "VII.2": (1, "Có"), "VII.3": (1, "Có"), "VII.4": (0.5, "Có"), "VII.5": (0.5, "Có"),
    "VIII.1": (2, "Có"), "VIII.2": (0.5,), "VIII.3": (2, None, 30000, 50000), "VIII.4": (1,),
    "VIII.5": (1, None, 75000, 100000), "VIII.6": (1, None, 80000), "VIII.7": (2, None, 20000, 100000),
    "VIII.8": (2,),
    "IX.1.1": (0,), "IX.1.2": (0, "Có"), "IX.2.1": (0,), "IX.2.2": (-1, "Có"),
}


def phuong_1_dti() -> dict[str, tuple]:
    """PHUONG_1 writes half the points of every criterion as its self score and no answer; group IX 0;
    only IV.1 carries figures (10 of 12 quarters)."""
    values = {}
    for crit in criterion_rows("commune").itertuples(index=False):
        values[crit.criterion_code] = (0,) if crit.criterion_code.startswith("IX.") else (crit.max_points / 2,)
    values["IV.1"] = (1, None, 10, 12)
    return values


def write_golden_inbox(inbox: Path) -> Path:
    """Write the whole 2024-06 fixture inbox under `inbox`; returns the month's folder."""
    month_dir = inbox / str(MONTH)
    write_text(month_dir / "procedures" / "danh_muc_tthc.csv", PROCEDURE_HEADERS, PROCEDURES, "utf-8-sig", ";")
    write_text(month_dir / "onestop" / "ho_so_2024-06.csv", ONESTOP_HEADERS, ONESTOP, "utf-8-sig", ";")
    write_text(month_dir / "qlvb" / "so_van_ban.csv", QLVB_HEADERS, QLVB)
    write_xlsx(month_dir / "ioc_feedback" / "phan_anh.xlsx", FEEDBACK_HEADERS, FEEDBACK, title_rows=1)
    write_text(month_dir / "ioc_accounts" / "tai_khoan_ioc.csv", ACCOUNT_HEADERS, ACCOUNTS)
    for source in ("procedures", "onestop", "qlvb", "ioc_feedback", "ioc_accounts"):
        for path in (month_dir / source).iterdir():
            set_mtime(path, EXPORTED)
    units = month_dir / "units"
    unit_workbook(units / "PHUONG_8.xlsx", "PHUONG_8", MONTH, datetime(2024, 6, 11, 9, 0),
                  PHUONG_8_GENERAL, PHUONG_8_INDICATORS, PHUONG_8_DTI)
    unit_workbook(units / "PHUONG_1.xlsx", "PHUONG_1", MONTH, datetime(2024, 6, 14, 10, 0),  # late
                  PHUONG_1_GENERAL, PHUONG_1_INDICATORS, phuong_1_dti())
    unit_workbook(units / "VHTT.xlsx", "VHTT", MONTH, datetime(2024, 6, 10, 15, 0), VHTT_GENERAL, VHTT_INDICATORS)
    unit_workbook(units / "TPVT.xlsx", "TPVT", MONTH, datetime(2024, 6, 12, 16, 0),
                  TPVT_GENERAL, TPVT_INDICATORS, TPVT_DTI)
    return month_dir
