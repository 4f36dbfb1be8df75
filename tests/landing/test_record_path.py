"""The record path (landing/exports.py, landing/export_file.py): line numbers, the SQL fast path against Python, odd files, checks in DuckDB."""
import csv
import io
import os
import random
import threading
import unicodedata
from datetime import datetime
from pathlib import Path

import duckdb
import pandera.ibis as pa
import pytest

from assets.exports import land_export
from landing.ibis_checks import failing_rows
from domain.periods import ReportMonth
from tests.builders import ONESTOP_HEADERS, encode_cp1258
from domain.vnparse import end_of_day_if_date_only, parse_datetime, parse_number
from warehouse.connection import connect, sql_text
from schemas.exports import ONESTOP

JUNE = ReportMonth(2024, 6)
ROW = ["{id}", "1.000031", "Phường 8", "15/05/2024 08:00", "20/05/2024", "18/05/2024 10:00", "Trực tuyến", "Có",
       "Toàn trình", "Có", "50.000", "Có", "Có", "Không", "Nguyễn Văn Dân", "079123456789", "0912345678"]


def line(id_: str, **changes) -> str:
    cells = [c.format(id=id_) for c in ROW]
    for index, value in changes.items():
        cells[int(index[1:])] = value
    return ";".join(cells)


ENCODINGS = ["utf-8", "cp1258", "utf-16"]   # DuckDB reads the first itself, the others through a pipe


def cp1258(text: str) -> bytes:
    """encode_cp1258, character by character as it works, each distinct character once (fast on long texts)."""
    text = unicodedata.normalize("NFC", text)
    return text.translate({ord(c): encode_cp1258(c).decode("cp1258") for c in set(text) if ord(c) > 127}).encode(
        "cp1258")


def write(tmp_path: Path, name: str, lines: list[str], encoding="utf-8", newline="\n", end="\n") -> Path:
    path = tmp_path / "inbox/2024-06/onestop" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = newline.join([";".join(ONESTOP_HEADERS), *lines]) + end
    path.write_bytes(cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def land(tmp_path):
    with connect(tmp_path / "wh.duckdb") as con:
        summary = land_export(con, tmp_path / "inbox", JUNE, "onestop")
        staged = con.execute("select row_number, dossier_id from staging.dossiers order by 1").fetchall()
        failures = con.execute("select row_number, check_name from quality.validation_failures "
                               "order by 1, 2").fetchall()
    return summary, staged, failures


@pytest.mark.parametrize("spelling", [
    "15/05/2024 08:00", "1/6/2024 8:05", "15/05/2024", "15/05/2024 08:00:30", "2024-05-15", "2024-05-15 08:00:00",
    "2024-05-15T08:00:00", "31/02/2024", "45428.5", "2024-05-15T08:00:00+00:00", "hôm qua"])
def test_sql_dates_are_python_dates_or_left_to_python(spelling):
    con = duckdb.connect()
    con.execute(sql_text("record_macros"))
    sql_value, sql_deadline = con.execute("select vn_timestamp(?), vn_deadline(?)", [spelling, spelling]).fetchall()[0]
    if sql_value is None:
        return  # Python decides
    parsed = parse_datetime(spelling)
    assert sql_value == parsed.value and sql_deadline == end_of_day_if_date_only(parsed)


@pytest.mark.parametrize("spelling", ["1.234.567", "50.000", "-5.000", "1234", "007", "1,234", "37,54",
                                      "50.000 đ", "98.27", "1.2345"])
def test_sql_money_is_python_money_or_left_to_python(spelling):
    con = duckdb.connect()
    con.execute(sql_text("record_macros"))
    value = con.execute("select vn_money(?)", [spelling]).fetchall()[0][0]
    assert value is None or value == parse_number(spelling, grouped=True).value


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_line_numbers_survive_malformed_lines_in_the_duckdb_read(tmp_path, encoding):
    write(tmp_path, "a.csv", [
        line("H1"),                                   # line 2
        "H2;1.000031;Phường 8",                        # 3: three fields
        line("H3"),                                   # 4
        line("H4") + ";thừa;thừa",                    # 5: nineteen fields
        line("H5", c2="Phường 99"),                   # 6: unknown unit
        line("H6"),                                   # 7
        line("H7", c10="50.000 đ"),                   # 8: money the fast path leaves to Python: loaded
    ], encoding)
    summary, staged, failures = land(tmp_path)
    assert staged == [(2, "H1"), (4, "H3"), (7, "H6"), (8, "H7")]
    assert failures == [(3, "row_malformed"), (5, "row_malformed"), (6, "unit_unknown")]
    assert (summary["rows_read"], summary["rows_loaded"]) == (7, 4)


def test_every_accepted_row_of_a_file_past_a_million_rows_has_its_line(tmp_path):
    """Issue 14: a province's file numbers every row, not only the rejected ones (there is no size past which
    staged rows go unnumbered). benchmarks/province_month.py writes dossier H24.<n> on line TITLE_LINES + 1 + n,
    with planted faults (short lines among them, which shift the rows after them) listed by line."""
    import csv

    from benchmarks.province_month import TITLE_LINES, write_province_month

    rows = 1_000_500
    write_province_month(tmp_path / "inbox", rows, bad_rows=300)
    with connect(tmp_path / "wh.duckdb") as con:
        summary = land_export(con, tmp_path / "inbox", JUNE, "onestop")
        staged, numbered, at_their_line = con.execute(
            f"select count(*), count(row_number), count(*) filter (row_number = {TITLE_LINES + 1} + "
            f"cast(substr(dossier_id, 5) as integer)) from staging.dossiers").fetchone()
        failures = set(con.execute("select row_number, check_name from quality.validation_failures").fetchall())
    with (tmp_path / "inbox" / "planted_2024-06.csv").open(encoding="utf-8") as fh:
        planted = {(int(r["line"]), r["check_name"]) for r in csv.DictReader(fh)}
    assert (summary["rows_read"], summary["rows_loaded"]) == (rows, rows - len(planted))
    assert staged == numbered == at_their_line == rows - len(planted)
    assert failures == planted


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_blank_lines_and_line_breaks_in_quotes_keep_exact_line_numbers(tmp_path, encoding):
    quoted = line("H2").replace("Nguyễn Văn Dân", '"Nguyễn\nVăn Dân"')   # a name over two lines
    write(tmp_path, "b.csv", [line("H1"), "", quoted, line("H3", c10="năm chục"), line("H4")], encoding)
    summary, staged, failures = land(tmp_path)
    # line 2 H1, 3 blank, 4-5 H2, 6 H3 (bad fee), 7 H4
    assert staged == [(2, "H1"), (4, "H2"), (7, "H4")]
    assert failures == [(6, "not_a_number")]


@pytest.mark.parametrize("encoding,newline", [(e, "\n") for e in ENCODINGS] + [("utf-8", "\r\n"), ("cp1258", "\r\n")])
def test_blank_lines_at_the_end_shift_no_row_and_need_no_second_read(tmp_path, monkeypatch, encoding, newline):
    import landing.export_file

    def exact_read(*args):
        raise AssertionError("read again in Python")

    monkeypatch.setattr(landing.export_file, "rows_in_python", exact_read)
    write(tmp_path, "t.csv", [line("H1"), "H2;1.000031", line("H3", c10="năm chục"), line("H4")], encoding,
          newline=newline, end=newline * 3)
    summary, staged, failures = land(tmp_path)
    assert staged == [(2, "H1"), (5, "H4")]
    assert failures == [(3, "row_malformed"), (4, "not_a_number")]
    assert (summary["rows_read"], summary["rows_loaded"]) == (4, 2)


def read_whole(path, layout, columns):
    """The reference the streamed read must equal: the whole file decoded at once, read by the csv module."""
    from types import SimpleNamespace

    from sources.text_layout import decode

    lines = decode(path.read_bytes())[0].splitlines()
    reader = csv.reader(io.StringIO("\n".join(lines[layout.header_row:])), delimiter=layout.delimiter)
    rows, malformed, last = [], [], layout.header_row
    for cells in reader:
        first, last = last + 1, layout.header_row + reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != layout.width:
            malformed.append((first, len(cells)))
            continue
        rows.append((first, {c: (cells[layout.positions[c]].strip() or None) if c in layout.positions else None
                             for c in columns}))
    return SimpleNamespace(rows=rows, malformed=malformed)


@pytest.mark.parametrize("encoding,newline", [("utf-8-sig", "\n"), ("cp1258", "\r\n"), ("utf-16", "\n"),
                                              ("utf-8", "\r")])
def test_the_exact_read_streams_the_rows_the_whole_file_holds(tmp_path, monkeypatch, encoding, newline):
    """The way a file with blank lines or line breaks in quotes is read: in batches (a province's file must not
    sit whole in Python), with the rows, values and line numbers of the whole file read at once."""
    import sources.records
    from sources.exports import ONESTOP as SOURCE
    from sources.records import ExactRows
    from sources.text_layout import sniff_text, streamed

    monkeypatch.setattr(sources.records, "EXACT_BATCH_ROWS", 2)
    quoted = line("H2").replace("Nguyễn Văn Dân", '"Nguyễn\nVăn; Dân"')
    lines = ["Danh sách hồ sơ", ""] + [";".join(ONESTOP_HEADERS), line("H1"), "", quoted, "   ", "H3;1.000031",
                                       line("H4", c2=" Phường 8 "), "", line("H5"), line("H6", c8="")]
    path = tmp_path / "x.csv"
    text = newline.join(lines) + newline
    path.write_bytes(cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    layout = sniff_text(path, SOURCE.headers, SOURCE.required)
    layout = streamed(layout) if encoding in ("cp1258", "utf-16") else layout
    exact = ExactRows(layout, list(SOURCE.headers))
    batches = list(exact.batches())
    expected = read_whole(path, layout, list(SOURCE.headers))
    assert len(batches) == 3 and exact.rows == len(expected.rows) == 5
    got = [(row.pop("row_number"), row) for batch in batches for row in batch.to_pylist()]
    assert got == expected.rows
    assert [n for n, _ in got] == [4, 6, 10, 12, 13]   # 1 title, 2 and 5 blank, 3 header, 6-7 H2, 8 spaces
    assert exact.malformed == expected.malformed == [(9, 2)]


def test_windows_1258_is_composed_to_nfc_as_the_library_does():
    from domain.textnorm import nfc
    from sources.transcode import cp1258_to_utf8

    text = "Phường Thắng Nhì;Trực tuyến;Toàn trình;Ủy ban;Ỷ Ỹ Ự ự ợ ỡ Đ đ – “x”\n"
    assert cp1258(text) == encode_cp1258(text) and cp1258_to_utf8(encode_cp1258(text)) == text.encode("utf-8")
    rng = random.Random(14)
    letters = list(b"aeiouyAEIOUYbn;\n") + [0xE2, 0xEA, 0xF4, 0xF5, 0xFD, 0xE3, 0xC3, 0xD5, 0xDD, 0xE1, 0xD0, 0x81]
    marks = [0xCC, 0xEC, 0xDE, 0xD2, 0xF2]             # grave, acute, tilde, hook, dot below
    for _ in range(3000):
        data = bytes(rng.choice(marks if rng.random() < 0.35 else letters if rng.random() < 0.8 else range(256))
                     for _ in range(rng.randint(0, 30)))
        assert cp1258_to_utf8(data) == nfc(data.decode("cp1258", errors="replace")).encode("utf-8"), data
    assert unicodedata.is_normalized("NFC", cp1258_to_utf8(encode_cp1258("Nguyễn Văn Dân")).decode())


def test_a_pipe_feed_ends_with_its_statement_whatever_happens(tmp_path):
    """The thread that feeds DuckDB a transcoded file stops when the statement fails, stops early or never
    opens the pipe, and leaves no descriptor open."""
    from sources.text_layout import read_csv_sql, sniff_text, streamed
    from sources.transcode import opened
    from sources.exports import ONESTOP as SOURCE

    path = write(tmp_path, "p.csv", [line(f"H{i}") for i in range(40_000)], "cp1258")   # > the pipe's buffer
    layout = streamed(sniff_text(path, SOURCE.headers, SOURCE.required))
    con = duckdb.connect()
    fds = len(os.listdir("/proc/self/fd"))
    with opened(layout) as source:
        assert con.execute(f"select count(*) from {read_csv_sql(layout, source, None)}").fetchone() == (40_000,)
    assert layout.lines == 40_001 and layout.blank_tail == 0
    with opened(layout) as source:    # stops reading after a few rows
        assert len(con.execute(f"select * from {read_csv_sql(layout, source, None)} limit 3").fetchall()) == 3
    with pytest.raises(duckdb.Error), opened(layout) as source:   # fails before it reads
        con.execute(f"select no_such_column from {read_csv_sql(layout, source, None)}")
    with pytest.raises(RuntimeError), opened(layout) as source:   # never reads
        raise RuntimeError
    with opened(layout, max_lines=11) as source:                  # the header and 10 rows
        assert con.execute(f"select count(*) from {read_csv_sql(layout, source, None)}").fetchone() == (10,)
    assert len(os.listdir("/proc/self/fd")) == fds
    assert not [t for t in threading.enumerate() if t.name == "dti-text-feed"]


def test_spellings_the_fast_path_leaves_to_python_still_load(tmp_path):
    write(tmp_path, "c.csv", [line("H1", c3="45428.5", c4="2024-05-20T10:00:00Z", c10="1,234")])
    summary, staged, failures = land(tmp_path)
    assert failures == [] and staged == [(2, "H1")]
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        assert con.execute("select received_at, due_at, fee, rejected_cells from staging.dossiers").fetchall() == [
            (datetime(2024, 5, 16, 12, 0), datetime(2024, 5, 20, 17, 0), 1234.0, None)]


def test_a_blank_optional_enumeration_is_null_not_text(tmp_path):
    write(tmp_path, "e.csv", [line("H1", c8="  "), line("H2", c8="Một phần")])
    summary, staged, failures = land(tmp_path)
    assert failures == [] and len(staged) == 2
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        assert con.execute("select dossier_id, service_level from staging.dossiers order by 1").fetchall() == [
            ("H1", None), ("H2", "Một phần")]


def test_a_file_that_turns_to_windows_1258_after_its_first_lines_is_transcoded(tmp_path):
    path = write(tmp_path, "d.csv", [line(f"H{i}") for i in range(3000)])   # > the sniffed quarter MiB
    path.write_bytes(path.read_bytes() + encode_cp1258(line("H3000", c2="Phường Thắng Nhất") + "\n"))
    summary, staged, failures = land(tmp_path)
    assert failures == [] and len(staged) == 3001 and staged[-1] == (3002, "H3000")
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        assert con.execute("select unit_code from staging.dossiers where dossier_id = 'H3000'").fetchall() == [
            ("THANG_NHAT",)]


def test_pandera_checks_run_in_duckdb_and_return_whole_failing_rows():
    con = duckdb.connect()
    con.execute("create table t as select * from (values "
                "('a.csv', 2, 'H1', timestamp '2024-05-15 08:00', timestamp '2024-05-16 08:00', 10.0), "
                "('a.csv', 3, 'H1', timestamp '2024-05-15 08:00', null, -1.0), "
                "('a.csv', 4, 'H2', timestamp '2024-06-10 00:00', timestamp '2024-05-01 08:00', null), "
                "('b.csv', 2, 'H2', timestamp '2024-05-20 08:00', null, 0.0)) "
                "v(file_name, row_number, dossier_id, received_at, resolved_at, fee)")
    con.execute("create view rows as select rowid as _rid, rowid as position, * from t")  # inserted in order
    checks = ONESTOP.checks(JUNE)
    schema = pa.DataFrameSchema({
        "dossier_id": checks.columns["dossier_id"],
        "received_at": checks.columns["received_at"],
        "fee": pa.Column(checks=[*checks.columns["fee"].checks, pa.Check.le(5, name="at_most_5")]),  # built-in
    }, checks=checks.checks[:1])
    found = {name: sorted(zip(rows["file_name"], rows["row_number"]))
             for name, _, rows in failing_rows(con, "rows", schema)}
    assert found == {"duplicate_id": [("a.csv", 3), ("b.csv", 2)], "out_of_month": [("a.csv", 4)],
                     "negative": [("a.csv", 3)], "resolved_before_received": [("a.csv", 4)],
                     "at_most_5": [("a.csv", 2)]}
