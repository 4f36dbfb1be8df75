"""Pandera models of the reference tables: the single place their columns and rules are written."""
import pandera.pandas as pa
from pandera.typing import Series

LEVELS = ["city", "department", "commune"]
RULES = ["ratio", "steps", "yesno", "parts", "bonus", "penalty", "declared", "reporting", ""]


class UnitSchema(pa.DataFrameModel):
    unit_code: Series[str] = pa.Field(unique=True, str_matches=r"^[A-Z][A-Z0-9_]+$")
    level: Series[str] = pa.Field(isin=LEVELS)
    name_vi: Series[str]
    short_name_vi: Series[str]
    sort_order: Series[int] = pa.Field(ge=0)
    rubric: Series[str] = pa.Field(isin=["district", "commune"], nullable=True)


class IndicatorSchema(pa.DataFrameModel):
    year: Series[int]
    indicator_code: Series[str] = pa.Field(str_matches=r"^(CQS|KTS|XHS)-\d{2}$")
    group_code: Series[str] = pa.Field(isin=["CQS", "KTS", "XHS"])
    stt: Series[int]
    name_vi: Series[str]
    source: Series[str] = pa.Field(isin=["onestop", "procedures", "ioc_accounts", "ioc_feedback", "units"])

    @pa.dataframe_check
    def one_row_per_code_and_year(cls, frame):
        return ~frame.duplicated(["year", "indicator_code"])


class IndicatorTargetSchema(pa.DataFrameModel):
    indicator_code: Series[str]
    level: Series[str] = pa.Field(isin=["national", "province", "city"])
    target_text: Series[str]
    comparator: Series[str] = pa.Field(isin=[">=", ">", "<", "<="], nullable=True)
    lower_bound: Series[float] = pa.Field(ge=0, nullable=True)


class RubricCriterionSchema(pa.DataFrameModel):
    rubric: Series[str] = pa.Field(isin=["district", "commune"])
    level: Series[str] = pa.Field(isin=["group", "section", "criterion"])
    group_code: Series[str]
    criterion_code: Series[str] = pa.Field(str_matches=r"^[IVX]+(\.\d+){0,2}$")
    max_points: Series[float] = pa.Field(nullable=True)
    rule: Series[str] = pa.Field(isin=RULES)

    @pa.dataframe_check
    def criteria_have_a_rule(cls, frame):
        return (frame["level"] != "criterion") | (frame["rule"] != "")

    @pa.dataframe_check
    def one_row_per_code(cls, frame):
        return ~frame.duplicated(["rubric", "criterion_code"])
