from warehouse.connection import _statements


def test_sql_files_split_outside_string_literals():
    sql = "select 'a; b -- c' as x; -- a comment; with a semicolon\nselect 2 -- trailing\n;"
    assert _statements(sql) == ["select 'a; b -- c' as x", "select 2"]
