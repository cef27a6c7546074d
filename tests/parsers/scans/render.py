"""Drawing scans that are not clean faxes: pages turned 90/180/270 degrees, phone photos of a paper form
(perspective, uneven light, blur, sensor noise, JPEG) and values written by hand.

The page content comes from the forms3 layouts (tests/classifiers/forms3); only the rasterising differs: values
listed in `hand` are drawn in a handwriting font with a wobbling baseline, as an agent fills a printed form in.
"""
from __future__ import annotations

import glob
import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from parsers.photo import perspective_coeffs
from tests.classifiers.forms3.render import FONTS, H, W, Page

# Debian fonts-dkg-handwriting (a real person's hand), else fonts-humor-sans
_HAND_FONTS = sorted(glob.glob("/usr/share/fonts/truetype/fifthhorseman/dkg.ttf")) + \
    sorted(glob.glob("/usr/share/fonts/truetype/humor-sans/*.ttf"))
_cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def _font(path: str, px: int) -> ImageFont.FreeTypeFont:
    if (path, px) not in _cache:
        _cache[(path, px)] = ImageFont.truetype(path, px)
    return _cache[(path, px)]


def hand_font() -> str:
    if not _HAND_FONTS:
        raise SystemExit("no handwriting font: apt-get install fonts-dkg-handwriting fonts-humor-sans")
    return _HAND_FONTS[0]


def _draw_hand(img: Image.Image, x: float, y: float, s: str, px: int, rng: random.Random) -> None:
    """Letter by letter, each a little up or down and a little bigger or smaller: a pen, not a printer."""
    d = ImageDraw.Draw(img)
    path = hand_font()
    cx = x
    for ch in s:
        size = max(8, int(px * rng.uniform(1.15, 1.45)))
        font = _font(path, size)
        d.text((cx, y - px * 0.35 + rng.uniform(-px * 0.12, px * 0.12)), ch, fill=rng.randint(20, 70), font=font)
        cx += font.getlength(ch) * rng.uniform(0.95, 1.1)


def raster(page: Page, dpi: int, hand: set[str], rng: random.Random) -> Image.Image:
    """The page as an 8-bit gray image at `dpi`, hand-filled values in `hand`."""
    s = dpi / 72
    img = Image.new("L", (int(W * s), int(H * s)), 255)
    d = ImageDraw.Draw(img)
    files = {"DV": "DejaVuSans.ttf", "DVB": "DejaVuSans-Bold.ttf", "DVM": "DejaVuSansMono.ttf"}
    for op in page:
        if op[0] == "t":
            _, x, y, size, font, text = op
            px = max(8, int(size * s))
            if text in hand and text.strip():
                _draw_hand(img, x * s, y * s, text, px, rng)
            else:
                d.text((x * s, y * s), text, fill=0, font=_font(FONTS + files[font], px))
        else:
            _, x, y, w, h = op
            d.rectangle([x * s, y * s, (x + w) * s, (y + h) * s], outline=0, width=2)
    return img


def fax(img: Image.Image, rng: random.Random, turn: int, fax_line: str | None) -> Image.Image:
    """A 1-bit fax or copier scan: slight skew, speckles, the fax header line, then turned by `turn` degrees
    (counter-clockwise, as the sheet went into the machine)."""
    img = img.rotate(rng.uniform(0.3, 1.2) * rng.choice((-1, 1)), resample=Image.Resampling.BICUBIC, fillcolor=255)
    px = img.load()
    for _ in range(int(img.width * img.height / 1200)):
        px[rng.randrange(img.width), rng.randrange(img.height)] = 0 if rng.random() < 0.7 else 255
    if fax_line:
        ImageDraw.Draw(img).text((20, 6), fax_line, fill=0, font=_font(FONTS + "DejaVuSansMono.ttf", 20))
    if turn:
        img = img.rotate(turn, expand=True)
    return img.point(lambda v: 255 if v > 150 else 0).convert("1")


def photo(page: Image.Image, rng: random.Random, strength: float = 1.0, turn: int = 0) -> Image.Image:
    """A phone photo of the printed page lying on a desk: page placed as a tilted quadrilateral on a darker
    textured background, light falling off across the frame, a shadow, lens blur, sensor noise; RGB."""
    out_w, out_h = 2250, 3000
    pw, ph = page.size
    m = 0.07 * out_w
    j = lambda: rng.uniform(0, 0.08 * out_w * strength)  # noqa: E731 - corner jitter
    quad = [(m + j(), m + j()), (out_w - m - j(), m + j()), (out_w - m - j(), out_h - m - j()), (m + j(), out_h - m - j())]
    coeffs = perspective_coeffs(quad, [(0, 0), (pw, 0), (pw, ph), (0, ph)])
    paper = page.convert("L").point(lambda v: 60 + v * 0.75)  # ink is dark gray, paper off-white
    warped = paper.transform((out_w, out_h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=0)
    mask = Image.new("L", page.size, 255).transform((out_w, out_h), Image.Transform.PERSPECTIVE, coeffs,
                                                     Image.Resampling.BILINEAR, fillcolor=0)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    desk = (95 + 25 * nrng.standard_normal((out_h // 8, out_w // 8))).clip(0, 255).astype(np.uint8)
    desk_img = Image.fromarray(desk).resize((out_w, out_h), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(6))
    gray = Image.composite(warped, desk_img, mask)
    arr = np.asarray(gray, dtype=np.float64)
    yy, xx = np.mgrid[0:out_h, 0:out_w]
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xx / out_w + np.sin(angle) * yy / out_h)
    ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min() + 1e-9)
    light = 1.0 - (0.25 + 0.2 * strength) * ramp
    sx, sy = rng.uniform(0.2, 0.8) * out_w, rng.uniform(0.2, 0.8) * out_h   # a soft shadow (the phone, a hand)
    shadow = 1.0 - 0.18 * strength * np.exp(-(((xx - sx) / (0.25 * out_w)) ** 2 + ((yy - sy) / (0.2 * out_h)) ** 2))
    arr = arr * light * shadow + nrng.normal(0, 5, arr.shape)
    img = Image.fromarray(arr.clip(0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.1 * strength))
    tint = (1.0, 0.97, 0.9)  # warm indoor light
    rgb = Image.merge("RGB", [img.point(lambda v, t=t: int(v * t)) for t in tint])
    return rgb.rotate(turn, expand=True) if turn else rgb


def jpeg_bytes(img: Image.Image, quality: int = 82) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()
