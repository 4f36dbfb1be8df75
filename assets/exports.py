"""The five export sources: read every file of the month, type, validate, land; account for every row."""
from dataclasses import dataclass

import dagster as dg
import pandas as pd

from dti.failures import FailureLog, to_frame
from dti.manifest import InboxFile, list_files
from dti.periods import ReportMonth
from dti.units import UnitResolver
from dti.warehouse import replace_rows, transaction
from pipelines.partitions import report_months
from pipelines.resources import InboxResource, WarehouseResource
from schemas import exports as schemas
from schemas.columns import type_rows
from schemas.control import manifest_frame, manifest_record
from schemas.validation import validate
from sources import exports as sources
from sources.excel import as_text
from sources.tabular import SUFFIXES, UnreadableFile


@dataclass(frozen=True)
class ExportPipeline:
    source: sources.ExportSource
    schema: schemas.ExportSchema
    table: str


PIPELINES = {
    "onestop": ExportPipeline(sources.ONESTOP, schemas.ONESTOP, "staging.dossiers"),
    "procedures": ExportPipeline(sources.PROCEDURES, schemas.PROCEDURES, "staging.procedures"),
    "qlvb": ExportPipeline(sources.QLVB, schemas.QLVB, "staging.documents"),
    "ioc_feedback": ExportPipeline(sources.IOC_FEEDBACK, schemas.IOC_FEEDBACK, "staging.field_reports"),
    "ioc_accounts": ExportPipeline(sources.IOC_ACCOUNTS, schemas.IOC_ACCOUNTS, "staging.ioc_accounts"),
}


def raw_frame(table, file_name: str, columns) -> pd.DataFrame:
    """The rows as read, every value as text: what an audit or a re-run starts from."""
    records = [{"file_name": file_name, "sheet": table.sheet, "row_number": number,
                **{c: as_text(values.get(c)) for c in columns}}
               for number, values in table.rows]
    return pd.DataFrame(records, columns=["file_name", "sheet", "row_number", *columns])


def read_month(pipeline: ExportPipeline, files: list[InboxFile], log: FailureLog,
               resolver: UnitResolver) -> tuple[pd.DataFrame, dict[str, dict], pd.DataFrame | None]:
    """Typed rows of every file (in name order), per file what was read, and the raw rows."""
    frames, per_file, raw = [], {}, []
    for file in files:
        stats = {"rows_read": 0, "readable": True}
        per_file[file.name] = stats
        try:
            table = pipeline.source.read(file.path)
        except UnreadableFile as exc:
            log.add("file_unreadable", detail=str(exc), file_name=file.name)
            stats["readable"] = False
            continue
        except Exception as exc:  # a corrupt file must not stop the month
            log.add("file_unreadable", detail=type(exc).__name__, file_name=file.name)
            stats["readable"] = False
            continue
        if table.header_row is None:
            required = ", ".join(pipeline.schema.columns[c].display for c in pipeline.source.required)
            log.add("header_unmatched", sheet=table.sheet, expected=required, file_name=file.name)
            stats["readable"] = False
            continue
        stats["rows_read"] = table.rows_read
        raw.append(raw_frame(table, file.name, pipeline.source.headers))
        for row_number, fields in table.malformed:
            log.add("row_malformed", sheet=table.sheet, row=row_number, value=fields, expected=table.width,
                    file_name=file.name)
        frames.append(type_rows(table.rows, pipeline.schema.columns, log, resolver, file.name, table.sheet)
                      .assign(_modified_at=file.modified_at))
    if not frames:  # no file, or none readable: an empty frame of the same shape
        frames = [type_rows([], pipeline.schema.columns, log, resolver, "", None).assign(_modified_at=pd.NaT)]
    raw_rows = pd.concat(raw, ignore_index=True) if raw else None
    return pd.concat(frames, ignore_index=True), per_file, raw_rows


def mark_current(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Snapshot sources: per key, the row of the newest file wins (the first such row within it)."""
    order = frame.assign(_pos=range(len(frame))).sort_values(["_modified_at", "_pos"], ascending=[False, True])
    winners = set(order.drop_duplicates(key, keep="first")["_pos"])
    return frame.assign(is_current=[i in winners for i in range(len(frame))])


def land_export(con, inbox, month: ReportMonth, name: str) -> dict:
    pipeline = PIPELINES[name]
    files = list_files(inbox / str(month) / name, SUFFIXES)
    log = FailureLog(str(month), name)
    frame, per_file, raw_rows = read_month(pipeline, files, log, UnitResolver())
    schema, blame, expected = pipeline.schema.schema(month)
    frame = validate(frame.reset_index(drop=True), schema, log, None, pipeline.schema.display, expected=expected,
                     blame=blame)
    if pipeline.schema.snapshot:
        frame = mark_current(frame, pipeline.schema.key)
    frame = frame.drop(columns="_modified_at").assign(report_month=str(month))
    loaded = frame.groupby("file_name").size().to_dict()
    manifest = manifest_frame([
        manifest_record(str(month), name, f, per_file[f.name]["rows_read"], int(loaded.get(f.name, 0)),
                        per_file[f.name]["readable"]) for f in files])
    raw_table = f"raw.{name}_rows"
    con.execute(f"create table if not exists {raw_table} (report_month varchar, file_name varchar, sheet varchar, "
                f"row_number integer, {', '.join(f'{c} varchar' for c in pipeline.source.headers)})")
    with transaction(con):
        replace_rows(con, raw_table, None if raw_rows is None else raw_rows.assign(report_month=str(month)),
                     report_month=str(month))
        replace_rows(con, pipeline.table, frame, report_month=str(month))
        replace_rows(con, "quality.validation_failures", to_frame(log.failures), report_month=str(month),
                     source=name)
        replace_rows(con, "raw.files", manifest, report_month=str(month), source=name)
    return {"files": len(files), "rows_read": int(manifest["rows_read"].sum()) if len(manifest) else 0,
            "rows_loaded": len(frame), "failures": len(log.failures)}


def export_asset(name: str, description: str) -> dg.AssetsDefinition:
    @dg.asset(name=name, partitions_def=report_months, group_name="sources", pool="duckdb",
              description=description)
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
               inbox: InboxResource) -> dg.MaterializeResult:
        month = ReportMonth.from_partition_key(context.partition_key)
        with warehouse.connect() as con:
            summary = land_export(con, inbox.root, month, name)
        context.log.info(f"{name} kỳ {month}: {summary['files']} tệp, {summary['rows_loaded']}/"
                         f"{summary['rows_read']} dòng hợp lệ, {summary['failures']} lỗi")
        return dg.MaterializeResult(metadata={"report_month": str(month), **summary})

    return _asset


onestop = export_asset("onestop", "Hồ sơ một cửa (onestop/) → staging.dossiers")
procedures = export_asset("procedures", "Danh mục TTHC (procedures/) → staging.procedures")
qlvb = export_asset("qlvb", "Sổ văn bản (qlvb/) → staging.documents")
ioc_feedback = export_asset("ioc_feedback", "Phản ánh hiện trường (ioc_feedback/) → staging.field_reports")
ioc_accounts = export_asset("ioc_accounts", "Tài khoản app IOC (ioc_accounts/) → staging.ioc_accounts")
