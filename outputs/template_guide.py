"""The `Hướng dẫn` sheet of the unit workbook: what each sheet is, how to answer, what "no data yet" means,
the deadline. It is the last sheet (the reader takes `Mã đơn vị` and `Kỳ báo cáo` from the first one) and the
one the workbook opens on."""
from __future__ import annotations

from domain.periods import ReportMonth
from domain.vnformat import vn_month
from outputs.excel_style import BOLD, INPUT_FILL, body_cells, font, header_row, merged_line, print_setup, protect

SHEET_GUIDE = "Hướng dẫn"


def guide_rows(unit_name: str, unit_code: str, month: ReportMonth, has_dti: bool) -> list[tuple[str, str]]:
    deadline = f"{month.deadline:%d/%m/%Y}"
    rows = [
        ("Đơn vị", f"{unit_name} (mã {unit_code}). Không sửa mã đơn vị và kỳ báo cáo ở trang ThongTinChung."),
        ("Kỳ báo cáo", f"{vn_month(str(month))}: số liệu từ ngày {month.start:%d/%m/%Y} đến trước ngày "
                       f"{month.end:%d/%m/%Y}."),
        ("Hạn gửi", f"Đến hết ngày {deadline}, gửi tệp này (định dạng .xlsx, không đặt mật khẩu) về Phòng Văn hóa "
                    "và Thông tin. Gửi lại khi cần sửa: tệp gửi sau cùng được dùng, tệp trước vẫn được lưu."),
        ("Ô cần điền", "Chỉ điền vào các ô nền vàng. Các ô khác đã khóa để tránh sửa nhầm; không đổi tên trang "
                       "tính, không thêm hay xóa cột."),
        ("ThongTinChung", "Thông tin chung của đơn vị: mục 1–17 theo mẫu của tỉnh, mục 18 là số cán bộ, công "
                          "chức lãnh đạo của đơn vị. Ghi số, không ghi đơn vị tính."),
        ("ChiTieu", "Các chỉ tiêu đơn vị tự báo cáo. Ghi Tử số và Mẫu số (ví dụ 23391 và 23802); Kết quả (%) "
                    "sẽ được tính từ hai số này. Chỉ ghi Kết quả (%) khi không có tử số, mẫu số: khi đó số liệu "
                    "không cộng dồn được lên toàn thành phố. Tử số không được lớn hơn mẫu số."),
    ]
    if has_dti:
        rows += [
            ("DTI", "Tự đánh giá từng tiêu chí của Chỉ số chuyển đổi số: Điểm tự đánh giá (từ 0 đến điểm tối "
                    "đa), Trả lời, Tử số và Mẫu số khi tiêu chí tính theo tỷ lệ, Tài liệu kiểm chứng (số, ký "
                    "hiệu văn bản hoặc đường dẫn)."),
            ("Trả lời Có/Không", "Chọn Có hoặc Không trong danh sách của ô. Tiêu chí chấm theo nhiều phần: ghi "
                                 "một Có/Không cho từng phần theo thứ tự, cách nhau dấu chấm phẩy (ví dụ \"Có; "
                                 "Không\" là phần 1 đạt, phần 2 chưa đạt); ghi một Có hoặc Không là trả lời cho mọi "
                                 "phần. Chọn ô để xem các phần của tiêu chí."),
        ]
    rows += [
        ("Chưa có số liệu", "Khi chưa có số liệu, ghi \"Chưa có số liệu\" (hoặc \"Đang thống kê\") vào ô: hiểu là "
                            "chưa có số liệu, không phải số 0 và không phải lỗi. Không ghi 0 thay cho chưa có số "
                            "liệu: 0 là kết quả bằng không."),
        ("Cách ghi số", "Nhập số như bình thường trong Excel. Tỷ lệ ghi theo phần trăm, ví dụ 98,27."),
        ("Sau khi gửi", "Số liệu sai sẽ được gửi lại đơn vị kèm tệp, trang tính, dòng, cột và cách sửa."),
    ]
    return rows


def write_guide(wb, unit_name: str, unit_code: str, month: ReportMonth, has_dti: bool) -> None:
    ws = wb.create_sheet(SHEET_GUIDE)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 20, 78
    merged_line(ws, 1, "HƯỚNG DẪN ĐIỀN BIỂU MẪU BÁO CÁO CHUYỂN ĐỔI SỐ", 1, 2, size=13, bold=True)
    merged_line(ws, 2, f"{unit_name} - {vn_month(str(month))}", 1, 2, size=12, italic=True)
    header_row(ws, 4, ["Mục", "Hướng dẫn"])
    rows = guide_rows(unit_name, unit_code, month, has_dti)
    for r, (label, text) in enumerate(rows, start=5):
        ws.cell(r, 1, label).font = BOLD
        ws.cell(r, 2, text)
    body_cells(ws, 5, 4 + len(rows), 1, 2)
    ws.cell(5 + 3, 1).fill = INPUT_FILL  # "Ô cần điền" shows the colour it speaks of
    ws.cell(5 + 3, 1).font = font(bold=True)
    print_setup(ws, title_rows=(4, 4), freeze="A5")
    protect(ws, [])
    wb.active = wb.sheetnames.index(SHEET_GUIDE)
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet.title == SHEET_GUIDE
