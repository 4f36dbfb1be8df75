"""Reference data (schema `ref`): units and aliases, the indicator catalogue and targets, both rubrics."""

import dagster as dg
import pandas as pd

from dti import reference
from dti.warehouse import replace_rows, transaction
from pipelines.resources import WarehouseResource
from schemas.reference import IndicatorSchema, IndicatorTargetSchema, RubricCriterionSchema, UnitSchema


def _replace_table(con, table: str, frame: pd.DataFrame) -> None:
    con.execute(f"create or replace table {table} as select * from frame")


@dg.asset(group_name="reference", pool="duckdb", description="30 đơn vị (TPVT, 12 phòng ban, 17 phường xã) và bí danh")
def ref_units(warehouse: WarehouseResource) -> dg.MaterializeResult:
    units = UnitSchema.validate(reference.units())
    aliases = reference.unit_aliases()
    with warehouse.connect() as con, transaction(con):
        _replace_table(con, "ref.units", units)
        _replace_table(con, "ref.unit_aliases", aliases)
    return dg.MaterializeResult(metadata={"units": len(units), "aliases": len(aliases)})


@dg.asset(group_name="reference", pool="duckdb", description="Danh mục chỉ tiêu và chỉ tiêu phấn đấu 3 cấp")
def ref_indicators(warehouse: WarehouseResource) -> dg.MaterializeResult:
    catalogue = IndicatorSchema.validate(reference.indicators())
    targets = IndicatorTargetSchema.validate(reference.indicator_targets(catalogue))
    with warehouse.connect() as con, transaction(con):
        _replace_table(con, "ref.indicators", catalogue)
        _replace_table(con, "ref.indicator_targets", targets)
    return dg.MaterializeResult(metadata={"indicators": len(catalogue),
                                          "targets_parsed": int(targets["comparator"].notna().sum())})


@dg.asset(group_name="reference", pool="duckdb", description="Hai bộ tiêu chí DTI (cấp huyện, cấp xã) với quy tắc chấm")
def ref_rubric_criteria(warehouse: WarehouseResource) -> dg.MaterializeResult:
    criteria = RubricCriterionSchema.validate(reference.rubric_criteria())
    with warehouse.connect() as con, transaction(con):
        _replace_table(con, "ref.rubric_criteria", criteria)
    counts = criteria[criteria["level"] == "criterion"].groupby("rubric").size().to_dict()
    return dg.MaterializeResult(metadata={f"criteria_{k}": int(v) for k, v in counts.items()})


@dg.asset_check(asset=ref_rubric_criteria, description="Tiêu chí cộng đúng điểm tối đa của nhóm; các nhóm cộng 100")
def rubric_adds_up(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    findings = reference.rubric_integrity(reference.rubric_criteria())
    for finding in findings:
        context.log.warning(finding.message)
    return dg.AssetCheckResult(
        passed=not findings, severity=dg.AssetCheckSeverity.WARN,
        metadata={"mismatches": [f.message for f in findings]})
