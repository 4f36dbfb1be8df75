"""Every table and column analysts read is documented in DuckDB itself, and docs/ says the same."""
import duckdb

from pipelines.launch import run_month
from warehouse.dictionary import markdown
from warehouse.expectations import docs_index
from domain.paths import inbox_dir, warehouse_path
from tests.builders import JUNE, QLVB_HEADERS, write_text
from domain.paths import REPO_DIR
from warehouse.publish import connect_readonly, parquet_dir, snapshot_path


def test_comments_docs_snapshot_and_parquet(env):
    document = ["1/UBND", "20/05/2024", "Đi", "Phường 8", "Thường", "x", "x", "x", "x", "", "", "", "", "Văn hóa", "A"]
    write_text(inbox_dir() / str(JUNE) / "qlvb" / "d.csv", QLVB_HEADERS, [document])  # a month is not run empty
    assert run_month(JUNE)
    with connect_readonly() as con:
        missing = con.execute(
            "select schema_name || '.' || table_name || '.' || column_name from duckdb_columns() "
            "where schema_name in ('marts', 'quality', 'staging', 'ref') and comment is null").fetchall()
        assert missing == []
        assert con.execute("select comment from duckdb_columns() where schema_name = 'marts' and "
                           "table_name = 'dti_scores' and column_name = 'basis'").fetchone()[0].startswith(
            "Căn cứ tính điểm — ")
        doc = markdown(con)
        assert con.execute("select count(*) from marts.indicator_attainment").fetchone()[0] == 30
    committed = (REPO_DIR / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert doc == committed, "docs/data_dictionary.md is stale: run `dti docs` after `dti demo`"
    assert snapshot_path().exists()
    assert docs_index(warehouse_path().parent / "quality_docs").exists()  # great-expectations data docs
    parquet = parquet_dir() / "marts.dti_summary.parquet"
    assert duckdb.execute(f"select count(*) from '{parquet}'").fetchone()[0] == 18
