"""The dashboard in a real headless browser (Debian's chromium): it shows the marts' figures."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from pipelines.launch import run_month
from outputs.dashboard_data import STATUS_LABELS
from domain.paths import REPO_DIR, inbox_dir
from warehouse.connection import query
from warehouse.publish import snapshot_path
from domain.vnformat import vn_number
from tests.builders import JULY, JUNE, ONESTOP_HEADERS, dossier, write_text

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PLANTED_FILE = "mot_cua_bo_sung.csv"


@pytest.fixture
def dashboard(two_months):  # noqa: F811
    # A failure for the steward: a dossier of Phường 8 received on 31/06/2024, a day that does not exist,
    # on row 2 of its file (row 1 holds the headers).
    write_text(inbox_dir() / "2024-07" / "onestop" / PLANTED_FILE, ONESTOP_HEADERS,
               [dossier("X9", unit="Phường 8", received="31/06/2024 08:00", due="20/07/2024", resolved="")])
    assert run_month(JUNE) and run_month(JULY)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO_DIR / "dashboard" / "app.py"), "--server.headless",
         "true", "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats",
         "false"], env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):  # bounded: at most 60 s for the server to answer
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)")
def test_dashboard_shows_the_ranking_the_grid_and_a_planted_failure(dashboard, tmp_path):
    from playwright.sync_api import sync_playwright

    with duckdb.connect(str(snapshot_path()), read_only=True) as con:
        top_name, top_total = con.execute(
            "select u.name_vi, s.total_score from marts.dti_summary s join ref.units u using (unit_code) "
            "where s.report_month = ? and s.rank = 1 order by u.sort_order limit 1", [str(JULY)]).fetchone()
        status = con.execute("select status from marts.indicator_attainment where report_month = ? "
                             "and unit_code = 'TPVT' and indicator_code = 'CQS-03'", [str(JULY)]).fetchone()[0]
        message = con.execute("select message from quality.validation_failures where file_name = ?",
                              [PLANTED_FILE]).fetchone()[0]
        first_commune = con.execute("select name_vi from ref.units where rubric = 'commune' "
                                    "order by sort_order limit 1").fetchone()[0]
        top_chance = query(con, "unit_headroom", report_month=str(JULY), unit_code="PHUONG_1")["needed"].iloc[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1800})
        page.goto(dashboard, timeout=60000)
        page.get_by_text("Kết quả thực hiện chỉ tiêu theo đơn vị").wait_for(timeout=60000)
        page.get_by_text("Xem lỗi của đơn vị").wait_for(timeout=60000)  # the page's last part: all of it is drawn
        page.locator("table").nth(4).wait_for(timeout=60000)  # ranking, grid, chances, failures by unit, by row
        text = page.inner_text("body")
        shot = Path(os.environ.get("DTI_SCREENSHOT", tmp_path / "dashboard.png"))
        page.screenshot(path=str(shot), full_page=True)
        grid = page.locator("table").nth(1)
        headers = [h.strip() for h in grid.locator("thead th").all_inner_texts()]
        city_row = [c.strip() for c in grid.locator("tbody tr").first.locator("th, td").all_inner_texts()]
        page.get_by_text("Xem lỗi của đơn vị").wait_for(timeout=60000)
        failure_rows = [[c.strip() for c in row.locator("th, td").all_inner_texts()]
                        for row in page.locator("table").last.locator("tbody tr").all()]
        failure_headers = [h.strip() for h in page.locator("table").last.locator("thead th").all_inner_texts()]
        text = page.inner_text("body")
        browser.close()
    assert f"1. {top_name} — {vn_number(top_total, 2)} điểm" in text
    assert f"lũy kế đến kỳ {JULY}" in text
    assert city_row[0] == "TP Vũng Tàu"
    assert city_row[headers.index("CQS-03")] == STATUS_LABELS[status]
    assert shot.stat().st_size > 50_000
    # The steward's view: the unit by its Vietnamese name, then the failing file, sheet, row, column, value and
    # the message telling the unit what to fix.
    assert "Phường 8" in text and "Một cửa (hồ sơ TTHC)" in text
    assert failure_headers == ["Nguồn", "Tệp", "Trang tính", "Dòng", "Cột", "Giá trị", "Lỗi", "Cần sửa thế nào"]
    assert ["Một cửa (hồ sơ TTHC)", PLANTED_FILE, "", "2", "Ngày tiếp nhận", "31/06/2024 08:00",
            "Ngày không tồn tại", message] in failure_rows
    assert "31/06/2024" in message
    # Not published yet, and the first commune's chances to gain points, largest gain per record first.
    assert f"Kỳ {JULY} chưa được công bố" in text
    assert f"Cơ hội tăng điểm — {first_commune}, kỳ {JULY}" in text and top_chance in text
