"""Small inputs built in the tests: PDFs with reportlab, a French fax page with Pillow."""
from __future__ import annotations

import io
import random

import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FAX_LINES = [
    "ORDRE DE MISSION",
    "Numéro de sinistre : B1234567",
    "Assuré : Monsieur Jean DUPONT",
    "Dégâts des eaux dans la cuisine",
    "Merci de contacter l'assuré rapidement",
]


def text_pdf(lines: list[str], image_page: Image.Image | None = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = 800
    for line in lines:
        c.drawString(60, y, line)
        y -= 18
    c.showPage()
    if image_page is not None:
        height = A4[0] * image_page.size[1] / image_page.size[0]
        c.drawImage(ImageReader(image_page.convert("L")), 0, A4[1] - height, width=A4[0], height=height)
        c.showPage()
    c.save()
    return buf.getvalue()


def fax_image(skew: float = 2.0, dpi: int = 200, noise: float = 0.002, seed: int = 7) -> Image.Image:
    """An A4-wide page of French text at `dpi`, skewed by `skew` degrees, with salt-and-pepper noise."""
    width, height = int(8.27 * dpi), int(4.5 * dpi)
    im = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT, int(dpi * 0.16))
    for i, line in enumerate(FAX_LINES):
        draw.text((int(dpi * 0.6), int(dpi * 0.5) + i * int(dpi * 0.35)), line, font=font, fill=0)
    im = im.rotate(skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    rnd = random.Random(seed)
    px = im.load()
    for _ in range(int(width * height * noise)):
        px[rnd.randrange(width), rnd.randrange(height)] = 0
    return im


def g4_tiff(im: Image.Image, dpi=(200, 200), pages: int = 1) -> bytes:
    buf = io.BytesIO()
    bw = im.convert("1")
    bw.save(buf, format="TIFF", compression="group4", dpi=dpi, save_all=pages > 1, append_images=[bw] * (pages - 1))
    return buf.getvalue()


@pytest.fixture(scope="session")
def fax_tiff() -> bytes:
    return g4_tiff(fax_image())
