"""The DuckDB warehouse: connection and SQL files, the marts, publishing, the data dictionary, expectations."""
