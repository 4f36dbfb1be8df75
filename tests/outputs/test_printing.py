"""Outputs a city office can sign and print (issue 15): each workbook printed by LibreOffice headless, its
pages counted (pdfinfo) and its first page read (pdftotext); page setup and fonts read back with openpyxl."""
import re
import shutil
import subprocess
from datetime import datetime

import duckdb
import pytest
from openpyxl import load_workbook

from domain.paths import inbox_dir, warehouse_path
from domain.periods import ReportMonth
from pipelines.launch import run_month
from dti.sample_inbox import write_sample_inbox
from tests.builders import ONESTOP_HEADERS
from outputs.excel_style import FONT_NAME
from outputs.feedback import write_feedback
from outputs.pdf import to_pdf
from outputs.appraisal import write_appraisals
from outputs.report import write_report
from outputs.template import write_templates
from tests.builders import dossier, unit_workbook, write_text

JUNE = ReportMonth(2024, 6)
needs_libreoffice = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdfinfo")),
                                       reason="needs LibreOffice and poppler-utils (.ci/run installs them)")


def pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_text(pdf, page: int) -> str:
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return " ".join(text.split())


TEXT_SHEETS = ("Báo cáo", "Bảng 2, biểu đồ")  # the report's running text and its 17-row ranking with charts


def assert_print_ready(path, long_rows: int = 40) -> None:
    """Every sheet: A4, one page wide, page numbers; named fonts in every style and cell; a sheet holding
    a long table repeats its header and freezes its panes."""
    wb = load_workbook(path)
    assert {f.name for f in wb._fonts} == {FONT_NAME}, path.name
    assert wb._named_styles["Normal"].font.name == FONT_NAME
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (str(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == ("9", 1, 0), (path.name, ws.title)
        assert ws.sheet_properties.pageSetUpPr.fitToPage, (path.name, ws.title)
        assert "&P" in ws.oddFooter.center.text
        if ws.max_row > long_rows and ws.sheet_state == "visible" and ws.title not in TEXT_SHEETS:
            assert ws.print_title_rows, (path.name, ws.title)
            assert ws.freeze_panes, (path.name, ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name == FONT_NAME, (path.name, ws.title, cell.coordinate)


@pytest.fixture(scope="module")
def unseen_month(tmp_path_factory):
    """A sample inbox the project's demo never wrote (another seed), run, and its outputs printed."""
    root = tmp_path_factory.mktemp("print")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DTI_INBOX", str(root / "inbox"))
        mp.setenv("DTI_WAREHOUSE", str(root / "wh" / "dti.duckdb"))
        mp.setenv("DAGSTER_HOME", str(root / "dagster"))
        write_sample_inbox(inbox_dir(), [JUNE], seed=1509)
        assert run_month(JUNE)
        with duckdb.connect(str(warehouse_path()), read_only=True) as con:
            report = write_report(con, JUNE, root / "out" / "bao_cao.xlsx")
            feedback = write_feedback(con, JUNE, root / "out" / "feedback")
            appraisals = write_appraisals(con, JUNE, root / "out" / "appraisal")
    yield root, report, feedback, appraisals


@needs_libreoffice
def test_report_pdf_is_an_administrative_document_of_at_most_40_pages(unseen_month):
    root, report, *_ = unseen_month
    assert_print_ready(report)
    (pdf,) = to_pdf(report)
    total = pages(pdf)
    assert total <= 40
    texts = [page_text(pdf, p) for p in range(1, total + 1)]
    first = texts[0]
    for line in ("UBND THÀNH PHỐ VŨNG TÀU", "PHÒNG VĂN HÓA VÀ THÔNG TIN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Số: .../BC-VHTT", "Vũng Tàu, ngày ... tháng 06 năm 2024",
                 "BÁO CÁO", "Kết quả thực hiện chuyển đổi số tháng 06/2024 trên địa bàn thành phố Vũng Tàu",
                 "I. TÌNH HÌNH GỬI BÁO CÁO"):
        assert line in first, line
    body = next(i for i, text in enumerate(texts) if text.startswith("PHỤ LỤC I "))  # pages before the annexes
    assert 1 <= body <= 10
    assert "Nơi nhận:" in texts[body - 1] and "TRƯỞNG PHÒNG" in texts[body - 1]
    assert "Bảng 1. Kết quả thực hiện các chỉ tiêu chuyển đổi số" in " ".join(texts[:body])
    annexes = [re.match(r"PHỤ LỤC ([IVX]+) ", t).group(1) for t in texts if re.match(r"PHỤ LỤC [IVX]+ ", t)]
    assert annexes == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    # page numbers run through the whole document, every page
    assert all(f"Trang {p}/{total}" in texts[p - 1] for p in range(1, total + 1))
    # Bảng 1's header repeats on each of its pages
    table_pages = [t for t in texts[:body] if "CQS-" in t and "Trang" in t and "Nội dung" in t]
    assert len(table_pages) >= 2 and all("Chỉ tiêu của" in t and "Đánh giá" in t for t in table_pages)


@needs_libreoffice
def test_report_has_native_charts_drawn_from_the_marts(unseen_month):
    _, report, *_ = unseen_month
    wb = load_workbook(report)
    data = wb["Dữ liệu biểu đồ"]
    assert data.sheet_state == "hidden"
    with duckdb.connect(str(report.parent.parent / "wh" / "dti.duckdb"), read_only=True) as con:
        with_figures = con.execute("select count(*) from marts.indicator_attainment where report_month = '2024-06' "
                                   "and unit_code = 'TPVT' and value_pct is not null").fetchone()[0]
    codes = [r[0] for r in data.iter_rows(min_row=2, max_col=1, values_only=True)]
    assert len(codes[:codes.index(None)]) == with_figures
    # 17 communes in the ranking block (header + 17 rows) and one month in the trend block
    assert sum(1 for r in data.iter_rows(values_only=True) if r[0] and str(r[0]).startswith(("Phường", "Xã"))) == 17
    charts = wb["Bảng 2, biểu đồ"]._charts
    assert [type(c).__name__ for c in charts] == ["BarChart", "BarChart", "LineChart"]


@needs_libreoffice
def test_feedback_and_steward_summary_print_on_a4(unseen_month):
    _, _, feedback, _ = unseen_month
    for path in feedback:
        assert_print_ready(path)
    summary = next(p for p in feedback if p.name.startswith("_TONG_HOP"))
    busiest = max((p for p in feedback if "Lỗi cần sửa" in load_workbook(p).sheetnames),
                  key=lambda p: sum(ws.max_row for ws in load_workbook(p).worksheets))
    pdfs = to_pdf([summary, busiest])
    assert pages(pdfs[1]) <= 4
    assert page_text(pdfs[0], 1).startswith("TỔNG HỢP LỖI DỮ LIỆU - KỲ BÁO CÁO THÁNG 06/2024")
    assert page_text(pdfs[1], 1).startswith("DANH SÁCH SỐ LIỆU CẦN SỬA - KỲ BÁO CÁO THÁNG 06/2024")


@needs_libreoffice
def test_a_unit_with_50_failures_gets_at_most_4_pages(env, tmp_path):
    # 25 dossiers with a fee that is not a number and 25 received on a day that does not exist: 50 failures.
    rows = [dossier(f"F{i}", fee="năm mươi nghìn") for i in range(25)]
    rows += [dossier(f"D{i}", received="31/04/2024 08:00", due="20/05/2024", resolved="") for i in range(25)]
    write_text(inbox_dir() / "2024-06" / "onestop" / "mot_cua_phuong_8_thang_06_2024_xuat_tu_phan_mem.csv",
               ONESTOP_HEADERS, rows)
    unit_workbook(inbox_dir() / "2024-06" / "units" / "P8.xlsx", "PHUONG_8", JUNE, datetime(2024, 6, 11, 9))
    assert run_month(JUNE)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        written = write_feedback(con, JUNE, tmp_path / "fb")
    unit = tmp_path / "fb" / "PHUONG_8_2024-06.xlsx"
    assert unit in written
    ws = load_workbook(unit)["Lỗi cần sửa"]
    assert ws.max_row == 5 + 50 and ws.print_title_rows == "$5:$5"
    assert_print_ready(unit)
    (pdf,) = to_pdf(unit)
    n = pages(pdf)
    assert 1 <= n <= 4
    texts = [page_text(pdf, p) for p in range(1, n + 1)]
    assert texts[0].startswith("DANH SÁCH SỐ LIỆU CẦN SỬA - KỲ BÁO CÁO THÁNG 06/2024 Đơn vị: Phường 8 (PHUONG_8)")
    every = " ".join(texts)
    assert every.count("Không phải số") == 25 and every.count("Ngày không tồn tại") == 25
    failing = [t for t in texts if "Không phải số" in t or "Ngày không tồn tại" in t]
    assert failing and all("Cần sửa thế nào" in t for t in failing)  # the header on every page of the failures
    assert texts[-1].startswith("CƠ HỘI TĂNG ĐIỂM DTI - KỲ BÁO CÁO THÁNG 06/2024")  # then how to gain points


@needs_libreoffice
def test_templates_print_in_at_most_6_pages_with_instructions(tmp_path):
    paths = {p.stem.rsplit("_", 1)[0]: p for p in write_templates(JUNE, tmp_path)}
    chosen = [paths["PHUONG_8"], paths["TPVT"], paths["VHTT"]]
    for path in chosen:
        assert_print_ready(path)
    pdfs = to_pdf(chosen)
    counts = [pages(pdf) for pdf in pdfs]
    assert all(n <= 6 for n in counts), counts
    assert counts[2] < counts[0]  # a department has no DTI sheet
    first = page_text(pdfs[0], 1)
    assert first.startswith("THÔNG TIN CUNG CẤP PHỤC VỤ ĐÁNH GIÁ CHỈ SỐ CHUYỂN ĐỔI SỐ Mã đơn vị Tên đơn vị Kỳ báo cáo")
    assert "PHUONG_8 Phường 8 2024-06" in first and "18 Số lượng CBCC lãnh đạo" in first
    guide = page_text(pdfs[0], counts[0])
    assert guide.startswith("HƯỚNG DẪN ĐIỀN BIỂU MẪU BÁO CÁO CHUYỂN ĐỔI SỐ")
    assert "Đến hết ngày 12/06/2024" in guide and "Có; Không" in guide and "Chưa có số liệu" in guide


def test_template_marks_and_unlocks_only_the_input_cells(tmp_path):
    path = write_templates(JUNE, tmp_path)[0].parent / "PHUONG_8_2024-06.xlsx"
    wb = load_workbook(path)
    assert wb.active.title == "Hướng dẫn"
    general, dti = wb["ThongTinChung"], wb["DTI"]
    assert general.protection.sheet and dti.protection.sheet and wb["ChiTieu"].protection.sheet
    assert general["B3"].value == "PHUONG_8" and general["B3"].protection.locked   # the unit code: locked
    assert not general["C9"].protection.locked and general["C9"].fill.fgColor.rgb.endswith("FFF2CC")
    assert general["B9"].protection.locked                                            # the item's label
    assert not dti["D4"].protection.locked and not dti["H85"].protection.locked       # self score … evidence
    assert dti["C4"].protection.locked and dti["B4"].protection.locked                # max points, criterion
    assert general.column_dimensions["A"].width >= 12                                 # "Kỳ báo cáo" fits
    long_name = max(range(4, dti.max_row + 1), key=lambda r: len(dti.cell(r, 2).value))
    assert dti.row_dimensions[long_name].height > 30  # a 270-character criterion wraps over several lines


@needs_libreoffice
def test_appraisal_workbooks_open_in_libreoffice_and_print_on_a4(unseen_month):
    """The appraisers' workbooks (issue 16): one per commune, print-ready, and LibreOffice opens and prints
    them with their diacritics, in at most 6 pages each."""
    root, *_, appraisals = unseen_month
    assert len(appraisals) == 17
    for path in appraisals:
        assert_print_ready(path)
    from outputs.pdf import to_pdf

    pdf = to_pdf(appraisals[0], root / "pdf")[0]
    assert 1 <= pages(pdf) <= 6
    first = page_text(pdf, 1)
    assert "PHIẾU THẨM ĐỊNH ĐIỂM CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP XÃ" in first and "Điểm UBND cấp huyện thẩm định" in first
