"""Phone photos of a paper form, made to look like a scan before OCR: numpy and Pillow only.

A photo differs from a scan by what surrounds and lights the page: a desk around it, light falling off across
it, a shadow, and a page that is a tilted quadrilateral rather than the whole frame. Three steps:
  1. `is_photo`: many mid-gray pixels (a scan is white paper and black ink) or a frame darker at its border;
  2. lighting evened by a background divide: the paper's own brightness (text removed by a max filter, then
     blurred) divides the image, so a shaded corner becomes as white as a lit one;
  3. the page quadrilateral (the bright region holding the frame's centre, its four extreme corners) warped
     to a rectangle with A4 proportions by a perspective transform.
When the page cannot be found with confidence, only the lighting is corrected: never worse than the photo.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
from PIL import Image, ImageFilter

from parsers.ocr import otsu_threshold

WORK_SIDE = 240           # long side of the copy the page outline is searched on
MID_GRAY_SHARE = 0.30     # share of pixels between ink and paper above which an image is a photo
MIN_PAGE_SHARE = 0.25     # a page outline smaller than this share of the frame is not trusted
A4_RATIO = 297 / 210
A4_WIDTH_IN = 8.27
OCR_DPI = 300           # the resolution a found page is brought to for OCR


@dataclass(frozen=True)
class Quad:
    """Page corners in image pixels: top-left, top-right, bottom-right, bottom-left."""
    corners: tuple[tuple[float, float], ...]
    share: float          # the page's share of the frame


def _gray(image: Image.Image) -> Image.Image:
    return image.convert("L") if image.mode != "L" else image


def _small(gray: Image.Image, side: int = WORK_SIDE) -> tuple[np.ndarray, float]:
    factor = max(gray.size) / side
    small = gray.resize((max(1, round(gray.size[0] / factor)), max(1, round(gray.size[1] / factor))), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float64), factor


def is_photo(image: Image.Image) -> bool:
    """Whether `image` looks like a photo of paper rather than a scan or fax (bilevel pages never are)."""
    if image.mode in ("1", "P") or min(image.size) < 600:
        return False
    arr, _ = _small(_gray(image), 400)
    mid = float(np.mean((arr > 60) & (arr < 190)))
    h, w = arr.shape
    b = max(2, min(h, w) // 20)
    border = np.concatenate([arr[:b].ravel(), arr[-b:].ravel(), arr[:, :b].ravel(), arr[:, -b:].ravel()]).mean()
    centre = arr[h // 4: 3 * h // 4, w // 4: 3 * w // 4].mean()
    return mid >= MID_GRAY_SHARE or (centre > 120 and border < 0.7 * centre)


def even_light(gray: Image.Image) -> Image.Image:
    """Divide by the paper's brightness: ink stays dark, paper becomes white wherever the light fell."""
    w, h = gray.size
    factor = max(1, round(max(w, h) / 400))
    small = gray.resize((max(1, w // factor), max(1, h // factor)), Image.Resampling.BOX)
    background = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(6))
    background = background.resize((w, h), Image.Resampling.BILINEAR)
    arr = np.asarray(gray, dtype=np.float32)
    bg = np.maximum(np.asarray(background, dtype=np.float32), 1.0)
    return Image.fromarray(np.clip(arr / bg * 255.0, 0, 255).astype(np.uint8))


def _region_at_centre(mask: np.ndarray) -> np.ndarray:
    """The connected part of `mask` that holds the centre (geodesic growth from a seed, 4-neighbours)."""
    h, w = mask.shape
    seed = np.zeros_like(mask)
    cy, cx = h // 2, w // 2
    seed[cy - 2: cy + 3, cx - 2: cx + 3] = True
    seed &= mask
    if not seed.any():
        return seed
    for _ in range(2 * (h + w)):
        grown = seed.copy()
        grown[1:] |= seed[:-1]
        grown[:-1] |= seed[1:]
        grown[:, 1:] |= seed[:, :-1]
        grown[:, :-1] |= seed[:, 1:]
        grown &= mask
        if np.array_equal(grown, seed):
            break
        seed = grown
    return seed


def find_page(gray: Image.Image) -> Optional[Quad]:
    """The page outline: bright region around the frame's centre, corners at the extremes of x+y and x-y."""
    arr, factor = _small(gray.filter(ImageFilter.GaussianBlur(2)))
    mask = arr > otsu_threshold(np.clip(arr, 0, 255).astype(np.uint8))
    # close the ink and box lines inside the page, then drop specks of bright desk
    m = Image.fromarray(mask.astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(3)).filter(ImageFilter.MinFilter(3))
    m = m.filter(ImageFilter.MinFilter(3)).filter(ImageFilter.MaxFilter(3))
    region = _region_at_centre(np.asarray(m) > 127)
    share = float(region.mean())
    if share < MIN_PAGE_SHARE or share > 0.97:
        return None
    ys, xs = np.nonzero(region)
    s, d = xs + ys, xs - ys
    picks = [np.argmin(s), np.argmax(d), np.argmax(s), np.argmin(d)]   # tl, tr, br, bl
    corners = tuple(((float(xs[i]) + 0.5) * factor, (float(ys[i]) + 0.5) * factor) for i in picks)
    return Quad(corners, share)


def perspective_coeffs(dst: list[tuple[float, float]], src) -> list[float]:
    """Pillow's PERSPECTIVE coefficients: the map from output points `dst` to input points `src`."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return [float(c) for c in np.linalg.solve(np.array(rows), np.array(rhs))]


def _dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(np.hypot(a[0] - b[0], a[1] - b[1]))


def unwarp(gray: Image.Image, quad: Quad) -> Image.Image:
    """The page rectangle, perspective removed; A4 proportions when the outline is close to them."""
    tl, tr, br, bl = quad.corners
    width = max(_dist(tl, tr), _dist(bl, br))
    height = max(_dist(tl, bl), _dist(tr, br))
    ratio = height / max(width, 1.0)
    for target in (A4_RATIO, 1 / A4_RATIO):
        if abs(ratio - target) / target < 0.15:
            height = width * target
    size = (max(1, round(width)), max(1, round(height)))
    dst = [(0.0, 0.0), (size[0], 0.0), (size[0], size[1]), (0.0, size[1])]
    try:
        coeffs = perspective_coeffs(dst, quad.corners)
    except np.linalg.LinAlgError:
        return gray
    return gray.transform(size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=255)


def correct(image: Image.Image) -> Image.Image:
    """A photo of paper as a flat, evenly lit gray page, with a dpi guessed from A4's width."""
    gray = _gray(image)
    quad = find_page(gray)
    page = unwarp(gray, quad) if quad is not None else gray
    page = even_light(page)
    dpi = round(min(page.size) / A4_WIDTH_IN) if quad is not None else 0
    if dpi and dpi < OCR_DPI:
        # a phone's pixels are soft (blur, JPEG): Tesseract tells B from 8 better at 300 dpi than at 200
        scale = OCR_DPI / dpi
        page = page.resize((round(page.size[0] * scale), round(page.size[1] * scale)), Image.Resampling.BICUBIC)
        dpi = OCR_DPI
    if dpi:
        page.info["dpi"] = (dpi, dpi)
    return page
