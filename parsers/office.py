"""Office attachments to pages: Word (.docx), OpenDocument (.odt/.ods), RTF, Excel (.xlsx/.xls), and through
LibreOffice the formats no maintained library reads (.doc, .pptx) or a file the library failed on.

Maintained libraries first (python-docx, openpyxl, xlrd, striprtf; ODF's XML directly), because they are
fast and keep the document's order: paragraphs in reading order, table rows as tab-separated lines,
headers and footers (where agencies print their codes) before and after the body, a page per hard page
break (Word, Writer) or per sheet (spreadsheets). Text layout has no coordinates there, so those pages
carry no word boxes. LibreOffice headless (parsers/_exec/soffice.py) converts .doc and the fallbacks to
PDF, read by parsers/pdf.py: those pages keep PDF word boxes for evidence, and a scan pasted into a Word
file is OCRed like any PDF page. Zip packages are held to the archive bounds before a library opens them.
"""
from __future__ import annotations

import io
import re
from typing import Callable, Optional

from foundation.config import Limits
from foundation.errors import ReadReason
from foundation.models import Page
from parsers import budget
from parsers import sniff as sn
from parsers.ocr import DEFAULT_ENGINE, OcrEngine
from parsers.pdf import MIN_TEXT_CHARS, PdfResult, meaningful_chars, read_pdf
from parsers.unpack import Bounds, package_problem

PAGE_BREAK = "\f"            # a reader's mark between pages inside its line list
MAX_LINES = 50_000
_SUFFIX = {sn.DOC: ".doc", sn.DOCX: ".docx", sn.XLS: ".xls", sn.XLSX: ".xlsx", sn.ODT: ".odt", sn.ODS: ".ods",
           sn.RTF: ".rtf", sn.PPTX: ".pptx"}
_ZIPPED = (sn.DOCX, sn.XLSX, sn.PPTX, sn.ODT, sn.ODS)


class OfficeUnreadable(Exception):
    """A library could not read the file: `reason` is the ReadReason string to report if no fallback helps."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def pages_from_lines(lines: list[str]) -> list[Page]:
    """Lines with PAGE_BREAK marks to numbered pages; empty pages are dropped, numbering stays dense."""
    pages, current = [], []
    for line in lines[:MAX_LINES]:
        if line == PAGE_BREAK:
            pages.append(current)
            current = []
        else:
            current.append(line.rstrip())
    pages.append(current)
    texts = ["\n".join(p).strip() for p in pages]
    return [Page(number=n, text=t) for n, t in enumerate((t for t in texts if t), 1)]


# --------------------------------------------------------------------------- Word (.docx)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _docx_paragraph(p) -> list[str]:
    boxes = []
    for box in list(p.iter(W + "txbxContent")):   # text boxes: their own lines, after the paragraph
        boxes.extend(_docx_blocks(box))
        box.getparent().remove(box)
    out, buf = [], []
    props = p.find(W + "pPr")
    if props is not None and props.find(W + "pageBreakBefore") is not None:
        out.append(PAGE_BREAK)
    for el in p.iter():
        tag = el.tag
        if tag == W + "t" and el.text:
            buf.append(el.text)
        elif tag in (W + "tab", W + "ptab"):
            buf.append("\t")
        elif tag in (W + "br", W + "cr"):
            if el.get(W + "type") == "page":
                out.extend(["".join(buf), PAGE_BREAK])
                buf = []
            else:
                buf.append("\n")
        elif tag == W + "lastRenderedPageBreak" and "".join(buf).strip():
            out.extend(["".join(buf), PAGE_BREAK])
            buf = []
    out.append("".join(buf))
    return [line for chunk in out for line in (chunk.split("\n") if chunk != PAGE_BREAK else [chunk])] + boxes


def _docx_blocks(parent) -> list[str]:
    lines: list[str] = []
    for child in parent:
        tag = child.tag
        if tag == W + "p":
            lines.extend(_docx_paragraph(child))
        elif tag == W + "tbl":
            for row in child.iter(W + "tr"):
                cells = [" ".join(l.strip() for l in _docx_blocks(cell) if l != PAGE_BREAK and l.strip())
                         for cell in row.findall(W + "tc")]
                lines.append("\t".join(c for c in cells if c))
        elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag", W + "ins"):
            lines.extend(_docx_blocks(child))
        if len(lines) > MAX_LINES:
            break
    return lines


def read_docx(data: bytes, limits: Limits) -> list[Page]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise OfficeUnreadable(ReadReason.corrupt_file.detail(f"docx: {type(error).__name__}")) from error
    body = document.element.body
    for fallback in list(body.iter(MC_FALLBACK)):   # the VML copy of a drawing's text: read it once
        fallback.getparent().remove(fallback)
    heads, feet = [], []
    for rel in document.part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        if kind in ("header", "footer") and not rel.is_external:
            lines = [l for l in _docx_blocks(rel.target_part.element) if l.strip() and l != PAGE_BREAK]
            (heads if kind == "header" else feet).extend(l for l in lines if l not in heads + feet)
    return pages_from_lines(heads + _docx_blocks(body) + feet)


# --------------------------------------------------------------------------- RTF

_RTF_HEADER = re.compile(r"\\(?:header|footer)[lrf]?(?![a-z])")


def read_rtf(data: bytes, limits: Limits) -> list[Page]:
    from striprtf.striprtf import rtf_to_text

    if len(data) > limits.archive_max_member_bytes:
        raise OfficeUnreadable(ReadReason.too_large.detail(f"RTF of {len(data)} bytes"))
    # striprtf drops page headers and footers, where agencies print their letterhead and codes: unmark them so
    # their text is read in place (RTF writes them at the start of a section, before the body).
    source = _RTF_HEADER.sub("", data.decode("latin-1"))
    try:
        text = rtf_to_text(source, encoding="cp1252", errors="replace")
    except Exception as error:  # striprtf on a damaged group structure
        raise OfficeUnreadable(ReadReason.corrupt_file.detail(f"rtf: {type(error).__name__}")) from error
    lines = [line.replace("|", "\t").strip("\t ") if "|" in line else line for line in text.split("\n")]
    return pages_from_lines(lines)


# --------------------------------------------------------------------------- LibreOffice


def via_soffice(data: bytes, ctype: str, limits: Limits, engine: OcrEngine) -> PdfResult:
    """The file converted to PDF by LibreOffice, then read as a PDF (word boxes, OCR of pasted scans)."""
    from parsers._exec.soffice import SofficeError, convert

    if budget.expired():
        return PdfResult(error=ReadReason.budget_spent.detail("before conversion"))
    try:
        pdf = convert(data, _SUFFIX.get(ctype, ".bin"), "pdf", timeout_s=budget.ocr_timeout(limits.office_timeout_s),
                      max_output_bytes=limits.max_message_bytes)
    except SofficeError as error:
        code = {"timeout": ReadReason.timeout, "converter_missing": ReadReason.converter_missing}.get(
            error.reason, ReadReason.convert_failed)
        return PdfResult(error=code.detail(str(error).split(": ", 1)[-1][:200]))
    result = read_pdf(pdf, limits, engine)
    result.notes.append("converted_by_libreoffice")
    return result


def _library(ctype: str) -> Optional[Callable[[bytes, Limits], list[Page]]]:
    if ctype == sn.DOCX:
        return read_docx
    if ctype == sn.RTF:
        return read_rtf
    if ctype in (sn.ODT, sn.ODS):
        from parsers.odf import read_odf
        return read_odf
    if ctype in (sn.XLSX, sn.XLS):
        from parsers.sheets import read_xls, read_xlsx
        return read_xlsx if ctype == sn.XLSX else read_xls
    return None   # .doc, .pptx: LibreOffice only


def _has_pictures(data: bytes) -> bool:
    """A Word or Writer package holding images (word/media/, Pictures/)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(n.startswith(("word/media/", "Pictures/")) for n in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def read_office(data: bytes, ctype: str, limits: Limits, engine: OcrEngine = DEFAULT_ENGINE) -> PdfResult:
    """Pages of an Office file of type `ctype` (a sniff constant); failures end in `error`, never raised."""
    if ctype == sn.ENCRYPTED_OFFICE:
        return PdfResult(error=ReadReason.encrypted_file.detail("password-protected Office file"))
    if ctype in _ZIPPED:
        problem = package_problem(data, Bounds.from_limits(limits))
        if problem:
            return PdfResult(error=problem)
    reader = _library(ctype)
    failure: Optional[str] = None
    if reader is not None:
        try:
            pages = reader(data, limits)
        except OfficeUnreadable as error:
            failure = error.reason
        except MemoryError:
            return PdfResult(error=ReadReason.too_large.value)
        except Exception as error:  # a library bug on an odd file: LibreOffice may still read it
            failure = ReadReason.read_failed.detail(f"{ctype.rsplit('.', 1)[-1]}: {type(error).__name__}")
        else:
            text = "".join(p.text for p in pages)
            # Nothing but a pasted picture (a scanned order saved into Word): LibreOffice + OCR reads it.
            if meaningful_chars(text) >= MIN_TEXT_CHARS or ctype not in (sn.DOCX, sn.ODT) or not _has_pictures(data):
                return PdfResult(pages=pages, page_count=len(pages))
            failure = None if pages else ReadReason.empty_attachment.detail("no text")
    if failure and ReadReason.of(failure) == ReadReason.corrupt_file and ctype in _ZIPPED:
        return PdfResult(error=failure)   # a broken zip: LibreOffice would read its bytes as plain text
    converted = via_soffice(data, ctype, limits, engine)
    if converted.error and failure:
        converted.error = failure
    if converted.error and reader is not None and not failure:
        return PdfResult(pages=pages, page_count=len(pages))   # keep what the library read
    return converted
