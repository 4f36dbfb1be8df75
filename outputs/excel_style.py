"""How every workbook we hand to people looks and prints: one font, one number style, A4 pages.

Every output workbook (report, feedback, steward summary, templates) is made with `new_workbook()` and
closed with `finish(wb)`; each sheet gets `print_setup(...)`. Rules (issue 15, Nghị định 30/2020/NĐ-CP):
- Times New Roman named in every cell style, the workbook's default too (LibreOffice swaps it for the
  metric-compatible Liberation Serif; a style with no font name loses the Vietnamese diacritics there).
- A4, portrait or landscape, one page wide, the table's header rows repeated on every page, page numbers
  in the footer, frozen panes, the decree's margins (top/bottom 20 mm, left 30 mm, right 15 mm).
- Row heights that fit wrapped text (openpyxl does not compute them; `fit_row_heights` estimates them).
- Numbers as Vietnamese readers write them: `23.391`, `98,27%`, `0,84 điểm` (domain.vnformat).
"""
from __future__ import annotations

from copy import copy

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from domain.vnformat import vn_number

FONT_NAME = "Times New Roman"
BASE_SIZE = 11
MM = 1 / 25.4  # inches
MARGINS = dict(top=20 * MM, bottom=20 * MM, left=30 * MM, right=15 * MM, header=8 * MM, footer=8 * MM)
# Thousands grouped with "." whatever the reader's locale (Excel and LibreOffice keep the literal dots);
# numbers of 10^9 and more are written as text by `put_number`.
INTEGER_FORMAT = '[>=1000000]#\\.###\\.###;[>=1000]#\\.###;0'
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
STATUS_FILLS = {"achieved": "C6EFCE", "not_achieved": "FFC7CE", "no_data": "EDEDED"}
THIN = Side(style="thin", color="808080")
BOX = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
RIGHT = Alignment(horizontal="right", vertical="top")
LINE_POINTS = 1.15  # a printed line is 1,11 × the font size high (Liberation Serif), plus a margin
CHAR_FACTOR = 1.15  # characters of Vietnamese text per unit of column width at 11 pt (a unit is one "0"); with
#                     UPPER_WIDTH and LINE_POINTS measured on LibreOffice 7.4 PDFs (never fewer lines than printed)
UPPER_WIDTH = 1.3   # an upper-case letter against a lower-case one


def font(size: float = BASE_SIZE, bold: bool = False, italic: bool = False, underline: str | None = None,
         color: str | None = None) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, underline=underline, color=color)


BOLD = font(bold=True)


def new_workbook() -> Workbook:
    """An empty workbook whose default font (style 0 and the `Normal` style) is Times New Roman."""
    wb = Workbook()
    base = font()
    wb._fonts = IndexedList([base])        # style 0: every cell that was never styled
    wb._named_styles["Normal"].font = base  # the `Normal` cell style points at it
    return wb


def pct_text(value_pct) -> str | None:
    """98.2734 → "98,27%"; None stays None."""
    return None if value_pct is None or value_pct != value_pct else vn_number(float(value_pct), 2) + "%"


def score_text(value) -> str | None:
    """0.84 → "0,84"; the column's header says "(điểm)"."""
    return None if value is None or value != value else vn_number(float(value), 2)


def put_number(cell, value) -> None:
    """A count or an amount: numeric with the "23.391" format below 10^9, else the same text."""
    if value is None or value != value:
        cell.value = None
    elif float(value).is_integer() and abs(value) < 10 ** 9 and value >= 0:
        cell.value, cell.number_format = int(value), INTEGER_FORMAT
    else:
        cell.value = vn_number(float(value), 2)
    cell.alignment = RIGHT


def header_row(ws, row: int, headers: list[str], widths: list[float] | None = None, first_col: int = 1) -> None:
    for col, header in enumerate(headers, start=first_col):
        cell = ws.cell(row, col, header)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BOX, WRAP_CENTRE
    for col, width in enumerate(widths or [], start=first_col):
        ws.column_dimensions[get_column_letter(col)].width = width


def body_cells(ws, first_row: int, last_row: int, first_col: int, last_col: int, size: float = BASE_SIZE) -> None:
    """Boxed, wrapped, top-aligned cells of a table's body (alignment already set, e.g. RIGHT, is kept)."""
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, min_col=first_col, max_col=last_col):
        for cell in row:
            cell.border = BOX
            cell.font = font(size, bold=cell.font.b, italic=cell.font.i, color=cell.font.color)
            al = cell.alignment
            cell.alignment = Alignment(horizontal=al.horizontal, vertical=al.vertical or "top", wrap_text=True,
                                       text_rotation=al.text_rotation)


def merged_line(ws, row: int, text: str, first_col: int, last_col: int, *, size: float = BASE_SIZE,
                bold: bool = False, italic: bool = False, underline: str | None = None,
                horizontal: str = "center") -> None:
    """One line of text across columns (the document's header blocks, titles, paragraphs)."""
    if last_col > first_col:
        ws.merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=last_col)
    cell = ws.cell(row, first_col, text)
    cell.font = font(size, bold=bold, italic=italic, underline=underline)
    cell.alignment = Alignment(horizontal=horizontal, vertical="top", wrap_text=True)


def page_break_before(ws, row: int) -> None:
    ws.row_breaks.append(Break(id=row - 1))


def print_setup(ws, *, landscape: bool = False, title_rows: tuple[int, int] | None = None,
                freeze: str | None = None) -> None:
    """A4, one page wide (as many pages long as it takes), margins, page numbers, repeated headers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins = PageMargins(**MARGINS)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font, ws.oddFooter.center.size = f"{FONT_NAME},Regular", 10
    if title_rows:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    if freeze:
        ws.freeze_panes = freeze


def protect(ws, input_ranges: list[str]) -> None:
    """Everything locked except the input cells (no password: it guards against slips, not people)."""
    for ref in input_ranges:
        for row in ws[ref] if ":" in ref else [[ws[ref]]]:
            for cell in row:
                cell.protection = Protection(locked=False)
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False  # widths and heights may still change
    ws.protection.autoFilter = ws.protection.sort = False


def _width(ws, col: int) -> float:
    width = ws.column_dimensions[get_column_letter(col)].width
    return width if width else 8.43


def _merged_widths(ws) -> dict[tuple[int, int], float]:
    spans = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_row == rng.max_row:
            spans[(rng.min_row, rng.min_col)] = sum(_width(ws, c) for c in range(rng.min_col, rng.max_col + 1))
    return spans


def text_lines(text: str, width: float, size: float, bold: bool = False) -> int:
    """How many lines `text` takes wrapped word by word in a column `width` units wide at `size` points
    (upper case and bold run wider)."""
    per_line = max(1.0, width * CHAR_FACTOR * BASE_SIZE / size - 1)
    lines = 0
    for paragraph in str(text).split("\n"):
        used, count = 0.0, 1
        for word in paragraph.split(" "):
            length = sum(UPPER_WIDTH if ch.isupper() else 1.0 for ch in word) * (1.08 if bold else 1.0)
            if used and used + 1 + length > per_line:
                count, used = count + 1, 0.0
            used += (1 if used else 0) + length
            while used > per_line:  # a word longer than the line
                count, used = count + 1, used - per_line
        lines += count
    return lines


def fit_row_heights(ws, first_row: int = 1) -> None:
    """Set each row's height to fit its tallest wrapped cell (never lower than one line)."""
    spans = _merged_widths(ws)
    covered = {(r, c) for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1)
               for c in range(rng.min_col, rng.max_col + 1) if (r, c) != (rng.min_row, rng.min_col)}
    heights: dict[int, float] = {}
    for (r, c), cell in ws._cells.items():
        if r < first_row or cell.value is None or (r, c) in covered:
            continue
        size = cell.font.sz or BASE_SIZE
        if cell.alignment.text_rotation:
            lines, size = 1, max(size, len(str(cell.value)) * size * 0.55 / LINE_POINTS)
        elif cell.alignment.wrap_text:
            lines = text_lines(str(cell.value), spans.get((r, c), _width(ws, c)), size, bool(cell.font.b))
        else:
            lines = 1
        heights[r] = max(heights.get(r, 0), lines * size * LINE_POINTS + 2.5)
    for r, height in heights.items():
        current = ws.row_dimensions[r].height
        if current is None or current < height:
            ws.row_dimensions[r].height = round(height, 1)


def name_every_font(wb: Workbook) -> None:
    """Any cell font left without a name (Font(bold=True)) gets Times New Roman."""
    for ws in wb.worksheets:
        for cell in ws._cells.values():
            if cell.font.name != FONT_NAME:
                f = copy(cell.font)
                f.name = FONT_NAME
                cell.font = f


def finish(wb: Workbook) -> Workbook:
    """Named fonts everywhere and row heights fitted; every sheet must already have had `print_setup`."""
    name_every_font(wb)
    for ws in wb.worksheets:
        if str(ws.page_setup.paperSize) != ws.PAPERSIZE_A4:  # a sheet nobody set up: A4 portrait
            print_setup(ws)
        fit_row_heights(ws)
    return wb


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TABLE_SIZE = 10  # a unit's 50 failures on at most 4 landscape pages (feedback)


def excel_safe(value: object) -> object:
    """Text from a source file never becomes a formula in what we write (formula injection)."""
    if isinstance(value, str) and len(value) > 1 and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_sheet(ws, title: str, lines: list[str], headers: list[str], rows, widths: list[float],
                landscape: bool = True, size: float = TABLE_SIZE) -> None:
    """Title lines, a gap, one table: A4 one page wide, its header repeated on every page, panes frozen."""
    ws.title = title
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for i, line in enumerate(lines, start=1):
        merged_line(ws, i, line, 1, len(headers), size=13 if i == 1 else 11, bold=i == 1, horizontal="left")
    top = len(lines) + 2
    header_row(ws, top, headers)
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, excel_safe(None if pd.isna(value) else value))
    body_cells(ws, top + 1, top + len(rows), 1, len(headers), size=size)
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(headers))}{top + max(len(rows), 1)}"
    print_setup(ws, landscape=landscape, title_rows=(top, top), freeze=ws.cell(top + 1, 1).coordinate)
