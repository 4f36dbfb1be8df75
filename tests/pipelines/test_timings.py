from pipelines import timings


def test_the_run_summary_says_where_the_time_went(monkeypatch):
    monkeypatch.setattr(timings, "LAST", timings.RunTimes(
        startup=2.3, run=6.5, steps=[("qlvb", 0.3), ("onestop", 1.3), ("unit_workbooks", 1.4)],
        phases={"onestop": "dò tệp 0,7 s; đọc, định kiểu, số dòng 0,4 s"}))
    assert timings.summary_lines(9.0) == [
        "Thời gian (giây): tổng 9,0 = khởi động 2,3 + chạy 6,5 (3 bước, cộng 3,0) + tóm tắt 0,2",
        "  bước lâu nhất: unit_workbooks 1,4, onestop 1,3, qlvb 0,3",
        "  onestop: dò tệp 0,7 s; đọc, định kiểu, số dòng 0,4 s"]


def test_the_process_age_counts_from_its_start():
    assert 0 < timings.process_seconds() < 3600
