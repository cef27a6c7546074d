"""OCR of one page image: preprocessing (grayscale, square pixels, deskew, Otsu) and a swappable engine.

Fax pages arrive skewed, in 204x98 dpi "standard" mode or upside down; Tesseract copes far better with
square, straight, binarised pages, so we fix those cheaply with numpy before calling it. The engine hides
behind `OcrEngine` so another one (a cloud API, a different binary) can replace Tesseract in one place.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Optional, Protocol

import numpy as np
from PIL import Image

from foundation.config import Limits
from foundation.models import Page, Word
from foundation.errors import ReadReason
from parsers import budget, checkboxes, orientation
from parsers._exec import tesseract

MAX_OCR_SIDE = 5000          # a longer side than this only slows Tesseract down: downsample
MIN_TEXT_DPI = 150           # below this, upsample before OCR
MAX_DESKEW_DEG = 6.0


class OcrEngine(Protocol):
    """Anything that turns a page image into a Page (text, words with pixel boxes and confidences)."""

    def ocr_image(self, image: Image.Image, limits: Limits) -> Page: ...


@dataclass
class Prepared:
    image: Image.Image
    dpi: int


def image_dpi(image: Image.Image) -> tuple[float, float]:
    """(x, y) resolution from the file, 0 when absent or nonsense (EXIF dpi 0 exists)."""
    dpi = image.info.get("dpi") or (0, 0)
    try:
        x, y = float(dpi[0] or 0), float(dpi[1] or 0)
    except (TypeError, ValueError, IndexError):
        return 0.0, 0.0
    if not (20 <= x <= 2400):
        x = 0.0
    if not (20 <= y <= 2400):
        y = 0.0
    return x, y


def to_gray(image: Image.Image) -> Image.Image:
    if image.mode == "L":
        return image
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image)
    return image.convert("L")


def square_and_scale(image: Image.Image, dpi: tuple[float, float], limits: Limits) -> Prepared:
    """Make pixels square (fax standard mode is 204x98 dpi), upsample low resolutions, cap giant pages."""
    xdpi, ydpi = dpi
    w, h = image.size
    if xdpi and ydpi and abs(xdpi - ydpi) / max(xdpi, ydpi) > 0.15:
        if ydpi < xdpi:
            h = round(h * xdpi / ydpi)
        else:
            w = round(w * ydpi / xdpi)
        ydpi = xdpi = max(xdpi, ydpi)
    eff = xdpi or ydpi or 0
    scale = 1.0
    if eff and eff < MIN_TEXT_DPI:
        scale = 300.0 / eff
    cap = min(MAX_OCR_SIDE / max(w * scale, h * scale, 1), (limits.max_image_pixels / max(w * h * scale * scale, 1)) ** 0.5)
    scale = min(scale, cap) if cap < scale else scale
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    if (nw, nh) != image.size:
        image = to_gray(image).resize((nw, nh), Image.Resampling.LANCZOS if scale < 1 or (nw, nh) != (w, h) else Image.Resampling.BICUBIC)
    return Prepared(image, int(round(eff * scale)) if eff else 0)


def otsu_threshold(arr: np.ndarray) -> int:
    hist = np.bincount(arr.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 128
    levels = np.arange(256, dtype=np.float64)
    w0 = np.cumsum(hist)
    w1 = total - w0
    m0 = np.cumsum(hist * levels)
    mt = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mt * w0 / total - m0) ** 2 / (w0 * w1)
    between = np.nan_to_num(between)
    return int(np.argmax(between))


def binarize(image: Image.Image) -> Image.Image:
    """Otsu on the gray levels; an already two-tone page is returned unchanged."""
    arr = np.asarray(image, dtype=np.uint8)
    if arr.size == 0:
        return image
    t = otsu_threshold(arr)
    return Image.fromarray(arr > t)  # mode "1": an eighth of the PNG to encode and for Tesseract to read


def skew_angle(image: Image.Image) -> float:
    """The rotation (degrees, PIL's counter-clockwise sign) that straightens the text lines.

    Projection profile by shearing the coordinates of dark pixels (no image rotation): for each candidate
    angle, row histograms of y + x*tan(a) are most peaked when lines are horizontal. Done on a copy with a
    ~1000 px long side, coarse then fine: a few milliseconds a page."""
    w, h = image.size
    factor = max(w, h) / 1000.0
    small = image.convert("L")
    if factor > 1:
        small = small.resize((max(1, int(w / factor)), max(1, int(h / factor))), Image.Resampling.BOX)
    ys, xs = np.nonzero(np.asarray(small) < 128)
    if ys.size < 50:
        return 0.0
    if ys.size > 150_000:
        pick = np.random.default_rng(0).choice(ys.size, 150_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64)

    def score(angle: float) -> float:
        rows = np.rint(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min()).astype(np.float64)
        return float(np.sum(np.diff(counts) ** 2))

    best = max(np.arange(-MAX_DESKEW_DEG, MAX_DESKEW_DEG + 0.01, 0.5), key=score)
    fine = max(np.arange(best - 0.4, best + 0.41, 0.1), key=score)
    return float(round(-fine, 2))


def straighten(img: Image.Image) -> Image.Image:
    """Deskew by the projection-profile angle (a few degrees at most)."""
    angle = skew_angle(img)
    if abs(angle) >= 0.3:
        # 1-bit pages rotate as they are (nearest is exact enough for a few degrees and 10x faster).
        if img.mode == "1":
            return img.rotate(angle, resample=Image.Resampling.NEAREST, expand=True, fillcolor=1)
        return to_gray(img).rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    return img


def preprocess(image: Image.Image, limits: Limits) -> Prepared:
    dpi = image_dpi(image)
    prepared = square_and_scale(image, dpi, limits)
    img = straighten(prepared.image)
    if img.mode != "1":
        img = binarize(to_gray(img))
    img = checkboxes.normalise(img, prepared.dpi)
    return Prepared(img, prepared.dpi)


COLUMN_GAP = " "   # what joins two words of one row separated by a wide gap (a form's label and value)
WIDE_GAP_HEIGHTS = 3.0


def layout_lines(words: list[tesseract.TsvWord]) -> list[str]:
    """Rows of words by position, not by Tesseract's blocks: a form's label and its value sit in separate
    blocks for Tesseract but on one row of the page, and "N° de sinistre B1234567" must stay one line as it
    is in a text PDF. A blank line marks a wider vertical gap (a new paragraph)."""
    if not words:
        return []
    heights = sorted(w.height for w in words)
    unit = max(heights[len(heights) // 2], 1)
    rows: list[list[tesseract.TsvWord]] = []
    centers: list[float] = []
    for w in sorted(words, key=lambda w: w.top + w.height / 2):
        center = w.top + w.height / 2
        if rows and abs(center - centers[-1]) <= 0.5 * unit:
            rows[-1].append(w)
            centers[-1] = (centers[-1] * (len(rows[-1]) - 1) + center) / len(rows[-1])
        else:
            rows.append([w])
            centers.append(center)
    rows = _merge_floating(rows, unit)
    lines: list[str] = []
    previous_bottom: Optional[float] = None
    for row in rows:
        row.sort(key=lambda w: w.left)
        top = min(w.top for w in row)
        if previous_bottom is not None and top - previous_bottom > 2.0 * unit and lines:
            lines.append("")
        parts = [row[0].text]
        for before, word in zip(row, row[1:]):
            gap = word.left - (before.left + before.width)
            parts.append((COLUMN_GAP if gap > WIDE_GAP_HEIGHTS * unit else " ") + word.text)
        lines.append("".join(parts))
        previous_bottom = max(w.top + w.height for w in row)
    return lines


def is_noise(word: tesseract.TsvWord) -> bool:
    """Box borders and specks read as "|", "‘", "." : no letter or digit, and either a bar or unsure."""
    if any(c.isalnum() for c in word.text):
        return False
    return word.text in ("|", "||", "l", "!") or word.conf < 50


def _merge_floating(rows: list[list[tesseract.TsvWord]], unit: float) -> list[list[tesseract.TsvWord]]:
    """A value boxed in a right-hand column often sits half a line lower than the text at its left
    ("Code agent" box beside the agency's address): when a row starts right of where the row above ends,
    by a wide gap, and follows it closely, it belongs to that row."""
    merged: list[list[tesseract.TsvWord]] = []
    for row in rows:
        if merged:
            prev = merged[-1]
            prev_right = max(w.left + w.width for w in prev)
            prev_bottom = max(w.top + w.height for w in prev)
            left = min(w.left for w in row)
            top = min(w.top for w in row)
            if left > prev_right + WIDE_GAP_HEIGHTS * unit and top - prev_bottom < 1.0 * unit:
                prev.extend(row)
                continue
        merged.append(row)
    return merged


_EDGE_NOISE = re.compile(r"^[|/\\\[‘'`]+(?=\w)|(?<=\w)[|‘`]+$")


def strip_border(word: tesseract.TsvWord) -> tesseract.TsvWord:
    """A box border glued to a value ("/b-6764325", "B1234567|") is not part of it."""
    text = _EDGE_NOISE.sub("", word.text)
    return word if text == word.text or not text else dataclasses.replace(word, text=text)


def words_to_page(words: list[tesseract.TsvWord], size: tuple[int, int]) -> Page:
    words = [strip_border(w) for w in words if not is_noise(w)]
    out = [Word(text=w.text, x0=w.left, y0=w.top, x1=w.left + w.width, y1=w.top + w.height, conf=w.conf / 100.0)
           for w in words]
    confs = [w.conf for w in out if w.conf is not None]
    mean = round(sum(confs) / len(confs), 3) if confs else None
    text = "\n".join(layout_lines(words)).strip()
    return Page(number=1, text=text, words=out, width=size[0], height=size[1], ocr=True, ocr_confidence=mean)


class TesseractEngine:
    """Tesseract through `_exec.tesseract`, the page first turned upright (parsers.orientation): a quarter turn
    is found before OCR by the line profiles, a half turn after a poor first OCR; OSD or a strip test decides."""

    def ocr_image(self, image: Image.Image, limits: Limits) -> Page:
        from parsers import photo

        notes: list[str] = []
        if limits.photo_correct and photo.is_photo(image):
            image = photo.correct(image)
            notes.append(ReadReason.photo_corrected.value)
        prepared = preprocess(image, limits)
        page = self.ocr_prepared(prepared, limits)
        return page.model_copy(update={"notes": notes + page.notes}) if notes else page

    def _recognise(self, img: Image.Image, dpi: int, limits: Limits) -> Page:
        psm = 6 if img.size[1] < 300 else 3
        words = tesseract.tsv_words(img, languages=limits.ocr_languages, psm=psm, dpi=dpi or None, timeout_s=budget.ocr_timeout(limits.ocr_timeout_s))
        return words_to_page(words, img.size)

    def ocr_prepared(self, prepared: Prepared, limits: Limits) -> Page:
        img, dpi = prepared.image, prepared.dpi
        read = lambda im: self._recognise(im, dpi, limits)  # noqa: E731 - the strip test's reader
        small = min(img.size) < 200
        if not small and orientation.quarter_turned(img, limits) and not budget.expired():
            turn = orientation.decide(img, (0, 90, 270), limits, read)
            if turn.rotate:
                page = read(straighten(orientation.turned(img, turn.rotate)))
                return _noted(page, turn)
        page = read(img)
        if not orientation.looks_wrong(page, limits) or small or budget.expired():
            return page
        turn = orientation.decide(img, (0, 180), limits, read)
        if not turn.rotate:
            return page
        candidate = read(straighten(orientation.turned(img, turn.rotate)))
        return _noted(candidate, turn) if orientation.score(candidate) > orientation.score(page) else page


def page_notes(page: Page) -> list[str]:
    """A page's notes as the document keeps them: "page_rotated: page 2, 180° (osd)"."""
    out = []
    for note in page.notes:
        code, _, detail = note.partition(":")
        out.append(f"{code}: page {page.number}" + (f", {detail.strip()}" if detail.strip() else ""))
    return out


def _noted(page: Page, turn: orientation.Decision) -> Page:
    return page.model_copy(update={"notes": page.notes + [ReadReason.page_rotated.detail(f"{turn.rotate}° ({turn.method})")]})


DEFAULT_ENGINE: OcrEngine = TesseractEngine()
