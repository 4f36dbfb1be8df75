"""Values accepted but flagged for the steward (quality.validation_warnings): Dagster wiring around warehouse.marts."""
import dagster as dg

from assets.marts import indicator_attainment, unit_measures
from warehouse import marts
from assets.partitions import described, month_of_run, report_months
from assets.resources import WarehouseResource


@dg.asset(partitions_def=report_months, group_name="quality", pool="duckdb",
          deps=[indicator_attainment, unit_measures], key=["validation_warnings"],
          description=described("Cảnh báo cho cán bộ đầu mối (không loại bỏ số liệu): chỉ có tỷ lệ %, Kết quả (%) "
                                "không khớp tử số/mẫu số, vượt 100%, số liệu khác xa các tháng trước (z ≥ 3) hoặc "
                                "tỷ lệ đổi hơn 30 điểm"))
def validation_warnings(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    month = month_of_run(context)
    with warehouse.connect() as con:
        count = marts.build_validation_warnings(con, month)
        by_check = dict(con.execute("select check_name, count(*) from quality.validation_warnings "
                                    "where report_month = ? group by 1", [str(month)]).fetchall())
    return dg.MaterializeResult(metadata={"report_month": str(month), "warnings": int(count),
                                          **{k: int(v) for k, v in by_check.items()}})
