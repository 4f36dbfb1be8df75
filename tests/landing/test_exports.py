"""The five export sources on small real files: encodings, formats, every check, the measures by hand."""
import os
import random
from datetime import datetime

import duckdb
import pytest

from assets.exports import land_export
from domain.periods import ReportMonth
from tests.builders import ONESTOP_HEADERS, dossier, write_text, write_xlsx
from domain.textnorm import strip_accents
from warehouse.marts import build_unit_measures
from warehouse.connection import connect

JUNE = ReportMonth(2024, 6)








def land(tmp_path, source="onestop", month=JUNE):
    with connect(tmp_path / "wh.duckdb") as con:
        summary = land_export(con, tmp_path / "inbox", month, source)
        failures = con.execute(
            "select file_name, sheet, row_number, column_name, check_name, failure_value from "
            "quality.validation_failures where source = ? order by file_name, row_number, check_name",
            [source]).fetchall()
        files = {r[0]: r[1:] for r in con.execute(
            "select file_name, rows_read, rows_loaded, rows_rejected, readable from raw.files where source = ?",
            [source]).fetchall()}
    return summary, failures, files


def staged(tmp_path, query):
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        return con.execute(query).fetchall()


@pytest.mark.parametrize("encoding, sep, suffix", [
    ("utf-8", ",", ".csv"), ("utf-8-sig", ";", ".csv"), ("utf-16", "\t", ".txt"), ("cp1258", ",", ".csv"),
    ("cp1258", ";", ".csv"),
])
def test_each_encoding_and_separator_reads_the_same(tmp_path, encoding, sep, suffix):
    rows = [dossier("H1", unit="Phường Thắng Nhất"), dossier("H2", unit="UBND Phường Rạch Dừa", fee="1.234.567")]
    write_text(tmp_path / "inbox/2024-06/onestop" / f"a{suffix}", ONESTOP_HEADERS, rows, encoding, sep)
    summary, failures, _ = land(tmp_path)
    assert failures == [] and summary["rows_loaded"] == 2
    assert staged(tmp_path, "select dossier_id, unit_code, fee from staging.dossiers order by 1") == [
        ("H1", "THANG_NHAT", 50000.0), ("H2", "RACH_DUA", 1234567.0)]


def test_headers_vary_in_case_accents_spacing_order_and_sit_under_title_rows(tmp_path):
    order = list(range(len(ONESTOP_HEADERS)))
    random.Random(3).shuffle(order)
    headers = [f"  {strip_accents(ONESTOP_HEADERS[i]).upper()} " for i in order]
    rows = [[dossier(f"H{n}")[i] for i in order] for n in range(3)]
    write_text(tmp_path / "inbox/2024-06/onestop/a.csv", headers, rows, title_lines=2)
    summary, failures, files = land(tmp_path)
    assert failures == [] and files["a.csv"][:3] == (3, 3, 0)
    assert staged(tmp_path, "select row_number from staging.dossiers order by 1") == [(4,), (5,), (6,)]


def test_xlsx_with_title_rows_date_cells_and_serials(tmp_path):
    rows = [dossier("H1"), dossier("H2")]
    rows[0][3] = datetime(2024, 5, 15, 8, 0)      # a date cell
    rows[1][3] = 45428.5                          # an Excel serial: 2024-05-16 12:00
    rows[1][10] = 1234                            # a number cell
    write_xlsx(tmp_path / "inbox/2024-06/onestop/a.xlsx", ONESTOP_HEADERS, rows, title_rows=3)
    summary, failures, _ = land(tmp_path)
    assert failures == []
    assert staged(tmp_path, "select row_number, received_at, fee, sheet from staging.dossiers order by 1") == [
        (5, datetime(2024, 5, 15, 8, 0), 50000.0, "Sheet"), (6, datetime(2024, 5, 16, 12, 0), 1234.0, "Sheet")]


def test_every_check_fails_at_its_file_row_and_column(tmp_path):
    rows = [
        dossier("H1"),                                                   # line 2: good
        dossier("H2", resolved="14/05/2024 10:00"),                      # 3: resolved before received
        dossier("H3", due="14/05/2024"),                                 # 4: due before received
        dossier("H1"),                                                   # 5: repeated id
        dossier("H5", fee="-5.000"),                                     # 6: negative fee
        dossier("H6", unit="Phường 99"),                                 # 7: unknown unit
        dossier("H7", received="31/02/2024"),                            # 8: a date that does not exist
        dossier("H8", received="hôm qua"),                               # 9: not a date
        dossier("H9", channel="Qua điện thoại"),                         # 10: not an enumeration value
        dossier("H10", received="05/05/2024 09:00"),                     # 11: belongs to report month 2024-05
        dossier("H11", vneid="có lẽ"),                                   # 12: not yes/no
        dossier("H12", fee="năm chục"),                                  # 13: not a number
        dossier(""),                                                     # 14: required id missing
        dossier("H14", received="10/06/2024 00:00", due="15/06/2024", resolved=""),  # 15: first instant of 2024-07
        dossier("H15", received="09/06/2024 23:59", due="09/06/2024", resolved=""),  # 16: good, open
    ]
    write_text(tmp_path / "inbox/2024-06/onestop/b.csv", ONESTOP_HEADERS, rows)
    summary, failures, files = land(tmp_path)
    assert failures == [
        ("b.csv", None, 3, "Ngày có kết quả", "resolved_before_received", "14/05/2024 10:00"),
        ("b.csv", None, 4, "Ngày hẹn trả", "due_before_received", "14/05/2024 23:59"),
        ("b.csv", None, 5, "Mã hồ sơ", "duplicate_id", "H1"),
        ("b.csv", None, 6, "Phí, lệ phí (đồng)", "negative", "-5000"),
        ("b.csv", None, 7, "Đơn vị xử lý", "unit_unknown", "Phường 99"),
        ("b.csv", None, 8, "Ngày tiếp nhận", "date_not_exist", "31/02/2024"),
        ("b.csv", None, 9, "Ngày tiếp nhận", "not_a_date", "hôm qua"),
        ("b.csv", None, 10, "Hình thức nộp", "enum_invalid", "Qua điện thoại"),
        ("b.csv", None, 11, "Ngày tiếp nhận", "out_of_month", "05/05/2024 09:00"),
        ("b.csv", None, 12, "Xác thực VNeID", "not_yes_no", "có lẽ"),
        ("b.csv", None, 13, "Phí, lệ phí (đồng)", "not_a_number", "năm chục"),
        ("b.csv", None, 14, "Mã hồ sơ", "required_missing", None),
        ("b.csv", None, 15, "Ngày tiếp nhận", "out_of_month", "10/06/2024 00:00"),
    ]
    assert files["b.csv"][:3] == (15, 2, 13)
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        message = con.execute("select message from quality.validation_failures where row_number = 11").fetchone()[0]
    assert "2024-05" in message


def test_unreadable_files_are_one_failure_each_and_the_month_goes_on(tmp_path):
    folder = tmp_path / "inbox/2024-06/onestop"
    write_text(folder / "good.csv", ONESTOP_HEADERS, [dossier("H1")])
    folder.joinpath("empty.csv").write_bytes(b"")
    folder.joinpath("random.xlsx").write_bytes(os.urandom(2048))
    write_text(folder / "other.csv", ["Cột A", "Cột B"], [["1", "2"]])
    write_text(folder / "short.csv", ONESTOP_HEADERS, [dossier("H2"), dossier("H3")[:10], dossier("H4")])
    summary, failures, files = land(tmp_path)
    assert [(f[0], f[2], f[4]) for f in failures] == [
        ("empty.csv", None, "file_unreadable"), ("other.csv", None, "header_unmatched"),
        ("random.xlsx", None, "file_unreadable"), ("short.csv", 3, "row_malformed")]
    assert files["short.csv"][:3] == (3, 2, 1) and files["good.csv"][:3] == (1, 1, 0)
    assert files["random.xlsx"][3] is False and summary["rows_loaded"] == 3


def test_newest_file_wins_for_snapshot_sources(tmp_path):
    headers = ["Mã TTHC", "Tên TTHC", "Cấp thực hiện", "Mức độ DVC", "Đủ điều kiện toàn trình", "Tích hợp DVCQG",
               "Có phí, lệ phí"]
    old = write_text(tmp_path / "inbox/2024-06/procedures/z_old.csv", headers,
                     [["1.000031", "A", "Huyện", "Một phần", "Có", "x", "Không"], ["1.000032", "B", "Xã", "Không",
                                                                                   "Không", "", "Không"]])
    new = write_text(tmp_path / "inbox/2024-06/procedures/a_new.csv", headers,
                     [["1.000031", "A", "Cấp huyện", "Toàn trình", "Có", "x", "Có"]])
    os.utime(old, (1e9, 1e9))
    os.utime(new, (2e9, 2e9))
    land(tmp_path, "procedures")
    assert staged(tmp_path, "select procedure_code, service_level, level, is_current from staging.procedures "
                            "order by procedure_code, is_current") == [
        ("1.000031", "Một phần", "Huyện", False), ("1.000031", "Toàn trình", "Huyện", True),
        ("1.000032", "Không", "Xã", True)]


def test_measures_by_hand(tmp_path):
    """Two units, a handful of dossiers and documents: every SPEC §3.7 ratio counted by hand."""
    inbox = tmp_path / "inbox/2024-06"
    write_text(inbox / "onestop/d.csv", ONESTOP_HEADERS, [
        # P8: online, fee 50.000 paid online, resolved on time, digitised, VNeID, full online
        dossier("A1", unit="Phường 8"),
        # P8: at the desk, fee 100.000 not paid online, resolved late, not digitised, partial
        dossier("A2", unit="P.8", channel="Trực tiếp", remote="Không", vneid="Không", fee="100.000", paid="Không",
                resolved="25/05/2024 09:00", digitised="Không", level="Một phần", procedure="1.000032"),
        # P8: online not remote, no fee, open, partial
        dossier("A3", unit="Phường 8", remote="Không", fee="0", paid="Không", resolved="", level="Một phần",
                procedure="1.000032"),
        # VHTT: online remote, fee 30.000 paid online, resolved on time, re-used data
        dossier("B1", unit="Phòng VH&TT", fee="30.000", reused="Có", vneid="Không", procedure="1.000099"),
    ])
    qlvb_headers = ["Số, ký hiệu", "Ngày văn bản", "Loại", "Đơn vị", "Độ mật", "Xử lý trên phần mềm",
                    "Gửi liên thông", "Ký số cá nhân", "Ký số tổ chức", "Có phụ lục", "Phụ lục được ký số",
                    "Nhận bản giấy", "Đã số hóa", "Lĩnh vực", "Người ký"]
    write_text(inbox / "qlvb/v.csv", qlvb_headers, [
        ["1/UBND", "20/05/2024", "Đi", "Phường 8", "Thường", "x", "x", "x", "x", "x", "x", "", "", "CĐS", "A"],
        ["2/UBND", "21/05/2024", "Đi", "Phường 8", "Thường", "x", "", "x", "", "x", "", "", "", "CĐS", "A"],
        ["3/UBND", "21/05/2024", "Đi", "Phường 8", "Mật", "", "", "", "", "", "", "", "", "CĐS", "A"],
        ["9/STTTT", "22/05/2024", "Đến", "Phường 8", "", "x", "", "", "", "", "", "x", "x", "CĐS", ""],
        ["7/SNV", "22/05/2024", "Đến", "Phường 8", "Thường", "", "", "", "", "", "", "x", "", "CĐS", ""],
    ])
    with connect(tmp_path / "wh.duckdb") as con:
        con.execute("create or replace table ref.units as select * from (values "
                    "('TPVT', 'city'), ('PHUONG_8', 'commune'), ('VHTT', 'department')) t(unit_code, level)")
        for source in ("onestop", "qlvb", "procedures", "ioc_accounts", "ioc_feedback"):
            land_export(con, tmp_path / "inbox", JUNE, source)
        build_unit_measures(con, JUNE)
        got = {(u, c): (n, d) for u, c, n, d in con.execute(
            "select unit_code, code, numerator, denominator from marts.unit_measures").fetchall()}
    p8 = {c: v for (u, c), v in got.items() if u == "PHUONG_8"}
    city = {c: v for (u, c), v in got.items() if u == "TPVT"}
    assert p8["CQS-03"] == (1, 2) and city["CQS-03"] == (2, 3)            # fee dossiers paid online
    assert p8["CQS-04"] == (50000, 150000) and city["CQS-04"] == (80000, 180000)
    assert p8["CQS-05"] == (1, 2) and city["CQS-05"] == (2, 3)            # distinct procedures with fees
    assert p8["CQS-06"] == (2, 2) and city["CQS-06"] == (2, 3)            # online with VNeID / online
    assert p8["CQS-07"] == (1, 2) and city["CQS-07"] == (2, 3)            # digitised / resolved
    assert p8["VI.4.3"] == (0, 2) and city["VI.4.3"] == (1, 3)
    assert p8["CQS-08"] == (1, 3) and city["CQS-08"] == (2, 4)            # remote online / all
    assert p8["VI.5.3"] == (2, 2) and city["VI.5.3"] == (3, 3)            # procedures with an online dossier
    assert p8["VI.5.4"] == (1, 2) and city["VI.5.4"] == (2, 3)            # online on time / resolved
    assert p8["VI.5.5"] == (1, 2) and city["VI.5.5"] == (2, 3)            # remote / online
    assert p8["VI.5.6"] == (1, 1) and city["VI.5.6"] == (2, 2)            # full-online procedures' dossiers
    assert p8["VI.1.2"] == (2, 2) and p8["VI.1.3"] == (1, 2)              # the secret one is left out
    assert p8["VI.2.2"] == (1, 2) and p8["VI.2.4"] == (1, 2)
    assert p8["VI.1.1"] == (1, 2) and p8["VI.2.3"] == (1, 2)
    assert ("VHTT", "VI.1.1") not in got and city["VI.1.2"] == (2, 2)


def test_field_reports_and_leaders_by_hand(tmp_path):
    from tests.builders import ACCOUNT_HEADERS, FEEDBACK_HEADERS
    inbox = tmp_path / "inbox/2024-06"
    write_xlsx(inbox / "ioc_feedback/f.xlsx", FEEDBACK_HEADERS, [
        ["PA1", "Phường 8", "15/05/2024 08:00", "20/05/2024", "20/05/2024 17:00", "Đã xử lý", "x", "0"],  # on time
        ["PA2", "Phường 8", "15/05/2024 08:00", "18/05/2024", "19/05/2024 08:00", "Đã xử lý", "x", "0"],  # late
        ["PA3", "Phường 8", "01/06/2024 08:00", "05/06/2024", None, "Đang xử lý", "x", "0"],  # open, past due
        ["PA4", "Phường 8", "08/06/2024 08:00", "15/06/2024", None, "Đang xử lý", "x", "0"],  # open, not yet due
        ["PA5", "Phường 8", "08/06/2024 08:00", "01/06/2024", None, "Đang xử lý", "x", "0"],  # due before received
    ], title_rows=1)
    write_text(inbox / "ioc_accounts/a.csv", ACCOUNT_HEADERS, [
        ["p8.a", "A", "Phường 8", "Chủ tịch", "1", "Hoạt động", "01/06/2024 08:00"],    # uses the app
        ["p8.b", "B", "Phường 8", "Phó Chủ tịch", "1", "Khoá", "01/06/2024 08:00"],     # locked
        ["p8.c", "C", "Phường 8", "Phó Chủ tịch", "1", "Hoạt động", "01/04/2024"],      # before the period
        ["p8.d", "D", "Phường 8", "Chuyên viên", "0", "Hoạt động", "01/06/2024"],       # not a leader
        ["vh.a", "E", "Phòng VHTT", "Trưởng phòng", "TRUE", "Hoạt động", "2024-05-20"],  # uses the app
    ])
    with connect(tmp_path / "wh.duckdb") as con:
        con.execute("create or replace table ref.units as select * from (values "
                    "('TPVT', 'city'), ('PHUONG_8', 'commune'), ('VHTT', 'department')) t(unit_code, level)")
        con.execute("insert into staging.unit_general_info values "
                    "('2024-06', 'PHUONG_8', 'w.xlsx', true, 18, 'Số lượng CBCC lãnh đạo', '4', 4), "
                    "('2024-06', 'VHTT', 'v.xlsx', true, 18, 'Số lượng CBCC lãnh đạo', '2', 2)")
        for source in ("onestop", "qlvb", "procedures", "ioc_accounts", "ioc_feedback"):
            land_export(con, tmp_path / "inbox", JUNE, source)
        failures = con.execute("select row_number, check_name from quality.validation_failures").fetchall()
        build_unit_measures(con, JUNE)
        got = {(u, c): (n, d) for u, c, n, d in con.execute(
            "select unit_code, code, numerator, denominator from marts.unit_measures").fetchall()}
    assert failures == [(7, "deadline_before_received")]
    assert got[("PHUONG_8", "CQS-14")] == (1, 3) and got[("PHUONG_8", "VI.3.4")] == (1, 3)
    assert got[("PHUONG_8", "CQS-13")] == (1, 4) and got[("VHTT", "VI.3.3")] == (1, 2)
    assert got[("TPVT", "CQS-13")] == (2, 6) and got[("TPVT", "CQS-14")] == (1, 3)


def test_utf16_without_bom_and_a_binary_file(tmp_path):
    from sources.formats import UnreadableFile
    from sources.text_layout import decode, sniff_text

    text = "Mã hồ sơ\tĐơn vị\nH1\tPhường 8\n"
    assert decode(text.encode("utf-16-le")) == (text, "utf_16_le")
    junk = tmp_path / "x.csv"
    junk.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnreadableFile):
        sniff_text(junk, {"dossier_id": ("Mã hồ sơ",)}, ("dossier_id",))
