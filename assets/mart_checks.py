"""Checks on the marts, with great-expectations: one row per key, scores within bounds, every unit present."""
import dagster as dg
import great_expectations.expectations as gxe

from assets.marts import dti_scores, dti_summary, indicator_attainment
from dti.expectations import docs_index, validate_frame
from dti.periods import ReportMonth
from pipelines.partitions import report_months
from pipelines.resources import WarehouseResource



def _month_frame(warehouse: WarehouseResource, table: str, month: str):
    with warehouse.connect() as con:
        frame = con.execute(f"select * from {table} where report_month = ?", [month]).df()
        scored = [u for (u,) in con.execute(
            "select unit_code from ref.units where level in ('city', 'commune') order by 1").fetchall()]
    return frame, scored


def _docs(warehouse: WarehouseResource):
    return warehouse.file.parent / "quality_docs"


def _result(passed: bool, failed: list[str], month: str, rows: int,
            warehouse: WarehouseResource) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=passed, metadata={
        "report_month": month, "rows": rows, "failed": failed,
        "data_docs": dg.MetadataValue.path(str(docs_index(_docs(warehouse))))})


@dg.asset_check(asset=dti_scores, partitions_def=report_months,
                description="Điểm trong [0, điểm tối đa] (điểm trừ trong [-1, 0]), mỗi tiêu chí một dòng, đủ 18 đơn vị")
def dti_scores_expectations(context: dg.AssetCheckExecutionContext,
                            warehouse: WarehouseResource) -> dg.AssetCheckResult:
    month = str(ReportMonth.from_partition_key(context.partition_key))
    frame, scored = _month_frame(warehouse, "marts.dti_scores", month)
    frame = frame.assign(low=frame["max_points"].clip(upper=0), high=frame["max_points"].clip(lower=0))
    passed, failed = validate_frame(frame, "dti_scores", [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["report_month", "unit_code", "criterion_code"]),
        gxe.ExpectColumnDistinctValuesToEqualSet(column="unit_code", value_set=scored),
        gxe.ExpectColumnValuesToBeInSet(column="rubric", value_set=["district", "commune"]),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="high", column_B="final_score", or_equal=True,
                                                    ignore_row_if="either_value_is_missing"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="final_score", column_B="low", or_equal=True,
                                                    ignore_row_if="either_value_is_missing"),
    ], docs_dir=_docs(warehouse))
    return _result(passed, failed, month, len(frame), warehouse)


@dg.asset_check(asset=dti_summary, partitions_def=report_months,
                description="Mỗi đơn vị một dòng, đủ TPVT và 17 phường xã, tổng điểm ≤ 100 + điểm thưởng")
def dti_summary_expectations(context: dg.AssetCheckExecutionContext,
                             warehouse: WarehouseResource) -> dg.AssetCheckResult:
    month = str(ReportMonth.from_partition_key(context.partition_key))
    frame, scored = _month_frame(warehouse, "marts.dti_summary", month)
    frame = frame.assign(ceiling=100 + frame["bonus_penalty"].clip(lower=0))
    passed, failed = validate_frame(frame, "dti_summary", [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["report_month", "unit_code"]),
        gxe.ExpectColumnDistinctValuesToEqualSet(column="unit_code", value_set=scored),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ceiling", column_B="total_score", or_equal=True),
        gxe.ExpectColumnValuesToBeBetween(column="rank", min_value=1, max_value=17),
    ], docs_dir=_docs(warehouse))
    return _result(passed, failed, month, len(frame), warehouse)


@dg.asset_check(asset=indicator_attainment, partitions_def=report_months,
                description="Mỗi đơn vị × chỉ tiêu một dòng; TPVT có đủ 30 chỉ tiêu; trạng thái hợp lệ")
def indicator_attainment_expectations(context: dg.AssetCheckExecutionContext,
                                      warehouse: WarehouseResource) -> dg.AssetCheckResult:
    month = str(ReportMonth.from_partition_key(context.partition_key))
    frame, _ = _month_frame(warehouse, "marts.indicator_attainment", month)
    city = frame[frame["unit_code"] == "TPVT"]
    passed, failed = validate_frame(frame, "indicator_attainment", [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["report_month", "unit_code", "indicator_code"]),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["achieved", "not_achieved", "no_data"]),
        gxe.ExpectColumnValuesToBeBetween(column="value_pct", min_value=0),
    ], docs_dir=_docs(warehouse))
    if city["indicator_code"].nunique() != 30:
        passed, failed = False, [*failed, f"TPVT có {city['indicator_code'].nunique()}/30 chỉ tiêu"]
    return _result(passed, failed, month, len(frame), warehouse)
