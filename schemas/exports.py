"""Types and checks of the five export sources (SPEC §3.1-3.5): the one place their rules are written.

Each source: `columns` (how each cell types, see `schemas.columns`) and
`checks(month)`, a pandera schema on its typed rows written with pandera's
Ibis API, so that the warehouse runs it where the rows are (`landing.exports`).
The rows carry `position`, their order in the month (files in name order,
then rows in order).
Each check returns a boolean column of the rows' table, so that all of a
source's checks compile into one query. A frame-level check names the column
it blames and the column its message shows as expected.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import ibis
import pandera.backends.ibis.builtin_checks  # noqa: F401  the built-in checks' Ibis forms, before any check is made
import pandera.ibis as pa

from domain.periods import ReportMonth
from schemas.columns import Col
from sources import exports as sources


@dataclass(frozen=True)
class OrderCheck:
    name: str            # messages.csv check name
    later: str           # the column blamed: it must not be before `earlier`
    earlier: str
    date_only_same_day: bool = False  # a bare date in `later` (00:00) on `earlier`'s day is not before it


@dataclass(frozen=True)
class ExportSchema:
    columns: dict[str, Col]
    key: str                                   # the row key
    month_column: str | None                   # rows belong to the report month of this date
    unique: bool = True                        # a key seen again in the month is rejected (first kept)
    snapshot: bool = False                     # keyed across files: the newest file's row wins
    order_checks: tuple[OrderCheck, ...] = ()

    @classmethod
    def of(cls, source: sources.ExportSource, columns: dict[str, Col], **rules) -> ExportSchema:
        """The schema of `source`: a failure row names each column by the first header spelling the source
        accepts (`sources/exports.py`, the one table of header spellings)."""
        if list(columns) != list(source.headers):
            raise ValueError(f"{source.name}: the schema's columns are not the source's")
        return cls({name: replace(col, display=source.headers[name][0]) for name, col in columns.items()}, **rules)

    def checks(self, month: ReportMonth) -> pa.DataFrameSchema:
        columns = {}
        if self.unique and not self.snapshot:
            columns[self.key] = pa.Column(checks=pa.Check(_first_occurrence, name="duplicate_id"))
        if self.month_column:
            columns[self.month_column] = pa.Column(checks=pa.Check(_within(month), name="out_of_month"))
        for name, col in self.columns.items():
            if col.kind == "money":
                columns[name] = pa.Column(checks=pa.Check(_not_negative, name="negative"), nullable=True)
        frame_checks = [pa.Check(_not_before(c.later, c.earlier, c.date_only_same_day), name=c.name)
                        for c in self.order_checks]
        return pa.DataFrameSchema(columns, checks=frame_checks)

    @property
    def checked_columns(self) -> list[str]:
        """The columns the checks read: the relation they run on needs no other."""
        wanted = [self.key, self.month_column, *(c.later for c in self.order_checks),
                  *(c.earlier for c in self.order_checks),
                  *(name for name, col in self.columns.items() if col.kind in ("money", "unit"))]
        return [name for name in self.columns if name in wanted]

    def blamed(self, check_name: str) -> OrderCheck | None:
        return next((c for c in self.order_checks if c.name == check_name), None)

    @property
    def display(self) -> dict[str, str]:
        return {name: col.display for name, col in self.columns.items()}


def _first_occurrence(data) -> ibis.Column:
    """The first row of a key passes, every later one fails; `position` orders the month's rows: files in
    name order, then rows in order."""
    table = data.table
    return ibis.row_number().over(group_by=table[data.key], order_by=table.position) == 0


def _within(month: ReportMonth):
    """The date falls in the report month: [10th of the previous month, 10th of this one)."""
    return lambda data: (data.table[data.key] >= month.start) & (data.table[data.key] < month.end)


def _not_negative(data) -> ibis.Column:
    return data.table[data.key] >= 0


def _not_before(later: str, earlier: str, date_only_same_day: bool = False):
    """later >= earlier where both are known. With `date_only_same_day`, a later value that is a bare date
    (midnight) passes on the earlier value's day: a result dated the day of receipt (SPEC §7 Time)."""
    def check(data) -> ibis.Column:
        first, then = data.table[earlier], data.table[later]
        passes = ~(then < first)
        if date_only_same_day:
            passes = passes | ((then == then.truncate("D")) & (then.truncate("D") == first.truncate("D")))
        return passes
    return check


ONESTOP = ExportSchema.of(sources.ONESTOP, {
    "dossier_id": Col("id", required=True),
    "procedure_code": Col("id", required=True),
    "unit_code": Col("unit", required=True),
    "received_at": Col("datetime", required=True),
    "due_at": Col("deadline"),
    "resolved_at": Col("datetime"),
    "channel": Col("enum", required=True, enum="submission_channel"),
    "remote": Col("bool"),
    "service_level": Col("enum", enum="service_level"),
    "vneid": Col("bool"),
    "fee": Col("money"),
    "paid_online": Col("bool"),
    "result_digitised": Col("bool"),
    "data_reused": Col("bool"),
}, key="dossier_id", month_column="received_at", order_checks=(
    OrderCheck("resolved_before_received", "resolved_at", "received_at", date_only_same_day=True),
    OrderCheck("due_before_received", "due_at", "received_at"),
))

PROCEDURES = ExportSchema.of(sources.PROCEDURES, {
    "procedure_code": Col("id", required=True),
    "procedure_name": Col("text"),
    "level": Col("enum", required=True, enum="procedure_level"),
    "service_level": Col("enum", required=True, enum="service_level"),
    "eligible_full": Col("bool"),
    "integrated": Col("bool"),
    "has_fee": Col("bool"),
}, key="procedure_code", month_column=None, snapshot=True)

QLVB = ExportSchema.of(sources.QLVB, {
    "doc_number": Col("id", required=True),
    "doc_date": Col("datetime", required=True),
    "direction": Col("enum", required=True, enum="document_direction"),
    "unit_code": Col("unit", required=True),
    "secrecy": Col("enum", enum="secrecy"),
    "on_software": Col("bool"),
    "interlinked": Col("bool"),
    "signed_personal": Col("bool"),
    "signed_org": Col("bool"),
    "has_appendix": Col("bool"),
    "appendix_signed": Col("bool"),
    "paper": Col("bool"),
    "digitised": Col("bool"),
    "subject": Col("text"),
    "signer": Col("text"),
}, key="doc_number", month_column="doc_date", unique=False)  # numbers repeat: an incoming one is its sender's

IOC_FEEDBACK = ExportSchema.of(sources.IOC_FEEDBACK, {
    "report_id": Col("id", required=True),
    "unit_code": Col("unit", required=True),
    "received_at": Col("datetime", required=True),
    "due_at": Col("deadline", required=True),
    "completed_at": Col("datetime"),
    "status": Col("text"),
}, key="report_id", month_column="received_at", order_checks=(
    OrderCheck("completed_before_received", "completed_at", "received_at", date_only_same_day=True),
    OrderCheck("deadline_before_received", "due_at", "received_at"),
))

IOC_ACCOUNTS = ExportSchema.of(sources.IOC_ACCOUNTS, {
    "account": Col("id", required=True),
    "official_name": Col("text"),
    "unit_code": Col("unit", required=True),
    "position": Col("text"),
    "is_leader": Col("bool"),
    "status": Col("enum", required=True, enum="account_status"),
    "last_login": Col("datetime"),
}, key="account", month_column=None, snapshot=True)
