"""A synthetic province month: millions of one-stop dossiers in the SPEC §3.1 format, with planted bad rows.

The file is written the way a provincial export arrives: UTF-8, `;`, a title
row and a blank line above the header, Vietnamese dates (`dd/mm/yyyy HH:MM`),
fees grouped with dots (`1.200.000`), yes/no as `Có`/`Không`, unit names
spelled several ways, and citizens' names, ID-card and phone numbers. Every
planted bad row carries exactly one fault; `planted.csv` beside the file says
at which line (as a text editor shows it) and which check must report it.

numpy draws the columns, a million rows at a time, so that 5,000,000 rows are written in seconds and
20,000,000 in the memory of one million.
"""
from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import numpy as np

from domain.periods import ReportMonth
from sources.exports import ONESTOP

HEADERS = ONESTOP.written_headers  # every SPEC §3.1 column, the personal ones included
TITLE_LINES = 2          # the title and a blank line: the header is line 3, the first row line 4
UNIT_SPELLINGS = ["UBND Phường 1", "Phường 2", "P.3", "UBND phường 4", "Phường 5", "Phường 7", "Pường 8",
                  "Phường 9", "PHƯỜNG 10", "Phường 11", "Phường 12", "Phường Thắng Nhì", "Phường Thắng Tam",
                  "Phường Thắng Nhất", "Phường Rạch Dừa", "Phường Nguyễn An Ninh", "Xã Long Sơn",
                  "Phòng Tài nguyên và Môi trường", "Phòng Quản lý đô thị", "Phòng Tài chính – Kế hoạch",
                  "Phòng Kinh tế", "Phòng Lao động – Thương binh và Xã hội", "Phòng Tư pháp"]
FEES = np.array([0, 0, 0, 20_000, 50_000, 100_000, 150_000, 300_000, 1_200_000])
# One fault per planted row: (check that must report it, column it breaks, the value written there)
FAULTS = [
    ("unit_unknown", 2, "Phòng Kinh tế - Hạ tầng"),
    ("date_not_exist", 3, "31/02/{year} 08:00"),
    ("not_a_date", 5, "hôm qua"),
    ("resolved_before_received", 5, None),
    ("due_before_received", 4, None),
    ("out_of_month", 3, None),
    ("enum_invalid", 6, "Qua Zalo"),
    ("not_yes_no", 7, "Có lẽ"),
    ("not_a_number", 10, "năm mươi nghìn"),
    ("negative", 10, "-50.000"),
    ("required_missing", 0, ""),
    ("duplicate_id", 0, None),
    ("row_malformed", None, None),
]


def _dmy(minutes: np.ndarray, with_time: bool = True) -> np.ndarray:
    """Minutes since the epoch → `dd/mm/yyyy HH:MM` (or `dd/mm/yyyy`) text, by permuting characters."""
    iso = np.datetime_as_string(minutes.astype("datetime64[m]"), unit="m").astype("<U16")  # yyyy-mm-ddThh:mm
    chars = iso.view("<U1").reshape(-1, 16)[:, [8, 9, 4, 5, 6, 4, 0, 1, 2, 3, 10, 11, 12, 13, 14, 15]]
    chars[:, 2] = chars[:, 5] = "/"
    chars[:, 10] = " "
    text = np.ascontiguousarray(chars).view("<U16").ravel()
    return (text if with_time else text.astype("<U10")).astype(object)


CHUNK_ROWS = 1_000_000     # drawn and written a million rows at a time: 20,000,000 rows need no more memory


def _chunk(rng: np.random.Generator, first: int, rows: int, start: int, span: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows `first` … `first + rows - 1` (from 0) of the month: their cells, and their received minutes."""
    received = start + rng.integers(0, span, rows)
    due_days = rng.integers(1, 16, rows)
    due = (received // 1440 + due_days) * 1440                      # a bare date: the end of that day counts
    resolved_in = rng.integers(120, 12 * 1440, rows)
    resolved = np.minimum(received + resolved_in, due + 17 * 60)
    is_resolved = rng.random(rows) < 0.93
    level = rng.choice(np.array(["Toàn trình", "Một phần", "Không"], dtype=object), rows, p=[0.41, 0.55, 0.04])
    online = (level != "Không") & (rng.random(rows) < 0.93)
    channel = np.where(online, "Trực tuyến",
                       rng.choice(np.array(["Trực tiếp", "Bưu chính công ích"], dtype=object), rows)).astype(object)
    fee = rng.choice(FEES, rows)

    def yes_no(mask):
        return np.where(mask, "Có", "Không").astype(object)

    columns = [
        np.char.add("H24.", np.char.zfill(np.arange(first + 1, first + rows + 1).astype(str), 8)).astype(object),
        np.char.add("2.", np.char.zfill(rng.integers(1000, 3000, rows).astype(str), 6)).astype(object),
        np.array(UNIT_SPELLINGS, dtype=object)[rng.integers(0, len(UNIT_SPELLINGS), rows)],
        _dmy(received),
        _dmy(due, with_time=False),
        np.where(is_resolved, _dmy(resolved), ""),
        channel,
        yes_no(online & (rng.random(rows) < 0.96)),
        level,
        yes_no(online & (rng.random(rows) < 0.35)),
        np.array([f"{f:,}".replace(",", ".") for f in FEES], dtype=object)[np.searchsorted(FEES, fee)],
        yes_no((fee > 0) & online & (rng.random(rows) < 0.9)),
        yes_no(is_resolved & (rng.random(rows) < 0.7)),
        yes_no(is_resolved & (rng.random(rows) < 0.3)),
        np.array(["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Quốc Dũng"], dtype=object)[
            rng.integers(0, 4, rows)],
        np.char.add("0", rng.integers(10**10, 10**11, rows).astype(str)).astype(object),
        np.char.add("09", rng.integers(10**7, 10**8, rows).astype(str)).astype(object),
    ]
    return np.stack(columns, axis=1), received


def _plant(row: np.ndarray, check: str, column: int | None, value: str | None, received: int, start: int,
           year: int) -> None:
    """One fault into one row's cells."""
    if check == "resolved_before_received":
        row[5] = _dmy(np.array([received - 2 * 1440]))[0]
    elif check == "due_before_received":
        row[4] = _dmy(np.array([received - 3 * 1440]), with_time=False)[0]
    elif check == "out_of_month":
        row[3] = _dmy(np.array([start - 5 * 1440]))[0]
        row[4] = row[5] = ""
    elif check == "duplicate_id":
        row[0] = "H24.00000001"                    # the first row's id: the first row is never planted
    elif check == "not_a_date" or check == "date_not_exist":
        row[column] = value.format(year=year)
        if check == "date_not_exist":
            row[4] = row[5] = ""
    elif check != "row_malformed":
        row[column] = value


def write_province_month(folder: Path, rows: int, bad_rows: int = 1000, month: str = "2024-06",
                         seed: int = 6) -> Path:
    """Write `onestop/hoso_tinh_<month>.csv` (and `planted.csv`) under `folder`; return the CSV's path."""
    period = ReportMonth.parse(month)
    start = np.datetime64(period.start, "m").astype(np.int64)
    span = int((period.end - period.start).total_seconds() // 60)
    bad_at = np.sort(np.random.default_rng(seed).choice(np.arange(1, rows), bad_rows, replace=False))  # never row 0
    faults = {int(index): FAULTS[n % len(FAULTS)] for n, index in enumerate(bad_at)}
    planted = [(TITLE_LINES + 2 + index, faults[index][0]) for index in sorted(faults)]  # +1 header, rows from 1

    folder = Path(folder) / month / "onestop"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"hoso_tinh_{month}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"DANH SÁCH HỒ SƠ TIẾP NHẬN TOÀN TỈNH KỲ {month}\n\n")
        fh.write(";".join(HEADERS) + "\n")
        for first in range(0, rows, CHUNK_ROWS):
            count = min(CHUNK_ROWS, rows - first)
            table, received = _chunk(np.random.default_rng([seed, first]), first, count, start, span)
            short = set()
            for index in (i for i in faults if first <= i < first + count):
                check, column, value = faults[index]
                _plant(table[index - first], check, column, value, int(received[index - first]), start, period.year)
                if check == "row_malformed":
                    short.add(index - first)
            lines = np.array([";".join(r) for r in table], dtype=object)
            for i in short:                       # a row cut short: three fields missing
                lines[i] = ";".join(table[i][:-3])
            del table
            for chunk in range(0, count, 200_000):
                fh.write("\n".join(lines[chunk:chunk + 200_000]) + "\n")
    with (folder.parent.parent / f"planted_{month}.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["line", "check_name"])
        writer.writerows(planted)
    return path


if __name__ == "__main__":
    import sys
    import time

    began = time.monotonic()
    written = write_province_month(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000)
    print(f"{written}: {written.stat().st_size / 2**20:.0f} MiB in {time.monotonic() - began:.1f} s "
          f"({datetime.now():%H:%M})")
