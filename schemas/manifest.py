"""The control table every source writes (raw.files), typed with sqlmodel."""
from datetime import datetime

import pandas as pd
from sqlmodel import Field, SQLModel

from sources.inbox import InboxFile


class FileManifest(SQLModel):
    """One inbox file as landed: what an audit, a re-run and a resubmission work from."""

    report_month: str = Field(regex=r"^\d{4}-(0[1-9]|1[0-2])$")
    source: str
    file_name: str
    size_bytes: int = Field(ge=0)
    sha256: str = Field(min_length=64, max_length=64)
    modified_at: datetime
    unit_code: str | None = None       # units/ only: whose workbook it is
    is_current: bool | None = None     # units/ only: the newest workbook of its unit
    rows_read: int = Field(ge=0)
    rows_loaded: int = Field(ge=0)
    rows_rejected: int = Field(ge=0)
    readable: bool


def manifest_record(month: str, source: str, file: InboxFile, rows_read: int, rows_loaded: int, readable: bool,
                    unit_code: str | None = None, is_current: bool | None = None) -> FileManifest:
    return FileManifest(report_month=month, source=source, file_name=file.name, size_bytes=file.size_bytes,
                        sha256=file.sha256, modified_at=file.modified_at, unit_code=unit_code, is_current=is_current,
                        rows_read=rows_read, rows_loaded=rows_loaded, rows_rejected=rows_read - rows_loaded,
                        readable=readable)


def manifest_frame(records: list[FileManifest]) -> pd.DataFrame:
    return pd.DataFrame([r.model_dump() for r in records], columns=list(FileManifest.model_fields))
