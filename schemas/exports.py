"""Types and checks of the five export sources (SPEC §3.1-3.5): the one place their rules are written.

Each source: `columns` (how each cell types) and `checks(month)` (the pandera
schema run lazily on the typed rows of the month, with which column a
frame-level check blames and what its message says is expected).
"""
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from dti.periods import ReportMonth, month_of
from schemas.columns import Col
from schemas.validation import non_negative


@dataclass(frozen=True)
class ExportSchema:
    columns: dict[str, Col]
    key: str                                   # the row key
    month_column: str | None                   # rows belong to the report month of this date
    unique: bool = True                        # a key seen again in the month is rejected (first kept)
    snapshot: bool = False                     # keyed across files: the newest file's row wins
    frame_checks: tuple = ()                   # (check name, blamed column, other column, function)

    def schema(self, month: ReportMonth) -> tuple[pa.DataFrameSchema, dict, dict]:
        columns = {}
        expected = {}
        if self.unique and not self.snapshot:
            columns[self.key] = pa.Column(object, pa.Check(lambda s: ~s.duplicated(keep="first"), name="duplicate_id"))
        if self.month_column:
            start, end = month.start, month.end
            columns[self.month_column] = pa.Column(
                "datetime64[us]", pa.Check(lambda s: (s >= start) & (s < end), name="out_of_month"))
            expected["out_of_month"] = lambda row, c=self.month_column: str(month_of(row[c]))
        for column, col in self.columns.items():
            if col.kind == "money":
                columns[column] = pa.Column(float, non_negative(), nullable=True)
        checks, blame = [], {}
        for name, blamed, other, fn in self.frame_checks:
            checks.append(pa.Check(fn, name=name))
            blame[name] = blamed
            expected[name] = lambda row, o=other: _when(row[o])
        return pa.DataFrameSchema(columns, checks=checks), blame, expected

    @property
    def display(self) -> dict[str, str]:
        return {name: col.display for name, col in self.columns.items()}


def _when(value) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if not pd.isna(value) else ""


def _not_before(later: str, earlier: str):
    """later >= earlier where both are known."""
    return lambda f: ~(f[later] < f[earlier])


ONESTOP = ExportSchema({
    "dossier_id": Col("id", "Mã hồ sơ", required=True),
    "procedure_code": Col("id", "Mã TTHC", required=True),
    "unit_code": Col("unit", "Đơn vị xử lý", required=True),
    "received_at": Col("datetime", "Ngày tiếp nhận", required=True),
    "due_at": Col("deadline", "Ngày hẹn trả"),
    "resolved_at": Col("datetime", "Ngày có kết quả"),
    "channel": Col("enum", "Hình thức nộp", required=True, enum="submission_channel"),
    "remote": Col("bool", "Nộp từ xa"),
    "service_level": Col("enum", "Mức độ DVC", enum="service_level"),
    "vneid": Col("bool", "Xác thực VNeID"),
    "fee": Col("money", "Phí, lệ phí (đồng)"),
    "paid_online": Col("bool", "Thanh toán trực tuyến"),
    "result_digitised": Col("bool", "Số hóa kết quả"),
    "data_reused": Col("bool", "Tái sử dụng dữ liệu số hóa"),
}, key="dossier_id", month_column="received_at", frame_checks=(
    ("resolved_before_received", "resolved_at", "received_at", _not_before("resolved_at", "received_at")),
    ("due_before_received", "due_at", "received_at", _not_before("due_at", "received_at")),
))

PROCEDURES = ExportSchema({
    "procedure_code": Col("id", "Mã TTHC", required=True),
    "procedure_name": Col("text", "Tên TTHC"),
    "level": Col("enum", "Cấp thực hiện", required=True, enum="procedure_level"),
    "service_level": Col("enum", "Mức độ DVC", required=True, enum="service_level"),
    "eligible_full": Col("bool", "Đủ điều kiện toàn trình"),
    "integrated": Col("bool", "Tích hợp DVCQG"),
    "has_fee": Col("bool", "Có phí, lệ phí"),
}, key="procedure_code", month_column=None, snapshot=True)

QLVB = ExportSchema({
    "doc_number": Col("id", "Số, ký hiệu", required=True),
    "doc_date": Col("datetime", "Ngày văn bản", required=True),
    "direction": Col("enum", "Loại", required=True, enum="document_direction"),
    "unit_code": Col("unit", "Đơn vị", required=True),
    "secrecy": Col("enum", "Độ mật", enum="secrecy"),
    "on_software": Col("bool", "Xử lý trên phần mềm"),
    "interlinked": Col("bool", "Gửi liên thông"),
    "signed_personal": Col("bool", "Ký số cá nhân"),
    "signed_org": Col("bool", "Ký số tổ chức"),
    "has_appendix": Col("bool", "Có phụ lục"),
    "appendix_signed": Col("bool", "Phụ lục được ký số"),
    "paper": Col("bool", "Nhận bản giấy"),
    "digitised": Col("bool", "Đã số hóa"),
    "subject": Col("text", "Lĩnh vực"),
    "signer": Col("text", "Người ký"),
}, key="doc_number", month_column="doc_date", unique=False)  # numbers repeat: an incoming one is its sender's

IOC_FEEDBACK = ExportSchema({
    "report_id": Col("id", "Mã phản ánh", required=True),
    "unit_code": Col("unit", "Đơn vị xử lý", required=True),
    "received_at": Col("datetime", "Ngày tiếp nhận", required=True),
    "due_at": Col("deadline", "Hạn xử lý", required=True),
    "completed_at": Col("datetime", "Ngày hoàn thành"),
    "status": Col("text", "Trạng thái"),
}, key="report_id", month_column="received_at", frame_checks=(
    ("completed_before_received", "completed_at", "received_at", _not_before("completed_at", "received_at")),
    ("deadline_before_received", "due_at", "received_at", _not_before("due_at", "received_at")),
))

IOC_ACCOUNTS = ExportSchema({
    "account": Col("id", "Tài khoản", required=True),
    "official_name": Col("text", "Họ tên"),
    "unit_code": Col("unit", "Đơn vị", required=True),
    "position": Col("text", "Chức vụ"),
    "is_leader": Col("bool", "Lãnh đạo"),
    "status": Col("enum", "Trạng thái", required=True, enum="account_status"),
    "last_login": Col("datetime", "Lần đăng nhập cuối"),
}, key="account", month_column=None, snapshot=True)
