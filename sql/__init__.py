"""The warehouse's SQL files, one per mart or step, run by `warehouse.connection.run_sql` and `query`."""
