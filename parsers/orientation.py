"""Which way up a page is, decided cheaply before (and only when needed, after) the one full OCR.

A copier scan turned a quarter (90/270 degrees) shows itself without OCR: its text lines run down the page, so
the column profile of dark pixels alternates line/gap and the row profile does not (`quarter_turned`, a few ms
on a 1000 px copy). An upside-down page looks like any other to that test; it shows itself by a poor first OCR
(low mean word confidence, few words). In both cases Tesseract's OSD is asked once; when it is unsure, the
candidates are read on a strip across the middle of the page and the one with the better word confidence wins.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from PIL import Image

from foundation.config import Limits
from foundation.models import Page
from parsers import budget
from parsers._exec import tesseract

STRIP = (0.35, 0.65)  # the band (fractions of the height) read to choose between two orientations: symmetric
                      # under a half turn, so 0 and 180 are compared on the same physical text


@dataclass(frozen=True)
class Decision:
    """The turn (degrees clockwise) to apply and how it was decided: "osd", "strip" or "none"."""
    rotate: int
    method: str
    confidence: float = 0.0


def _gap_share(profile: np.ndarray) -> float:
    """Share of the inked span of a projection profile that is (nearly) blank: the gaps between text lines."""
    inked = np.nonzero(profile > 0)[0]
    if inked.size < 2:
        return 0.0
    span = profile[inked[0]: inked[-1] + 1]
    return float(np.mean(span <= 0.02 * span.max()))


def line_axis_ratio(image: Image.Image) -> float:
    """How much the text lines look vertical rather than horizontal: the share of blank columns over the share
    of blank rows, on the dark pixels of a ~1000 px copy. Lines of text leave blank rows between them and
    almost no blank column. Measured: upright pages 0.03-0.16 (a half-page strip of text 0.6), quarter-turned
    pages 1.5-450."""
    w, h = image.size
    factor = max(w, h) / 1000.0
    small = image.convert("L")
    if factor > 1:
        small = small.resize((max(1, int(w / factor)), max(1, int(h / factor))), Image.Resampling.BOX)
    dark = np.asarray(small) < 160
    if dark.sum() < 200:
        return 0.0
    rows, cols = _gap_share(dark.sum(axis=1)), _gap_share(dark.sum(axis=0))
    return cols / max(rows, 1e-3)


def quarter_turned(image: Image.Image, limits: Limits) -> bool:
    return line_axis_ratio(image) >= limits.orientation_axis_ratio


def looks_wrong(page: Page, limits: Limits) -> bool:
    """A first OCR that suggests a wrongly oriented page: little read, or read with low confidence."""
    return (page.ocr_confidence or 0.0) < limits.orientation_recheck_confidence or len(page.words) < 5


def score(page: Page) -> float:
    return (page.ocr_confidence or 0.0) * min(len(page.words), 50)


def turned(image: Image.Image, degrees: int) -> Image.Image:
    """`image` turned `degrees` clockwise (exact transposes: no resampling)."""
    ops = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    return image.transpose(ops[degrees % 360]) if degrees % 360 else image


def strip_of(image: Image.Image) -> Image.Image:
    w, h = image.size
    return image.crop((0, int(h * STRIP[0]), w, int(h * STRIP[1])))


def decide(image: Image.Image, candidates: tuple[int, ...], limits: Limits,
           read: Callable[[Image.Image], Page]) -> Decision:
    """The turn among `candidates` that makes `image` upright: OSD (on the middle strip) when it is sure, else
    the strip read each way.

    `read` OCRs an image (the engine's own recognise step). OSD answering outside the candidates is taken too
    when it is sure (a quarter-turned page the profile test missed)."""
    timeout = budget.ocr_timeout(limits.ocr_timeout_s)
    found = tesseract.osd(strip_of(image), timeout_s=timeout)   # a third of the page: as sure, half the time
    if found.confidence >= limits.osd_min_confidence:
        return Decision(found.rotate, "osd", found.confidence)
    if budget.expired():
        return Decision(0, "none", found.confidence)
    best, best_score = candidates[0], -1.0
    for degrees in candidates:
        page = read(strip_of(turned(image, degrees)))
        if score(page) > best_score:
            best, best_score = degrees, score(page)
    return Decision(best, "strip", found.confidence)
