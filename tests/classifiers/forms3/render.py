"""Drawing the forms3 pages: a display list per page, rendered as a text PDF (reportlab) or as a faxed scan
(Pillow: skew, speckles, 1-bit, G4 TIFF or image-only PDF). The layouts and cases are in make_forms.py."""
from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONTS = "/usr/share/fonts/truetype/dejavu/"
W, H = A4  # points
pdfmetrics.registerFont(TTFont("DV", FONTS + "DejaVuSans.ttf"))
pdfmetrics.registerFont(TTFont("DVB", FONTS + "DejaVuSans-Bold.ttf"))
pdfmetrics.registerFont(TTFont("DVM", FONTS + "DejaVuSansMono.ttf"))

# ---------------------------------------------------------------- drawing ops: ("t", x, y, size, font, s) | ("r", x, y, w, h)


class Page(list):
    """Display list of one page, y from the top in points."""

    def t(self, x: float, y: float, s: str, size: float = 9, font: str = "DV") -> None:
        self.append(("t", x, y, size, font, s))

    def r(self, x: float, y: float, w: float, h: float) -> None:
        self.append(("r", x, y, w, h))

    def x_box(self, x: float, y: float, on: bool) -> None:
        """A drawn square with a hand-drawn X when ticked: the PDF text layer gets an 'X' glyph inside it."""
        self.r(x, y, 9, 9)
        if on:
            self.t(x + 1.5, y + 0.5, "X", 8.5, "DVB")


def box_mark(on: bool) -> str:
    return "☒" if on else "☐"




def wrap(text: str, width: int) -> list[str]:
    out, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return out + ([line] if line else [])


# ---------------------------------------------------------------- rendering


def to_pdf(pages: list[Page]) -> bytes:
    buf = io.BytesIO()
    cv = canvas.Canvas(buf, pagesize=A4, invariant=1)
    cv.setTitle("ODM")
    for page in pages:
        for op in page:
            if op[0] == "t":
                _, x, y, size, font, s = op
                cv.setFont(font, size)
                cv.drawString(x, H - y - size, s)
            else:
                _, x, y, w, h = op
                cv.rect(x, H - y - h, w, h)
        cv.showPage()
    cv.save()
    return buf.getvalue()


_font_cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def _font(name: str, px: int) -> ImageFont.FreeTypeFont:
    files = {"DV": "DejaVuSans.ttf", "DVB": "DejaVuSans-Bold.ttf", "DVM": "DejaVuSansMono.ttf"}
    key = (name, px)
    if key not in _font_cache:
        _font_cache[key] = ImageFont.truetype(FONTS + files[name], px)
    return _font_cache[key]


def to_scan(page: Page, rng: random.Random, fax_line: str | None, dpi: tuple[int, int]) -> Image.Image:
    sx, sy = dpi[0] / 72, dpi[1] / 72
    img = Image.new("L", (int(W * sx), int(H * sy)), 255)
    d = ImageDraw.Draw(img)
    for op in page:
        if op[0] == "t":
            _, x, y, size, font, s = op
            d.text((x * sx, y * sy), s, fill=0, font=_font(font, max(8, int(size * (sx + sy) / 2))))
        else:
            _, x, y, w, h = op
            d.rectangle([x * sx, y * sy, (x + w) * sx, (y + h) * sy], outline=0, width=2)
    angle = rng.uniform(0.5, 1.5) * rng.choice((-1, 1))
    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    px = img.load()
    for _ in range(int(img.width * img.height / 900)):  # speckle
        x0, y0 = rng.randrange(img.width - 2), rng.randrange(img.height - 2)
        px[x0, y0] = 0 if rng.random() < 0.7 else 255
    if fax_line:
        d = ImageDraw.Draw(img)
        d.text((20, 6), fax_line, fill=0, font=_font("DVM", 20))
    return img.point(lambda v: 255 if v > 150 else 0).convert("1")


def tiff_bytes(pages: list[Image.Image], dpi: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    pages[0].save(buf, format="TIFF", compression="group4", dpi=dpi, save_all=True, append_images=pages[1:])
    return buf.getvalue()


def image_pdf_bytes(pages: list[Image.Image], dpi: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", resolution=float(dpi[0]), save_all=True, append_images=pages[1:])
    return buf.getvalue()


# ---------------------------------------------------------------- agencies and cases
