"""Citizens' names, ID-card and phone numbers never reach the warehouse, the failures or Dagster's storage."""
import zipfile
from pathlib import Path

import duckdb

from pipelines.launch import run_month
from outputs.feedback import write_feedback
from outputs.report import write_report
from domain.paths import warehouse_path
from domain.periods import ReportMonth
from tests.builders import FEEDBACK_HEADERS, ONESTOP_HEADERS, dossier, write_text, write_xlsx

NAME, CCCD, PHONE = "Trần Thị Bí Mật", "079188001234", "0987654321"


def _plain_bytes(path: Path) -> bytes:
    """A file's bytes; an xlsx is a zip, so its members are searched unpacked."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return path.read_bytes()


def test_personal_data_is_dropped_at_read_time(env):
    inbox = env / "inbox" / "2024-06"
    rows = [dossier("H1"), dossier("H2", fee="sai"), dossier("H3", unit="Phường 99")]
    for row in rows:
        row[14:17] = [NAME, CCCD, PHONE]
    write_text(inbox / "onestop" / "a.csv", ONESTOP_HEADERS, rows)
    write_xlsx(inbox / "ioc_feedback" / "f.xlsx", FEEDBACK_HEADERS, [
        ["PA1", "Phường 8", "15/05/2024 08:00", "20/05/2024", "", "Đang xử lý", NAME, PHONE],
        ["PA2", "Phường 8", "15/05/2024 08:00", "hạn sai", "", "Đang xử lý", NAME, PHONE]])
    assert run_month(ReportMonth(2024, 6))
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:  # and what people are sent
        write_feedback(con, ReportMonth(2024, 6), env / "outputs" / "feedback")
        write_report(con, ReportMonth(2024, 6), env / "outputs" / "report.xlsx")

    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        assert con.execute("select count(*) from staging.dossiers").fetchone()[0] == 1
        assert con.execute("select count(*) from quality.validation_failures").fetchone()[0] == 3
        for schema, table, column in con.execute(
                "select table_schema, table_name, column_name from information_schema.columns "
                "where data_type = 'VARCHAR'").fetchall():
            hits = con.execute(f'select count(*) from "{schema}"."{table}" where "{column}" like ? or "{column}" '
                               f'like ? or "{column}" like ?', [f"%{NAME}%", f"%{CCCD}%", f"%{PHONE}%"]).fetchone()
            assert hits[0] == 0, f"{schema}.{table}.{column}"
    written = [p for root in (warehouse_path().parent, env / "dagster", env / "outputs")
               for p in Path(root).rglob("*") if p.is_file()]
    assert written
    assert any(p.suffix == ".xlsx" for p in written) and any(p.suffix == ".parquet" for p in written)
    for path in written:
        data = _plain_bytes(path)
        for secret in (CCCD, PHONE, NAME):
            for encoding in ("utf-8", "utf-16-le"):
                assert secret.encode(encoding) not in data, f"{secret} in {path}"
