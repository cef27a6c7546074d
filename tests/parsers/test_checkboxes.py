"""Checkbox redrawing before OCR: an empty square is erased, a ticked one becomes a plain X, letters are left alone."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from parsers import checkboxes

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _page() -> Image.Image:
    img = Image.new("L", (900, 200), 255)
    d = ImageDraw.Draw(img)
    d.rectangle([100, 50, 125, 75], outline=0, width=2)            # empty box
    d.rectangle([400, 50, 425, 75], outline=0, width=2)            # ticked box
    d.line([404, 54, 421, 71], fill=0, width=3)
    d.line([404, 71, 421, 54], fill=0, width=3)
    d.text((600, 45), "BOND", fill=0, font=ImageFont.truetype(FONT, 34))  # letters with square-ish shapes
    return img.point(lambda v: 255 if v > 128 else 0).convert("1")


def _ink(img: Image.Image, box: tuple[int, int, int, int]) -> float:
    return float((~np.asarray(img.crop(box), dtype=bool)).mean())


def test_boxes_found_with_their_inside_ink() -> None:
    boxes = checkboxes.find_boxes(~np.asarray(_page(), dtype=bool), 200)
    assert [(x0, round(share, 1) > 0) for x0, _, _, _, share in boxes] == [(100, False), (400, True)]


def test_normalise_erases_empty_and_redraws_ticked() -> None:
    page = _page()
    out = checkboxes.normalise(page, 200)
    assert _ink(out, (95, 45, 131, 81)) == 0.0                      # empty box gone
    assert 0.05 < _ink(out, (395, 45, 431, 81)) < 0.5                # an X, no outline
    assert _ink(out, (402, 48, 424, 50)) < 0.2                       # the top edge is gone
    assert _ink(out, (590, 40, 800, 100)) == _ink(page, (590, 40, 800, 100))   # the letters untouched


def test_grey_pages_and_blank_pages_pass_through() -> None:
    grey = Image.new("L", (50, 50), 255)
    assert checkboxes.normalise(grey, 200) is grey
    blank = Image.new("1", (300, 300), 1)
    assert checkboxes.normalise(blank, 200) is blank
