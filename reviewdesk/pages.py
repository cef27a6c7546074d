"""Page images for the detail view: PDF pages (pypdfium2) and fax/scan frames (Pillow) rendered to PNG on
demand, with boxes drawn over the words a field was read from.

Boxes are drawn into the PNG itself rather than positioned with CSS: the Content-Security-Policy forbids
inline styles, and a picture with its boxes is also what a reviewer would want to save.
"""
from __future__ import annotations

import functools
import io
import re
import unicodedata
from typing import Any, Iterable, Optional

from PIL import Image, ImageDraw

MAX_WIDTH = 1100                 # pixels: sharp on a laptop screen, small enough to send fast
MAX_PIXELS = 40_000_000          # refuse decompression bombs before decoding
HIGHLIGHT = (245, 158, 11)       # amber, as the text highlights


class PageError(Exception):
    """The page cannot be rendered (broken file, no such page)."""


@functools.lru_cache(maxsize=64)
def _render_base(data: bytes, content_type: str, number: int) -> Image.Image:
    if content_type == "application/pdf" or data[:4] == b"%PDF":
        return _render_pdf(data, number)
    return _render_image(data, number)


def _render_pdf(data: bytes, number: int) -> Image.Image:
    import pypdfium2 as pdfium
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as error:  # noqa: BLE001 - pdfium raises its own errors for broken or encrypted files
        raise PageError(f"PDF illisible : {error}") from error
    try:
        if not 1 <= number <= len(pdf):
            raise PageError("page inexistante")
        page = pdf[number - 1]
        width, height = page.get_size()
        scale = min(2.0, MAX_WIDTH / max(width, 1.0))
        if width * scale * height * scale > MAX_PIXELS:
            raise PageError("page trop grande")
        image = page.render(scale=scale).to_pil().convert("RGB")
        image.info["source_width"] = width      # points: the unit of text-layer word boxes
        return image
    finally:
        pdf.close()


def _render_image(data: bytes, number: int) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        image.seek(number - 1)
        source_width = image.width
        frame = image.convert("RGB")
    except EOFError as error:
        raise PageError("page inexistante") from error
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds for broken or hostile images
        raise PageError(f"image illisible : {error}") from error
    if frame.width > MAX_WIDTH:
        frame = frame.resize((MAX_WIDTH, max(1, round(frame.height * MAX_WIDTH / frame.width))))
    frame.info["source_width"] = source_width  # pixels: the unit of OCR word boxes
    return frame


def _norm(word: str) -> str:
    word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", word)


def evidence_boxes(words: Iterable[dict[str, Any]], evidence: Optional[str]) -> list[tuple[float, float, float, float]]:
    """Boxes of the page words that spell the evidence: the longest consecutive run, else its distinct words."""
    tokens = [t for t in (_norm(w) for w in (evidence or "").split()) if t]
    page = [(w, _norm(str(w.get("text", "")))) for w in words]
    if not tokens or not page:
        return []
    n = len(tokens)
    for start in range(len(page) - n + 1):
        if all(page[start + i][1] == tokens[i] for i in range(n)):
            return [_box(page[start + i][0]) for i in range(n)]
    wanted = {t for t in tokens if len(t) >= 3}
    return [_box(w) for w, t in page if t in wanted][:12]


def field_boxes(page_info: Optional[dict[str, Any]], evidences: dict[str, str]) -> dict[str, list[float]]:
    """Per field, the box around its evidence's words on this page, as fractions of the page (x0, y0, x1, y1), so
    the browser can zoom and scroll to it whatever size it shows the page at. Empty without word boxes."""
    if not page_info or not page_info.get("words"):
        return {}
    width, height = float(page_info.get("width") or 0), float(page_info.get("height") or 0)
    if width <= 0 or height <= 0:
        return {}
    out: dict[str, list[float]] = {}
    for name, evidence in evidences.items():
        boxes = evidence_boxes(page_info["words"], evidence)
        if boxes:
            x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
            x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
            out[name] = [round(max(0.0, min(1.0, v)), 4) for v in (x0 / width, y0 / height, x1 / width, y1 / height)]
    return out


def _box(word: dict[str, Any]) -> tuple[float, float, float, float]:
    return (float(word.get("x0", 0)), float(word.get("y0", 0)), float(word.get("x1", 0)), float(word.get("y1", 0)))


def render_png(data: bytes, content_type: str, number: int, page_info: Optional[dict[str, Any]] = None,
               evidences: Iterable[str] = ()) -> bytes:
    """PNG of page `number` (1-based), with each evidence's words boxed when the page has word boxes."""
    image = _render_base(data, content_type, number).copy()
    if page_info and evidences:
        words = page_info.get("words") or []
        boxes = [box for evidence in evidences for box in evidence_boxes(words, evidence)]
        unit_width = float(page_info.get("width") or image.info.get("source_width") or image.width)
        factor = image.width / unit_width if unit_width else 1.0
        if boxes:
            overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(overlay)
            for x0, y0, x1, y1 in boxes:
                rect = (x0 * factor - 3, y0 * factor - 3, x1 * factor + 3, y1 * factor + 3)
                draw.rectangle(rect, fill=HIGHLIGHT + (60,), outline=HIGHLIGHT + (255,), width=3)
            image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def page_count(data: bytes, content_type: str) -> int:
    try:
        if content_type == "application/pdf" or data[:4] == b"%PDF":
            import pypdfium2 as pdfium
            pdf = pdfium.PdfDocument(data)
            try:
                return len(pdf)
            finally:
                pdf.close()
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        return getattr(Image.open(io.BytesIO(data)), "n_frames", 1)
    except Exception:  # noqa: BLE001
        return 0


def is_renderable(content_type: str) -> bool:
    return content_type == "application/pdf" or content_type in ("image/tiff", "image/png", "image/jpeg", "image/gif")


def highlight_segments(text: str, spans: list[tuple[str, Optional[str]]]) -> list[tuple[str, Optional[str]]]:
    """Cut `text` into (piece, field-or-None): each field's evidence marked at its first occurrence.

    Jinja escapes every piece, so marking never lets message text become markup.
    """
    marks: list[tuple[int, int, str]] = []
    lowered = text.lower()
    for name, evidence in spans:
        needle = (evidence or "").strip().lower()
        if len(needle) < 2:
            continue
        start = lowered.find(needle)
        while start >= 0 and any(s < start + len(needle) and start < e for s, e, _ in marks):
            start = lowered.find(needle, start + 1)
        if start >= 0:
            marks.append((start, start + len(needle), name))
    marks.sort()
    out: list[tuple[str, Optional[str]]] = []
    position = 0
    for start, end, name in marks:
        if start > position:
            out.append((text[position:start], None))
        out.append((text[start:end], name))
        position = end
    if position < len(text):
        out.append((text[position:], None))
    return out
