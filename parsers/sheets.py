"""Excel workbooks to pages: .xlsx with openpyxl (read-only, cached values), .xls with xlrd.

A sheet is a page; a row is a line of its non-empty cells separated by tabs, so a label in one column and
its value in the next read as "Label<TAB>value" like a form's line. Values are written the French way an
order would print them (dates dd/mm/yyyy, decimal comma). At most limits.office_max_cells cells are read
per workbook; past that a note says so.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from typing import Iterable, Sequence

from foundation.config import Limits
from foundation.errors import ReadReason
from foundation.models import Page
from parsers.office import PAGE_BREAK, OfficeUnreadable, pages_from_lines


class CellBudget:
    def __init__(self, limits: Limits):
        self.left = limits.office_max_cells
        self.cut = False

    def take(self, n: int) -> bool:
        self.left -= n
        if self.left < 0:
            self.cut = True
        return not self.cut


def cell_text(value) -> str:
    """One cell's value as text, as a French document would show it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == time(0) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.2f}".replace(".", ",") if abs(value) >= 1 else f"{value:g}".replace(".", ",")
    return " ".join(str(value).split()) if "\n" in str(value) else str(value).strip()


_DIGITS = re.compile(r"\d{3}")


def _is_header(cells: Sequence[str], filled: list[int]) -> bool:
    """A row of three or more short labels (no numbers in them): the column titles of a table of records."""
    return len(filled) >= 3 and all(len(cells[i]) <= 40 and not _DIGITS.search(cells[i]) for i in filled)


def _is_record(cells: Sequence[str], header: dict[int, str]) -> bool:
    return sum(1 for i in header if i < len(cells) and cells[i]) >= max(2, (len(header) + 1) // 2)


def sheet_lines(rows: Iterable[Sequence[str]]) -> list[str]:
    """A sheet's rows of cell texts (column positions kept, "" for an empty cell) to lines. A label beside its
    value stays one line ("Label<TAB>value"); a table with its labels across a first row and one record per
    row below (a broker's "bordereau") becomes "Label<TAB>value" lines per record, a blank line between."""
    rows = [list(r) for r in rows]
    lines: list[str] = []
    header: dict[int, str] = {}
    for n, cells in enumerate(rows):
        filled = [i for i, c in enumerate(cells) if c]
        if not filled:
            header = {}
            continue
        if header and _is_record(cells, header):
            lines.extend(f"{header[i]}\t{cells[i]}" for i in filled if i in header)
            rest = "\t".join(cells[i] for i in filled if i not in header)
            lines.extend([rest, ""] if rest else [""])
            continue
        header = {}
        following = rows[n + 1] if n + 1 < len(rows) else []
        if _is_header(cells, filled) and _is_record(following, {i: cells[i] for i in filled}):
            header = {i: cells[i] for i in filled}
            continue
        lines.append("\t".join(cells[i] for i in filled))
    return lines


def _pages(sheets: Iterable[Iterable[Sequence]], cells: CellBudget) -> list[Page]:
    """Sheets (each an iterable of rows of values) to pages, within the cell budget."""
    lines: list[str] = []
    for rows in sheets:
        texts = []
        for row in rows:
            if not cells.take(len(row)):
                break
            texts.append([cell_text(v) for v in row])
        lines.extend(sheet_lines(texts) + [PAGE_BREAK])
        if cells.cut:
            break
    pages = pages_from_lines(lines)
    if cells.cut and pages:
        pages[-1] = pages[-1].model_copy(update={"text": pages[-1].text + "\n[…]"})
    return pages


def read_xlsx(data: bytes, limits: Limits) -> list[Page]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, OSError, TypeError) as error:
        raise OfficeUnreadable(ReadReason.corrupt_file.detail(f"xlsx: {type(error).__name__}")) from error
    try:
        sheets = (sheet.iter_rows(values_only=True) for sheet in book.worksheets
                  if getattr(sheet, "sheet_state", "visible") == "visible" and hasattr(sheet, "iter_rows"))
        return _pages(sheets, CellBudget(limits))
    finally:
        book.close()


def _xls_value(cell, datemode: int):
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return cell.value if cell.ctype in (xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER) else None


def read_xls(data: bytes, limits: Limits) -> list[Page]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except (xlrd.XLRDError, ValueError, IndexError, KeyError, AssertionError) as error:
        raise OfficeUnreadable(ReadReason.corrupt_file.detail(f"xls: {type(error).__name__}")) from error

    def sheets():
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if getattr(sheet, "visibility", 0) == 0:
                yield ([_xls_value(c, book.datemode) for c in sheet.row(r)] for r in range(sheet.nrows))
            book.unload_sheet(index)

    try:
        return _pages(sheets(), CellBudget(limits))
    finally:
        book.release_resources()
