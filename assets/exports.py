"""The five export sources: each month's files read, typed, checked and landed inside DuckDB (landing/exports.py)."""
from dataclasses import dataclass

import dagster as dg

from landing import exports as landing
from domain.periods import ReportMonth
from assets.checks import rows_accounted, rows_accounted_spec
from assets.partitions import described, month_of_run, report_months
from assets.resources import InboxResource, WarehouseResource
from schemas import exports as schemas
from sources import exports as sources


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


def land_export(con, inbox, month: ReportMonth, name: str) -> dict:
    pipeline = PIPELINES[name]
    return landing.land_export(con, inbox, month, pipeline.source, pipeline.schema, pipeline.table)


def export_asset(name: str, description: str) -> dg.AssetsDefinition:
    @dg.asset(name=name, partitions_def=report_months, group_name="sources", pool="duckdb",
              description=described(description), check_specs=[rows_accounted_spec(name, name)])
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
               inbox: InboxResource) -> dg.MaterializeResult:
        month = month_of_run(context)
        with warehouse.connect() as con:
            summary = land_export(con, inbox.root, month, name)
            check = rows_accounted(con, str(month), name)
        context.log.info(f"{name} kỳ {month}: {summary['files']} tệp, {summary['rows_loaded']}/"
                         f"{summary['rows_read']} dòng hợp lệ, {summary['failures']} lỗi")
        return dg.MaterializeResult(metadata={"report_month": str(month), **summary}, check_results=[check])

    return _asset


onestop = export_asset("onestop", "Hồ sơ một cửa (onestop/) → staging.dossiers")
procedures = export_asset("procedures", "Danh mục TTHC (procedures/) → staging.procedures")
qlvb = export_asset("qlvb", "Sổ văn bản (qlvb/) → staging.documents")
ioc_feedback = export_asset("ioc_feedback", "Phản ánh hiện trường (ioc_feedback/) → staging.field_reports")
ioc_accounts = export_asset("ioc_accounts", "Tài khoản app IOC (ioc_accounts/) → staging.ioc_accounts")
