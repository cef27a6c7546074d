"""Excel workbooks to pages: .xlsx with openpyxl (read-only, cached values), .xls with xlrd.

A sheet is a page; a row is a line of its non-empty cells separated by tabs, so a label in one column and
its value in the next read as "Label<TAB>value" like a form's line. Values are written the French way an
order would print them (dates dd/mm/yyyy, decimal comma). At most limits.office_max_cells cells are read
per workbook; past that a note says so.
"""
from __future__ import annotations

import io
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


def _row_line(values: Iterable) -> str:
    return "\t".join(t for t in (cell_text(v) for v in values) if t)


def _pages(sheets: Iterable[Iterable[Sequence]], cells: CellBudget) -> list[Page]:
    """Sheets (each an iterable of rows of values) to pages, within the cell budget."""
    lines: list[str] = []
    for rows in sheets:
        for row in rows:
            if not cells.take(len(row)):
                break
            line = _row_line(row)
            if line:
                lines.append(line)
        lines.append(PAGE_BREAK)
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
