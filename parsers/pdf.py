"""PDF to pages: pypdfium2 text layer with word boxes, AcroForm values, OCR for image-only pages.

pypdfium2 is the hot path (PDFium is fast and survives broken files); agency ODM forms are often
fillable PDFs whose values live in form fields, not in the page content, so those are appended to the page
text as "Field name: value" lines. A page with almost no text layer is a scan: it is rendered (resolution
capped by the pixel ceiling) and OCRed, within limits.max_ocr_pages.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from typing import Optional

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from foundation.config import Limits
from foundation.models import Page, Word
from foundation.errors import ReadReason
from parsers import budget
from parsers._exec.tesseract import TesseractError
from parsers.ocr import DEFAULT_ENGINE, MAX_OCR_SIDE, OcrEngine, page_notes

MIN_TEXT_CHARS = 20          # fewer letters/digits than this on a page: treat it as a scan
MAX_CHARS_PER_PAGE = 200_000
_WORD = re.compile(r"[^\s\x00-\x1f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class PdfResult:
    pages: list[Page] = field(default_factory=list)
    error: Optional[str] = None
    notes: list[str] = field(default_factory=list)
    page_count: int = 0

    @property
    def ocr(self) -> bool:
        return any(p.ocr for p in self.pages)


_ALNUM = re.compile(r"[^\W_]")


def meaningful_chars(text: str, enough: int = 10_000) -> int:
    """Letters and digits in `text` (counting stops at `enough`: callers compare with a small threshold)."""
    count = 0
    for _ in _ALNUM.finditer(text):
        count += 1
        if count >= enough:
            break
    return count


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-")
    text = _CONTROL.sub("", text)
    return re.sub(r"[ \t]+\n", "\n", text).strip()


def _char_box(raw_tp, index: int, refs) -> Optional[tuple[float, float, float, float]]:
    if not pdfium_c.FPDFText_GetCharBox(raw_tp, index, *refs[1]):
        return None
    l, r, b, t = refs[0]
    return l.value, b.value, r.value, t.value


def text_and_words(textpage: pdfium.PdfTextPage, height: float) -> tuple[str, list[Word]]:
    """The page text and its words with boxes (PDF points, origin top-left).

    One call gets the text; when its indices match PDFium's char indices (nearly always) only the first
    and last char of each word is measured, which keeps a dense page to a millisecond or two."""
    count = textpage.count_chars()
    if count <= 0:
        return "", []
    count = min(count, MAX_CHARS_PER_PAGE)
    raw_text = textpage.get_text_range(0, count)
    raw_tp = textpage.raw
    doubles = (ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double())
    buf = (doubles, tuple(ctypes.byref(d) for d in doubles))
    make = Word.model_construct  # boxes come from PDFium as floats: skip validation on the hot path
    words: list[Word] = []
    aligned = len(raw_text) == count
    if not aligned:
        # Rare (excluded/inserted chars): read char by char so indices are right.
        chars = [chr(pdfium_c.FPDFText_GetUnicode(raw_tp, i) or 32) for i in range(count)]
        source = "".join(c if c.isprintable() or c in "\r\n" else " " for c in chars)
    else:
        source = raw_text
    for m in _WORD.finditer(source):
        first = _char_box(raw_tp, m.start(), buf)
        last = _char_box(raw_tp, m.end() - 1, buf) if m.end() - 1 != m.start() else first
        if first is None or last is None:
            continue
        x0 = min(first[0], last[0])
        x1 = max(first[2], last[2])
        bottom = min(first[1], last[1])
        top = max(first[3], last[3])
        words.append(make(text=m.group(), x0=x0, y0=height - top, x1=x1, y1=height - bottom, conf=None))
    return _clean(raw_text if aligned else source), words


def _annot_string(fn, env, annot) -> str:
    size = fn(env, annot, None, 0)
    if size <= 2 or size > 1_000_000:
        return ""
    buf = (ctypes.c_ushort * (size // 2))()
    fn(env, annot, buf, size)
    return bytes(memoryview(buf).cast("B")).decode("utf-16-le", "replace").rstrip("\x00").strip()


def form_lines(pdf: pdfium.PdfDocument, page: pdfium.PdfPage) -> list[str]:
    """"Field name: value" for every filled form widget on the page."""
    env = getattr(pdf, "formenv", None)
    if not env:
        return []
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    n = pdfium_c.FPDFPage_GetAnnotCount(page.raw)
    for k in range(min(n, 2000)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, k)
        if not annot:
            continue
        try:
            if pdfium_c.FPDFAnnot_GetSubtype(annot) != pdfium_c.FPDF_ANNOT_WIDGET:
                continue
            name = _annot_string(pdfium_c.FPDFAnnot_GetFormFieldName, env.raw, annot)
            value = _annot_string(pdfium_c.FPDFAnnot_GetFormFieldValue, env.raw, annot)
            if not value or value in ("Off", "0") or (name, value) in seen:
                continue
            seen.add((name, value))
            label = name.rsplit(".", 1)[-1] if name else "Champ"
            lines.append(f"{label}: {' '.join(value.split())}")
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return lines


def has_images(page: pdfium.PdfPage) -> bool:
    """Whether the page draws an image or a form XObject (which may hold one) at its top level.

    A page with little text and nothing drawn as an image is a blank or short page, not a scan: OCR on it
    costs seconds for nothing. Only the top level is walked: nested XObjects can be recursive."""
    n = pdfium_c.FPDFPage_CountObjects(page.raw)
    for k in range(min(n, 5000)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, k)
        if obj and pdfium_c.FPDFPageObj_GetType(obj) in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
            return True
    return False


def render_scale(width_pt: float, height_pt: float, limits: Limits) -> float:
    """Render scale for OCR: limits.ocr_dpi, capped by the pixel ceiling and the longest useful side."""
    scale = limits.ocr_dpi / 72.0
    area = max(width_pt * height_pt, 1.0)
    scale = min(scale, (limits.max_image_pixels / area) ** 0.5, MAX_OCR_SIDE / max(width_pt, height_pt, 1.0))
    return max(scale, 0.05)


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """Open with an empty password; raises ValueError(encrypted_pdf | corrupt_pdf)."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise ValueError(ReadReason.encrypted_pdf.value) from error
        raise ValueError(ReadReason.corrupt_pdf.value) from error


def read_pdf(data: bytes, limits: Limits, engine: OcrEngine = DEFAULT_ENGINE, ocr: bool = True) -> PdfResult:
    result = PdfResult()
    try:
        pdf = open_pdf(data)
    except ValueError as error:
        result.error = str(error)
        if result.error == ReadReason.encrypted_pdf.value:
            _read_with_pdfminer(data, limits, result)
        return result
    try:
        try:
            pdf.init_forms()
        except Exception:
            result.notes.append(ReadReason.forms_unreadable.value)
        try:
            n = len(pdf)
        except Exception:
            n = 0
        result.page_count = n
        if n <= 0:
            result.error = ReadReason.corrupt_pdf.value
            return result
        if n > limits.max_pdf_pages:
            result.notes.append(ReadReason.pages_not_read.detail(f"{n - limits.max_pdf_pages} pages past max_pdf_pages ({limits.max_pdf_pages}) not read"))
        ocr_done = 0
        for index in range(min(n, limits.max_pdf_pages)):
            try:
                page, ocr_done = _read_page(pdf, index, limits, engine, ocr, ocr_done)
            except TesseractError as error:
                result.notes.append(f"page {index + 1}: {error.reason}")
                if error.reason == ReadReason.timeout.value:
                    result.error = result.error or ReadReason.timeout.value
                page = Page(number=index + 1, text="")
            except Exception as error:  # one bad page must not cost the others
                result.notes.append(f"page {index + 1}: {type(error).__name__}")
                page = Page(number=index + 1, text="")
            result.notes += page_notes(page)
            result.pages.append(page)
        if result.pages and not any(p.text for p in result.pages) and all(n.startswith("page") for n in result.notes) and result.notes:
            result.error = result.error or ReadReason.corrupt_pdf.value
        if result.error == ReadReason.timeout.value and any(p.text for p in result.pages):
            result.notes.append(ReadReason.timeout.value)
            result.error = None
        return result
    finally:
        try:
            pdf.close()
        except Exception:
            pass


def _read_page(pdf: pdfium.PdfDocument, index: int, limits: Limits, engine: OcrEngine, ocr: bool, ocr_done: int) -> tuple[Page, int]:
    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            text, words = text_and_words(textpage, height)
        finally:
            textpage.close()
        fields = form_lines(pdf, page)
        if fields:
            text = (text + "\n" if text else "") + "\n".join(fields)
        if meaningful_chars(text, MIN_TEXT_CHARS) >= MIN_TEXT_CHARS or not ocr or ocr_done >= limits.max_ocr_pages or budget.expired() \
                or not has_images(page):
            return Page(number=index + 1, text=text, words=words, width=width, height=height), ocr_done
        scale = render_scale(width, height, limits)
        bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
        image = bitmap.to_pil()
        bitmap.close()
        dpi = round(72 * scale)
        image.info["dpi"] = (dpi, dpi)
        ocr_page = engine.ocr_image(image, limits)
        ocr_text = ocr_page.text
        if text and meaningful_chars(ocr_text) < meaningful_chars(text):
            return Page(number=index + 1, text=text, words=words, width=width, height=height), ocr_done + 1
        return ocr_page.model_copy(update={"number": index + 1}), ocr_done + 1
    finally:
        page.close()


def _read_with_pdfminer(data: bytes, limits: Limits, result: PdfResult) -> None:
    """Second chance for an encrypted file PDFium refuses: pdfminer opens some R6 files with an empty user
    password that PDFium does not. Off the hot path (only after PDFium said "password"); text layer only."""
    import io
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data), password="") as doc:
            pages = []
            for index, page in enumerate(doc.pages[: limits.max_pdf_pages]):
                words = [Word(text=w["text"], x0=w["x0"], y0=w["top"], x1=w["x1"], y1=w["bottom"]) for w in page.extract_words()]
                pages.append(Page(number=index + 1, text=_clean(page.extract_text() or ""), words=words,
                                  width=float(page.width), height=float(page.height)))
    except Exception:
        return
    if any(p.text for p in pages):
        result.pages, result.error, result.page_count = pages, None, len(pages)
        result.notes.append("read_by_pdfminer")
