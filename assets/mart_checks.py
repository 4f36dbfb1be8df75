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


def _expect(warehouse: WarehouseResource, name: str, month: str, frame, expectations: list,
            extra_failures: list[str] = ()) -> dg.AssetCheckResult:
    """Run the expectations on one month of a mart; the data docs are rebuilt beside the warehouse."""
    docs = warehouse.file.parent / "quality_docs"
    passed, failed = validate_frame(frame, name, expectations, docs_dir=docs)
    failed = [*failed, *extra_failures]
    return dg.AssetCheckResult(passed=passed and not extra_failures, metadata={
        "report_month": month, "rows": len(frame), "failed": failed,
        "data_docs": dg.MetadataValue.path(str(docs_index(docs)))})


@dg.asset_check(asset=dti_scores, partitions_def=report_months,
                description="Điểm trong [0, điểm tối đa] (điểm trừ trong [-1, 0]), mỗi tiêu chí một dòng, đủ 18 đơn vị")
def dti_scores_expectations(context: dg.AssetCheckExecutionContext,
                            warehouse: WarehouseResource) -> dg.AssetCheckResult:
    month = str(ReportMonth.from_partition_key(context.partition_key))
    frame, scored = _month_frame(warehouse, "marts.dti_scores", month)
    frame = frame.assign(low=frame["max_points"].clip(upper=0), high=frame["max_points"].clip(lower=0))
    return _expect(warehouse, "dti_scores", month, frame, [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["report_month", "unit_code", "criterion_code"]),
        gxe.ExpectColumnDistinctValuesToEqualSet(column="unit_code", value_set=scored),
        gxe.ExpectColumnValuesToBeInSet(column="rubric", value_set=["district", "commune"]),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="high", column_B="final_score", or_equal=True,
                                                    ignore_row_if="either_value_is_missing"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="final_score", column_B="low", or_equal=True,
                                                    ignore_row_if="either_value_is_missing"),
    ])


@dg.asset_check(asset=dti_summary, partitions_def=report_months,
                description="Mỗi đơn vị một dòng, đủ TPVT và 17 phường xã, tổng điểm ≤ 100 + điểm thưởng")
def dti_summary_expectations(context: dg.AssetCheckExecutionContext,
                             warehouse: WarehouseResource) -> dg.AssetCheckResult:
    month = str(ReportMonth.from_partition_key(context.partition_key))
    frame, scored = _month_frame(warehouse, "marts.dti_summary", month)
    frame = frame.assign(ceiling=100 + frame["bonus_penalty"].clip(lower=0))
    return _expect(warehouse, "dti_summary", month, frame, [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["report_month", "unit_code"]),
        gxe.ExpectColumnDistinctValuesToEqualSet(column="unit_code", value_set=scored),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ceiling", column_B="total_score", or_equal=True),
        gxe.ExpectColumnValuesToBeBetween(column="rank", min_value=1, max_value=17),
    ])


@dg.asset_check(asset=indicator_attainment, partitions_def=report_months,
                description="Mỗi đơn vị × chỉ tiêu một dòng; TPVT có đủ 30 chỉ tiêu; trạng thái hợp lệ")
def indicator_attainment_expectations(context: dg.AssetCheckExecutionContext,
                                      warehouse: WarehouseResource) -> dg.AssetCheckResult:
    month = str(ReportMonth.from_partition_key(context.partition_key))
    frame, _ = _month_frame(warehouse, "marts.indicator_attainment", month)
    city_indicators = frame.loc[frame["unit_code"] == "TPVT", "indicator_code"].nunique()
    return _expect(warehouse, "indicator_attainment", month, frame, [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["report_month", "unit_code", "indicator_code"]),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["achieved", "not_achieved", "no_data"]),
        gxe.ExpectColumnValuesToBeBetween(column="value_pct", min_value=0),
    ], extra_failures=[f"TPVT có {city_indicators}/30 chỉ tiêu"] if city_indicators != 30 else [])
