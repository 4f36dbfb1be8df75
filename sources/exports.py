"""The five export sources (SPEC §3.1-3.5): header spellings each system writes, the one table of them.

Personal data (citizens' names, ID-card and phone numbers, SPEC §5) have no
entry in `headers`, so they are never read out of the file; `personal` names
them as the systems write them, for the sample exports and the tests.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class ExportSource:
    name: str                                  # the inbox folder
    headers: dict[str, tuple[str, ...]]        # canonical column → accepted spellings
    required: tuple[str, ...]                  # columns without which the file is not this source
    personal: tuple[str, ...] = ()             # headers of columns the system writes and we never read

    @property
    def written_headers(self) -> list[str]:
        """The header row as the system writes it: each column's first spelling, then the personal ones."""
        return [spellings[0] for spellings in self.headers.values()] + list(self.personal)


ONESTOP = ExportSource("onestop", {
    "dossier_id": ("Mã hồ sơ", "Số hồ sơ"),
    "procedure_code": ("Mã TTHC", "Mã thủ tục"),
    "unit_code": ("Đơn vị xử lý", "Đơn vị"),
    "received_at": ("Ngày tiếp nhận",),
    "due_at": ("Ngày hẹn trả", "Hạn trả"),
    "resolved_at": ("Ngày có kết quả", "Ngày trả kết quả"),
    "channel": ("Hình thức nộp",),
    "remote": ("Nộp từ xa",),
    "service_level": ("Mức độ DVC", "Mức độ"),
    "vneid": ("Xác thực VNeID", "VNeID"),
    "fee": ("Phí, lệ phí (đồng)", "Phí, lệ phí", "Phí lệ phí"),
    "paid_online": ("Thanh toán trực tuyến",),
    "result_digitised": ("Số hóa kết quả", "Số hoá kết quả"),
    "data_reused": ("Tái sử dụng dữ liệu số hóa", "Tái sử dụng dữ liệu số hoá"),
}, ("dossier_id", "procedure_code", "unit_code", "received_at"),
    personal=("Họ tên người nộp", "Số CCCD", "Số điện thoại"))

PROCEDURES = ExportSource("procedures", {
    "procedure_code": ("Mã TTHC", "Mã thủ tục"),
    "procedure_name": ("Tên TTHC", "Tên thủ tục"),
    "level": ("Cấp thực hiện",),
    "service_level": ("Mức độ DVC", "Mức độ"),
    "eligible_full": ("Đủ điều kiện toàn trình",),
    "integrated": ("Tích hợp DVCQG",),
    "has_fee": ("Có phí, lệ phí", "Có phí lệ phí"),
}, ("procedure_code", "level", "service_level"))

QLVB = ExportSource("qlvb", {
    "doc_number": ("Số, ký hiệu", "Số ký hiệu"),
    "doc_date": ("Ngày văn bản",),
    "direction": ("Loại", "Loại văn bản"),
    "unit_code": ("Đơn vị",),
    "secrecy": ("Độ mật",),
    "on_software": ("Xử lý trên phần mềm",),
    "interlinked": ("Gửi liên thông",),
    "signed_personal": ("Ký số cá nhân",),
    "signed_org": ("Ký số tổ chức",),
    "has_appendix": ("Có phụ lục",),
    "appendix_signed": ("Phụ lục được ký số",),
    "paper": ("Nhận bản giấy",),
    "digitised": ("Đã số hóa", "Đã số hoá"),
    "subject": ("Lĩnh vực",),
    "signer": ("Người ký",),
}, ("doc_number", "doc_date", "direction", "unit_code"))

IOC_FEEDBACK = ExportSource("ioc_feedback", {
    "report_id": ("Mã phản ánh",),
    "unit_code": ("Đơn vị xử lý", "Đơn vị"),
    "received_at": ("Ngày tiếp nhận",),
    "due_at": ("Hạn xử lý",),
    "completed_at": ("Ngày hoàn thành",),
    "status": ("Trạng thái",),
}, ("report_id", "unit_code", "received_at", "due_at"), personal=("Người phản ánh", "Số điện thoại"))

IOC_ACCOUNTS = ExportSource("ioc_accounts", {
    "account": ("Tài khoản",),
    "official_name": ("Họ tên",),           # an official, not a citizen: kept in staging for stewards
    "unit_code": ("Đơn vị",),
    "position": ("Chức vụ",),
    "is_leader": ("Lãnh đạo",),
    "status": ("Trạng thái",),
    "last_login": ("Lần đăng nhập cuối",),
}, ("account", "unit_code", "is_leader", "status"))
