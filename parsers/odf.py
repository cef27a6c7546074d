"""OpenDocument text (.odt) and spreadsheets (.ods) read from their XML parts directly (content.xml, and
styles.xml for the page headers and footers of a text).

The XML is small and regular enough that a library would add nothing but a dependency: paragraphs and
headings in order, lists, tables as tab-separated rows, frames (text boxes) after their paragraph, a page
per `text:soft-page-break` (LibreOffice records where its pages broke) or hard break, a page per sheet.
Python's expat refuses entity-expansion bombs and resolves no external entity; part sizes are checked
against the archive bounds by the caller before anything is inflated.
"""
from __future__ import annotations

import io
import zipfile
import xml.etree.ElementTree as ET

from foundation.config import Limits
from foundation.errors import ReadReason
from foundation.models import Page
from parsers.office import MAX_LINES, PAGE_BREAK, OfficeUnreadable, pages_from_lines

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_SKIP = {TEXT + "tracked-changes", OFFICE + "annotation", TEXT + "note-citation", TEXT + "bookmark-ref"}


def _inline(el, boxes: list[str]) -> str:
    """The text of a paragraph element, spaces and tabs restored; frames' text goes to `boxes`."""
    out = [el.text or ""]
    for child in el:
        tag = child.tag
        if tag == TEXT + "s":
            out.append(" " * int(child.get(TEXT + "c", "1") or 1))
        elif tag == TEXT + "tab":
            out.append("\t")
        elif tag == TEXT + "line-break":
            out.append("\n")
        elif tag == DRAW + "frame":
            for box in child.iter(DRAW + "text-box"):
                boxes.extend(_blocks(box))
        elif tag not in _SKIP:
            out.append(_inline(child, boxes))
        out.append(child.tail or "")
    return "".join(out)


def _cell_text(cell) -> str:
    return " ".join(l.strip() for l in _blocks(cell) if l != PAGE_BREAK and l.strip())


MAX_REPEAT = 50   # an empty cell repeated to the sheet's edge (16384 columns) counts this many times at most


def _cells(table) -> list[list[str]]:
    """A table's rows of cell texts, column positions kept (a repeated cell counts for its columns)."""
    rows = []
    for row in table.iter(TABLE + "table-row"):
        cells: list[str] = []
        for cell in row:
            if cell.tag in (TABLE + "table-cell", TABLE + "covered-table-cell"):
                text = _cell_text(cell) if cell.tag == TABLE + "table-cell" else ""
                repeat = min(int(cell.get(TABLE + "number-columns-repeated", "1") or 1), MAX_REPEAT)
                cells.extend([text] * repeat)
        rows.append(cells)
        if len(rows) > MAX_LINES:
            break
    return rows


def _rows(table) -> list[str]:
    return [line for line in ("\t".join(c for c in cells if c) for cells in _cells(table)) if line]


def _blocks(parent) -> list[str]:
    lines: list[str] = []
    for child in parent:
        tag = child.tag
        if tag in (TEXT + "p", TEXT + "h"):
            boxes: list[str] = []
            if any(b.tag == TEXT + "soft-page-break" for b in child):
                lines.append(PAGE_BREAK)
            lines.extend(_inline(child, boxes).split("\n"))
            lines.extend(boxes)
        elif tag == TEXT + "soft-page-break":
            lines.append(PAGE_BREAK)
        elif tag == TABLE + "table":
            lines.extend(_rows(child))
        elif tag in (TEXT + "list", TEXT + "list-item", TEXT + "list-header", TEXT + "section", TEXT + "index-body",
                     TABLE + "table-header-rows", TEXT + "table-of-content", OFFICE + "forms") or tag.endswith("}frame"):
            lines.extend(_blocks(child))
        elif tag == DRAW + "text-box":
            lines.extend(_blocks(child))
        if len(lines) > MAX_LINES:
            break
    return lines


def _parse(archive: zipfile.ZipFile, part: str):
    try:
        return ET.fromstring(archive.read(part))
    except KeyError:
        return None
    except ET.ParseError as error:
        raise OfficeUnreadable(ReadReason.corrupt_file.detail(f"{part}: {error}")) from error


def _header_footer(styles) -> tuple[list[str], list[str]]:
    heads, feet = [], []
    if styles is None:
        return heads, feet
    for kind, into in (("header", heads), ("footer", feet)):
        for el in styles.iter(STYLE + kind):
            into.extend(l for l in _blocks(el) if l.strip() and l != PAGE_BREAK and l not in into)
    return heads, feet


def read_odf(data: bytes, limits: Limits) -> list[Page]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise OfficeUnreadable(ReadReason.corrupt_file.detail(f"odf: {error}")) from error
    with archive:
        content = _parse(archive, "content.xml")
        if content is None:
            raise OfficeUnreadable(ReadReason.corrupt_file.detail("odf: no content.xml"))
        styles = _parse(archive, "styles.xml")
    body = content.find(OFFICE + "body")
    if body is None:
        raise OfficeUnreadable(ReadReason.corrupt_file.detail("odf: no office:body"))
    sheet = body.find(OFFICE + "spreadsheet")
    if sheet is not None:
        lines: list[str] = []
        from parsers.sheets import sheet_lines
        for table in sheet.iter(TABLE + "table"):
            lines.extend(sheet_lines(_cells(table)) + [PAGE_BREAK])
        return pages_from_lines(lines)
    heads, feet = _header_footer(styles)
    text = body.find(OFFICE + "text")
    return pages_from_lines(heads + _blocks(text if text is not None else body) + feet)
