"""Asset checks every source shares: each file's rows are accounted for."""
import dagster as dg

from assets.exports import ioc_accounts, ioc_feedback, onestop, procedures, qlvb
from assets.unit_workbooks import unit_workbooks
from dti.periods import ReportMonth
from pipelines.partitions import report_months
from pipelines.resources import WarehouseResource


def rows_accounted_check(asset: dg.AssetsDefinition, source: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=asset, name="rows_accounted", partitions_def=report_months,
                    description="Mỗi tệp: số dòng đọc = số dòng nạp + số dòng bị loại")
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        month = str(ReportMonth.from_partition_key(context.partition_key))
        with warehouse.connect() as con:
            files = con.execute(
                "select file_name, rows_read, rows_loaded, rows_rejected, readable from raw.files "
                "where report_month = ? and source = ? order by file_name", [month, source]).fetchall()
            sample = con.execute(  # what a steward sees first; no personal data is ever read into failures
                "select file_name, row_number, column_name, check_name from quality.validation_failures "
                "where report_month = ? and source = ? order by file_name, row_number limit 5",
                [month, source]).fetchall()
        unbalanced = [f[0] for f in files if f[1] != f[2] + f[3]]
        return dg.AssetCheckResult(passed=not unbalanced, metadata={
            "report_month": month, "files": len(files), "unreadable_files": sum(1 for f in files if not f[4]),
            "rows_read": sum(f[1] for f in files), "rows_loaded": sum(f[2] for f in files),
            "rows_rejected": sum(f[3] for f in files), "unbalanced_files": unbalanced,
            "failure_sample": dg.MetadataValue.md("\n".join(
                f"- {f} dòng {r or '-'} cột {c or '-'}: {k}" for f, r, c, k in sample) or "không có lỗi")})

    return _check


CHECKS = [rows_accounted_check(asset, source) for asset, source in (
    (unit_workbooks, "units"), (onestop, "onestop"), (procedures, "procedures"), (qlvb, "qlvb"),
    (ioc_feedback, "ioc_feedback"), (ioc_accounts, "ioc_accounts"))]
