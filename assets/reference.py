"""Reference data (schema `ref`): units and aliases, the indicator catalogue and targets, both rubrics."""

import dagster as dg
import pandas as pd

from domain import reference
from warehouse.connection import transaction
from assets.partitions import report_month_of_run
from assets.resources import WarehouseResource
from schemas.reference import IndicatorSchema, IndicatorTargetSchema, RubricCriterionSchema, UnitSchema


def _replace_table(con, table: str, frame: pd.DataFrame) -> None:
    con.execute(f"create or replace table {table} as select * from frame")


NOT_PARTITIONED = ("Dữ liệu tham chiếu, không phân vùng theo kỳ: nạp lại trong mỗi lần chạy một kỳ báo cáo; metadata "
                   "report_month là kỳ của lần chạy đó (trống khi nạp riêng).")


def _run_month(context: dg.AssetExecutionContext) -> dg.MetadataValue:
    month = report_month_of_run(context)
    return dg.MetadataValue.text(month) if month else dg.MetadataValue.null()


@dg.asset(group_name="reference", pool="duckdb",
          description=f"30 đơn vị (TPVT, 12 phòng ban, 17 phường xã) và bí danh.\n\n{NOT_PARTITIONED}")
def ref_units(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    units = UnitSchema.validate(reference.units())
    aliases = reference.unit_aliases()
    with warehouse.connect() as con, transaction(con):
        _replace_table(con, "ref.units", units)
        _replace_table(con, "ref.unit_aliases", aliases)
    return dg.MaterializeResult(metadata={"report_month": _run_month(context), "units": len(units),
                                          "aliases": len(aliases)})


@dg.asset(group_name="reference", pool="duckdb",
          description=f"Danh mục chỉ tiêu và chỉ tiêu phấn đấu 3 cấp.\n\n{NOT_PARTITIONED}")
def ref_indicators(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    catalogue = IndicatorSchema.validate(reference.indicators())
    targets = IndicatorTargetSchema.validate(reference.indicator_targets(catalogue))
    with warehouse.connect() as con, transaction(con):
        _replace_table(con, "ref.indicators", catalogue)
        _replace_table(con, "ref.indicator_targets", targets)
    return dg.MaterializeResult(metadata={"report_month": _run_month(context), "indicators": len(catalogue),
                                          "targets_parsed": int(targets["comparator"].notna().sum())})


@dg.asset(group_name="reference", pool="duckdb",
          description=f"Hai bộ tiêu chí DTI (cấp huyện, cấp xã) với quy tắc chấm, và phòng ban cung cấp từng tiêu chí "
                      f"cấp huyện.\n\n{NOT_PARTITIONED}")
def ref_rubric_criteria(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    criteria = RubricCriterionSchema.validate(reference.rubric_criteria())
    duties = reference.criterion_duties()
    with warehouse.connect() as con, transaction(con):
        _replace_table(con, "ref.rubric_criteria", criteria)
        _replace_table(con, "ref.criterion_duties", duties)
    counts = criteria[criteria["level"] == "criterion"].groupby("rubric").size().to_dict()
    return dg.MaterializeResult(metadata={"report_month": _run_month(context),
                                          **{f"criteria_{k}": int(v) for k, v in counts.items()}})


RUBRIC_NAMES = {"district": "cấp huyện", "commune": "cấp xã"}


def _finding_text(finding: reference.IntegrityFinding) -> str:
    where = "tổng các nhóm I-VIII" if finding.group_code == "TOTAL" else f"nhóm {finding.group_code}"
    return (f"Bộ tiêu chí {RUBRIC_NAMES.get(finding.rubric, finding.rubric)}, {where}: tiêu đề ghi "
            f"{finding.printed_max:g} điểm nhưng cộng các tiêu chí được {finding.criteria_sum:g} điểm")


@dg.asset_check(asset=ref_rubric_criteria,
                description="Các tiêu chí của mỗi nhóm cộng đúng điểm tối đa in trên tiêu đề nhóm; các nhóm I-VIII "
                            "cộng đúng 100 điểm. Chỉ cảnh báo: khi chấm, điểm một nhóm không vượt mức in trên tiêu đề "
                            "(docs/scoring.md).")
def rubric_adds_up(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    # A known finding (the commune rubric's group V) is reported here, in the check's result, on every run; it
    # is not logged as a warning besides, since the scoring already reads it (group scores are capped).
    criteria = reference.rubric_criteria()
    findings = reference.rubric_integrity(criteria)
    items = criteria[criteria["level"] == "criterion"]
    evidence = []
    for f in findings:
        if f.group_code == "TOTAL":
            parts = "các nhóm I-VIII"
        else:
            group = items[(items["rubric"] == f.rubric) & (items["group_code"] == f.group_code)]
            parts = " + ".join(f"{c} ({p:g})" for c, p in zip(group["criterion_code"], group["max_points"]))
        evidence.append(f"| {RUBRIC_NAMES.get(f.rubric, f.rubric)} | {f.group_code} | {f.printed_max:g} | "
                        f"{f.criteria_sum:g} | {parts} |")
    month = report_month_of_run(context)
    return dg.AssetCheckResult(
        passed=not findings, severity=dg.AssetCheckSeverity.WARN,
        description=("; ".join(_finding_text(f) for f in findings) + ". Khi chấm, điểm nhóm không vượt mức in trên "
                     "tiêu đề (docs/scoring.md)." if findings else
                     "Hai bộ tiêu chí cộng đúng: mỗi nhóm bằng điểm in trên tiêu đề, các nhóm I-VIII cộng 100."),
        metadata={
            "report_month": dg.MetadataValue.text(month) if month else dg.MetadataValue.null(),
            "criteria": len(items), "mismatches": len(findings),
            "evidence": dg.MetadataValue.md(
                "| Bộ tiêu chí | Nhóm | Điểm in trên tiêu đề | Cộng các tiêu chí | Các tiêu chí (điểm tối đa) |\n"
                "|---|---|---|---|---|\n" + "\n".join(evidence) if evidence else "Không có chênh lệch.")})
