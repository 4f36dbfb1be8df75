"""The one comparison of a figure with its target (sql/target_macros.sql), on hand-worked edges: exact, never
after rounding, on the targets as `domain.targets.parse_target` reads them."""
import duckdb
import pytest

from domain.targets import parse_target
from warehouse.connection import sql_text


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute(sql_text("target_macros"))
    yield con
    con.close()


def meets(con, text, numerator=None, denominator=None, value_pct=None):
    target = parse_target(text)
    return con.execute("select meets_target(?, ?, ?, ?, ?)",
                       [target.comparator, numerator, denominator, value_pct, target.lower]).fetchone()[0]


@pytest.mark.parametrize("text, numerator, denominator, expected", [
    ("85%", 17, 20, True),                # 85,00% exactly
    ("Trên 85%", 17, 20, False),          # not above
    ("85%", 16999, 20000, False),         # 84,995% shows as 85,00% but is below
    ("Trên 85%", 17001, 20000, True),     # 85,005%
    ("30-50%", 3, 10, True),              # a range: its lower bound
    ("Trên 8,5%.", 17, 200, False),       # 8,5% is not above 8,5%
    ("100% (Chỉ tiêu mới)", 7, 7, True),
])
def test_a_ratio_against_its_target(con, text, numerator, denominator, expected):
    assert meets(con, text, numerator, denominator) is expected


def test_a_declared_percentage_when_there_is_no_ratio(con):
    assert meets(con, "85%", value_pct=85.0) is True
    assert meets(con, "85%", value_pct=84.99) is False
    assert meets(con, "85%", 5, 0, value_pct=90.0) is True    # a zero denominator: the declared percentage
    assert meets(con, "85%") is None                          # no figure: no verdict (no_data)
