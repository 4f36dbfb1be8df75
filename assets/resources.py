"""Resources: where the warehouse and the inbox are (DTI_WAREHOUSE, DTI_INBOX; SPEC §3, §4)."""
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from domain import paths
from warehouse.connection import connect


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file; empty `path` means DTI_WAREHOUSE or its default."""

    path: str = ""

    @property
    def file(self) -> Path:
        return Path(self.path) if self.path else paths.warehouse_path()

    @contextmanager
    def connect(self, read_only: bool = False):
        with connect(self.file, read_only=read_only) as con:
            yield con


class InboxResource(dg.ConfigurableResource):
    """The inbox folder; empty `path` means DTI_INBOX or its default."""

    path: str = ""

    @property
    def root(self) -> Path:
        return Path(self.path) if self.path else paths.inbox_dir()
