"""The record path (dti/landing.py): line numbers, the SQL fast path against Python, odd files, checks in DuckDB."""
from datetime import datetime
from pathlib import Path

import duckdb
import pandera.ibis as pa
import pytest

from assets.exports import land_export
from dti.ibis_checks import failing_rows
from dti.periods import ReportMonth
from dti.sample_inbox import ONESTOP_HEADERS, encode_cp1258
from dti.vnparse import end_of_day_if_date_only, parse_datetime, parse_number
from dti.warehouse import connect, sql_text
from schemas.exports import ONESTOP

JUNE = ReportMonth(2024, 6)
ROW = ["{id}", "1.000031", "Phường 8", "15/05/2024 08:00", "20/05/2024", "18/05/2024 10:00", "Trực tuyến", "Có",
       "Toàn trình", "Có", "50.000", "Có", "Có", "Không", "Nguyễn Văn Dân", "079123456789", "0912345678"]


def line(id_: str, **changes) -> str:
    cells = [c.format(id=id_) for c in ROW]
    for index, value in changes.items():
        cells[int(index[1:])] = value
    return ";".join(cells)


def write(tmp_path: Path, name: str, lines: list[str], encoding="utf-8") -> Path:
    path = tmp_path / "inbox/2024-06/onestop" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join([";".join(ONESTOP_HEADERS), *lines]) + "\n"
    path.write_bytes(encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
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


def test_line_numbers_survive_malformed_lines_in_the_duckdb_read(tmp_path):
    write(tmp_path, "a.csv", [
        line("H1"),                                   # line 2
        "H2;1.000031;Phường 8",                        # 3: three fields
        line("H3"),                                   # 4
        line("H4") + ";thừa;thừa",                    # 5: nineteen fields
        line("H5", c2="Phường 99"),                   # 6: unknown unit
        line("H6"),                                   # 7
        line("H7", c10="50.000 đ"),                   # 8: money the fast path leaves to Python: loaded
    ])
    summary, staged, failures = land(tmp_path)
    assert staged == [(2, "H1"), (4, "H3"), (7, "H6"), (8, "H7")]
    assert failures == [(3, "row_malformed"), (5, "row_malformed"), (6, "unit_unknown")]
    assert (summary["rows_read"], summary["rows_loaded"]) == (7, 4)


def test_a_file_too_large_to_number_every_row_still_numbers_its_failures(tmp_path, monkeypatch):
    import dti.landing

    monkeypatch.setattr(dti.landing, "NUMBERED_ROWS_UP_TO", 0)
    write(tmp_path, "a.csv", [
        line("H1"),                                   # line 2
        "H2;1.000031;Phường 8",                        # 3: three fields
        line("H3", c3="05/05/2024 09:00"),            # 4: belongs to 2024-05 (a check, in DuckDB)
        line("H4", c10="năm chục"),                   # 5: not a number (Python)
        line("H1"),                                   # 6: repeated id (a window check)
        line("H6"),                                   # 7
    ])
    summary, staged, failures = land(tmp_path)
    assert failures == [(3, "row_malformed"), (4, "out_of_month"), (5, "not_a_number"), (6, "duplicate_id")]
    assert staged == [(None, "H1"), (None, "H6")]


def test_blank_lines_and_line_breaks_in_quotes_keep_exact_line_numbers(tmp_path):
    quoted = line("H2").replace("Nguyễn Văn Dân", '"Nguyễn\nVăn Dân"')   # a name over two lines
    write(tmp_path, "b.csv", [line("H1"), "", quoted, line("H3", c10="năm chục"), line("H4")])
    summary, staged, failures = land(tmp_path)
    # line 2 H1, 3 blank, 4-5 H2, 6 H3 (bad fee), 7 H4
    assert staged == [(2, "H1"), (4, "H2"), (7, "H4")]
    assert failures == [(6, "not_a_number")]


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
