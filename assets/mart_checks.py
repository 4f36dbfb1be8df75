"""Checks on the marts, with great-expectations: one row per key, scores within bounds, every unit present.

great-expectations decides whether a check passes; what failed is then told in Vietnamese, with the rows that
show it (a few, as metadata), found in the month's frame by the same rule.
"""
import logging
from pathlib import Path

import dagster as dg
import pandas as pd

from domain import reference
from warehouse.expectations import Expectation, docs_folder, docs_index, validate_frame
from assets.partitions import described, monthly_check_spec

SAMPLE_ROWS = 5


class _NoAggregateRenderError(logging.Filter):
    """great-expectations 1.24 logs a traceback while rendering the data docs of a failed aggregate expectation
    (expect_column_distinct_values_to_equal_set has no `unexpected_percent`); the docs page is still written and
    the check's result says what failed, so that one error, and only it, is not printed."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "KeyError: \"'unexpected_percent'\"" not in record.getMessage()


logging.getLogger("great_expectations.render.renderer.content_block.validation_results_table_content_block"
                  ).addFilter(_NoAggregateRenderError())
LABELS = {"report_month": "kỳ báo cáo", "unit_code": "mã đơn vị", "criterion_code": "mã tiêu chí",
          "indicator_code": "mã chỉ tiêu", "rubric": "bộ tiêu chí", "status": "trạng thái", "value_pct": "kết quả (%)",
          "final_score": "điểm cuối cùng", "high": "điểm tối đa", "low": "mức thấp nhất", "max_points": "điểm tối đa",
          "total_score": "tổng điểm", "ceiling": "100 + điểm thưởng", "bonus_penalty": "điểm thưởng/trừ",
          "rank": "hạng"}
ROW_KEYS = ("unit_code", "criterion_code", "indicator_code")  # what names a mart row in the evidence


def _label(column: str) -> str:
    return f"{LABELS.get(column, column)} ({column})" if column in LABELS else column


def _rows(frame: pd.DataFrame, bad: pd.DataFrame, *columns: str) -> pd.DataFrame:
    shown = [c for c in (*ROW_KEYS, *columns) if c in frame.columns]
    return bad[list(dict.fromkeys(shown))]


def evidence(frame: pd.DataFrame, expectation: Expectation) -> tuple[str, pd.DataFrame | None] | None:
    """What an expectation finds wrong in the frame, in Vietnamese, and the rows that show it; None if nothing."""
    kind, args = expectation.kind, expectation.args
    if kind == "ExpectCompoundColumnsToBeUnique":
        columns = list(args["column_list"])
        bad = frame[frame.duplicated(columns, keep=False)]
        return (f"{len(bad)} dòng trùng khóa ({', '.join(columns)})", _rows(frame, bad, *columns)) if len(bad) else None
    if kind == "ExpectColumnDistinctValuesToEqualSet":
        present, wanted = set(frame[args["column"]].dropna()), set(args["value_set"])
        missing, extra = sorted(wanted - present), sorted(present - wanted)
        parts = ([f"thiếu {len(missing)}: {', '.join(map(str, missing))}"] if missing else []) + (
            [f"thừa {len(extra)}: {', '.join(map(str, extra))}"] if extra else [])
        return (f"{_label(args['column'])} {'; '.join(parts)}", None) if parts else None
    if kind == "ExpectColumnValuesToBeInSet":
        column = frame[args["column"]]
        bad = frame[column.notna() & ~column.isin(list(args["value_set"]))]
        return (f"{len(bad)} dòng có {_label(args['column'])} ngoài các giá trị cho phép "
                f"({', '.join(map(str, args['value_set']))})", _rows(frame, bad, args["column"])) if len(bad) \
            else None
    if kind == "ExpectColumnValuesToBeBetween":
        column, low, high = frame[args["column"]], args.get("min_value"), args.get("max_value")
        outside = pd.Series(False, index=frame.index)
        if low is not None:
            outside |= column < low
        if high is not None:
            outside |= column > high
        bad = frame[column.notna() & outside]
        bounds = f"[{'' if low is None else f'{low:g}'}, {'' if high is None else f'{high:g}'}]"
        return (f"{len(bad)} dòng có {_label(args['column'])} ngoài khoảng {bounds}",
                _rows(frame, bad, args["column"])) if len(bad) else None
    if kind == "ExpectColumnPairValuesAToBeGreaterThanB":
        a_name, b_name, or_equal = args["column_A"], args["column_B"], args.get("or_equal")
        a, b = frame[a_name], frame[b_name]
        holds = (a >= b) if or_equal else (a > b)
        ignored = {"both_values_are_missing": a.isna() & b.isna(), "either_value_is_missing": a.isna() | b.isna()
                   }.get(args.get("ignore_row_if", "both_values_are_missing"), pd.Series(False, index=frame.index))
        bad = frame[~holds & ~ignored]
        return (f"{len(bad)} dòng có {_label(b_name)} {'lớn hơn' if or_equal else 'không nhỏ hơn'} {_label(a_name)}",
                _rows(frame, bad, b_name, a_name)) if len(bad) else None
    return None


def _markdown(rows: pd.DataFrame) -> str:
    header = [LABELS.get(c, c).capitalize() for c in rows.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for values in rows.head(SAMPLE_ROWS).itertuples(index=False):
        lines.append("| " + " | ".join("" if pd.isna(v) else f"{v:g}" if isinstance(v, float) else str(v)
                                       for v in values) + " |")
    if len(rows) > SAMPLE_ROWS:
        lines.append(f"\n{SAMPLE_ROWS} trong {len(rows)} dòng.")
    return "\n".join(lines)


def _month_frame(con, table: str, month: str):
    frame = con.execute(f"select * from {table} where report_month = ?", [month]).df()
    scored = [u for (u,) in con.execute(
        "select unit_code from ref.units where rubric is not null order by 1").fetchall()]
    return frame, scored


def _expect(docs: Path, name: str, month: str, frame, expectations: list,
            extra_failures: list[str] = ()) -> dg.AssetCheckResult:
    """Run the expectations on one month of a mart; the data docs are rebuilt in `docs`."""
    passed, gx_failed = validate_frame(frame, name, expectations, docs_dir=docs)
    ok = passed and not extra_failures
    found = [] if ok else [e for e in (evidence(frame, x) for x in expectations) if e is not None]
    messages = [m for m, _ in found] + list(extra_failures)
    if not passed and not found:  # nothing the rows show: great-expectations' own words, and its data docs
        messages += gx_failed
    if ok:
        said = f"Kỳ {month}: marts.{name} đạt mọi kiểm tra ({len(frame)} dòng)."
    else:
        said = f"Kỳ {month}: marts.{name} có {len(messages)} điểm không đạt: " + "; ".join(messages) + "."
    sample = "\n\n".join(f"**{m}**\n\n{_markdown(rows)}" for m, rows in found if rows is not None and len(rows))
    return dg.AssetCheckResult(passed=ok, description=said, metadata={
        "report_month": month, "rows": len(frame), "failed": messages,
        "failure_sample": dg.MetadataValue.md(sample or ("Không có lỗi." if ok else "Xem danh sách failed.")),
        "expectations_failed": gx_failed,
        "data_docs": dg.MetadataValue.path(str(docs_index(docs)))})


def dti_scores_expectations(con, docs: Path, month: str) -> dg.AssetCheckResult:
    frame, scored = _month_frame(con, "marts.dti_scores", month)
    frame = frame.assign(low=frame["max_points"].clip(upper=0), high=frame["max_points"].clip(lower=0))
    return _expect(docs, "dti_scores", month, frame, [
        Expectation("ExpectCompoundColumnsToBeUnique", column_list=["report_month", "unit_code", "criterion_code"]),
        Expectation("ExpectColumnDistinctValuesToEqualSet", column="unit_code", value_set=scored),
        Expectation("ExpectColumnValuesToBeInSet", column="rubric", value_set=["district", "commune"]),
        Expectation("ExpectColumnPairValuesAToBeGreaterThanB", column_A="high", column_B="final_score", or_equal=True,
                    ignore_row_if="either_value_is_missing"),
        Expectation("ExpectColumnPairValuesAToBeGreaterThanB", column_A="final_score", column_B="low", or_equal=True,
                    ignore_row_if="either_value_is_missing"),
    ])


def dti_summary_expectations(con, docs: Path, month: str) -> dg.AssetCheckResult:
    frame, scored = _month_frame(con, "marts.dti_summary", month)
    frame = frame.assign(ceiling=100 + frame["bonus_penalty"].clip(lower=0))
    return _expect(docs, "dti_summary", month, frame, [
        Expectation("ExpectCompoundColumnsToBeUnique", column_list=["report_month", "unit_code"]),
        Expectation("ExpectColumnDistinctValuesToEqualSet", column="unit_code", value_set=scored),
        Expectation("ExpectColumnPairValuesAToBeGreaterThanB", column_A="ceiling", column_B="total_score", or_equal=True),
        Expectation("ExpectColumnValuesToBeBetween", column="rank", min_value=1, max_value=17),
    ])


def _city_indicators_missing(frame: pd.DataFrame, month: str) -> list[str]:
    """TPVT's indicators of the month's catalogue with no row in the mart (the catalogue's year as the mart's)."""
    catalogue = reference.indicators()
    year = reference.catalogue_year(int(month[:4]), set(catalogue["year"]))
    expected = set(catalogue.loc[catalogue["year"] == year, "indicator_code"])
    return sorted(expected - set(frame.loc[frame["unit_code"] == "TPVT", "indicator_code"]))


def indicator_attainment_expectations(con, docs: Path, month: str) -> dg.AssetCheckResult:
    frame, _ = _month_frame(con, "marts.indicator_attainment", month)
    city_indicators = frame.loc[frame["unit_code"] == "TPVT", "indicator_code"].nunique()
    missing = _city_indicators_missing(frame, month) if city_indicators != 30 else []
    return _expect(docs, "indicator_attainment", month, frame, [
        Expectation("ExpectCompoundColumnsToBeUnique", column_list=["report_month", "unit_code", "indicator_code"]),
        Expectation("ExpectColumnValuesToBeInSet", column="status", value_set=["achieved", "not_achieved", "no_data"]),
        Expectation("ExpectColumnValuesToBeBetween", column="value_pct", min_value=0),
    ], extra_failures=[f"TPVT (toàn thành phố) có {city_indicators}/30 chỉ tiêu" + (
        f", thiếu {', '.join(missing[:10])}" + (" ..." if len(missing) > 10 else "") if missing else "")]
        if city_indicators != 30 else [])


# Each runs in its mart's own step (`assets/marts.py`), on the connection that built the month.
CHECKED = {"dti_scores": dti_scores_expectations, "dti_summary": dti_summary_expectations,
           "indicator_attainment": indicator_attainment_expectations}
SPECS = {name: monthly_check_spec(f"{name}_expectations", name, described(text)) for name, text in (
    ("dti_scores", "Điểm trong [0, điểm tối đa] (điểm trừ trong [-1, 0]), mỗi tiêu chí một dòng, đủ TPVT và 17 "
                   "phường xã"),
    ("dti_summary", "Mỗi đơn vị một dòng, đủ TPVT và 17 phường xã, tổng điểm ≤ 100 + điểm thưởng, hạng từ 1 đến 17"),
    ("indicator_attainment", "Mỗi đơn vị × chỉ tiêu một dòng; TPVT có đủ 30 chỉ tiêu; trạng thái hợp lệ; kết quả (%) "
                             "không âm"))}


def expectations_result(con, warehouse_file: Path, name: str, month: str) -> dg.AssetCheckResult:
    return CHECKED[name](con, docs_folder(warehouse_file), month)
