"""Checkboxes on scanned forms, redrawn so that OCR can read them.

Tesseract reads a ticked box (☒, or a square with a hand-drawn X) as "E", "F4", "C]" or nothing, and an empty
one as "D" or "Ll", so on a faxed form "[X] Locataire" is lost. Before OCR, each small square outline is found in
the 1-bit page: an empty square is erased, a square with ink inside becomes a plain bold "X". The text then
reads "X Locataire", which the classifiers take as the ticked option, and unticked options carry no mark.
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

MIN_SIDE_PT, MAX_SIDE_PT = 5.0, 16.0     # checkbox sides on forms, in points
EDGE_INK = 0.85                          # share of an edge that must be inked
TICK_INK = 0.04                          # share of the inside inked for a box to count as ticked
MAX_TICK_INK = 0.6                       # more than this inside is a solid blob
EMPTY_INK = 0.02                         # at most this much inside: an empty box
MAX_BOXES = 200                          # a page of squares is a grid, not a form: leave it alone


def _candidate_runs(ink: np.ndarray, smin: int, smax: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every horizontal inked run of a box-side length, over the whole page at once: (rows, starts, ends).

    One vectorised pass instead of a Python loop per row: the page is padded with blank columns, so every
    row's transitions come out of np.nonzero (row-major) as start, end, start, end."""
    h, w = ink.shape
    padded = np.zeros((h, w + 2), dtype=bool)
    padded[:, 1:-1] = ink
    ys, xs = np.nonzero(padded[:, 1:] != padded[:, :-1])   # per row: start, end, start, end, ...
    ys, starts, ends = ys[0::2], xs[0::2], xs[1::2]
    length = ends - starts
    keep = (length >= smin) & (length <= smax) & (ys < h - smin)
    return ys[keep], starts[keep], ends[keep]


def find_boxes(ink: np.ndarray, dpi: int) -> list[tuple[int, int, int, int, float]]:
    """Square outlines (x0, y0, x1, y1, inside ink share) in a boolean ink array."""
    scale = (dpi or 200) / 72.0
    smin, smax = int(MIN_SIDE_PT * scale), int(MAX_SIDE_PT * scale) + 1
    h, w = ink.shape
    taken = np.zeros_like(ink)
    boxes: list[tuple[int, int, int, int, float]] = []
    for y, x0, x1 in zip(*(a.tolist() for a in _candidate_runs(ink, smin, smax))):
        side = x1 - x0
        if taken[y, x0:x1].any():
            continue
        # the bottom edge: a run of about the same length, about `side` rows lower
        # (the lowest such row: an edge, with no solid ink two rows under it)
        lo, hi = y + int(side * 0.8), min(y + int(side * 1.2) + 1, h)
        if lo >= hi:
            continue
        edge = ink[lo:hi, x0 + 2:x1 - 2].mean(axis=1) >= EDGE_INK
        under = ink[np.minimum(h - 1, np.arange(lo, hi) + 2), x0 + 2:x1 - 2].all(axis=1)
        rows = np.flatnonzero(edge & ~under)
        if not rows.size:
            continue
        found = lo + int(rows[-1])
        t = max(1, side // 8)
        left = ink[y:found + 1, x0:x0 + t].any(axis=1).mean()
        right = ink[y:found + 1, x1 - t:x1].any(axis=1).mean()
        if left < EDGE_INK or right < EDGE_INK:
            continue
        # square corners (a round letter has none)
        corners = [ink[y:y + t + 1, x0:x0 + t + 1], ink[y:y + t + 1, x1 - t - 1:x1],
                   ink[found - t:found + 1, x0:x0 + t + 1], ink[found - t:found + 1, x1 - t - 1:x1]]
        if not all(c.any() for c in corners):
            continue
        # an isolated square: no ink just outside its left and right edges (not a table cell or a letter)
        pad = max(2, side // 6)
        outside_l = ink[y + 2:found - 1, max(0, x0 - pad):max(0, x0 - 1)]
        outside_r = ink[y + 2:found - 1, x1 + 1:x1 + pad]
        if outside_l.size and outside_l.mean() > 0.15 or outside_r.size and outside_r.mean() > 0.15:
            continue
        m = max(2, side // 5)
        inside = ink[y + m:found - m + 1, x0 + m:x1 - m]
        share = float(inside.mean()) if inside.size else 0.0
        if share > MAX_TICK_INK:
            continue        # a solid blob: a bold letter or a logo, not a box
        boxes.append((int(x0), int(y), int(x1), int(found), share))
        taken[y:found + 1, x0:x1] = True
        if len(boxes) > MAX_BOXES:
            return []
    return boxes


def normalise(img: Image.Image, dpi: int) -> Image.Image:
    """The page with empty boxes erased and ticked ones redrawn as an "X" (a 1-bit page in, a 1-bit page out)."""
    if img.mode != "1":
        return img
    ink = ~np.asarray(img, dtype=bool)
    boxes = find_boxes(ink, dpi)
    if not boxes:
        return img
    out = img.copy()
    draw = ImageDraw.Draw(out)
    for x0, y0, x1, y1, share in boxes:
        if EMPTY_INK < share < TICK_INK:
            continue        # a letter, a smudge: not sure, leave it as printed
        draw.rectangle([x0 - 1, y0 - 1, x1 + 1, y1 + 1], fill=1)
        if share >= TICK_INK:
            side = x1 - x0
            m, width = side // 6, max(2, side // 7)
            draw.line([x0 + m, y0 + m, x1 - m, y1 - m], fill=0, width=width)
            draw.line([x0 + m, y1 - m, x1 - m, y0 + m], fill=0, width=width)
    return out
