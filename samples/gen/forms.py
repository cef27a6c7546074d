"""Agency ODM forms: one layout (a display list in PDF points) drawn as a PDF (reportlab, optionally with
fillable AcroForm fields) or as a faxed scan (Pillow: skew, speckle, 1-bit, fax header line).

One layout for both outputs means the fax of a form says exactly what its PDF says."""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from typing import Optional

from PIL import Image, ImageDraw, ImageFont

A4_W, A4_H = 595.0, 842.0
FONT_DIR = "/usr/share/fonts/truetype/dejavu/"


@dataclass
class Layout:
    """Drawing operations, y measured from the top of the page in points."""
    ops: list[tuple] = field(default_factory=list)
    fields: list[tuple] = field(default_factory=list)  # (name, x, y, w, h, value) for AcroForm

    def text(self, x: float, y: float, s: str, size: float = 9, bold: bool = False) -> None:
        self.ops.append(("text", x, y, size, bold, s))

    def rect(self, x: float, y: float, w: float, h: float, fill: bool = False) -> None:
        self.ops.append(("rect", x, y, w, h, fill))

    def check(self, x: float, y: float, checked: bool) -> None:
        self.ops.append(("check", x, y, checked))


def wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def agency_layout(form: dict, acro: bool = False, checkboxes: bool = False) -> Layout:
    """form: agency, agency_address, agency_phone, agency_email, code, rows (label, value), occupancy_box,
    description, place_date. Values are strings as the agency typed them."""
    lay = Layout()
    lay.rect(30, 28, 535, 52)
    lay.text(40, 36, "ALLIANZ", 16, True)
    lay.text(150, 38, "ORDRE DE MISSION - PRESTATAIRE", 13, True)
    lay.text(150, 58, "Assistance / Réparation en nature - Habitation", 9)
    lay.text(40, 92, f"Agence : {form['agency']}", 9, True)
    lay.text(40, 106, form["agency_address"], 8)
    lay.text(40, 118, f"Tél. agence : {form['agency_phone']}   Email : {form['agency_email']}", 8)
    lay.rect(380, 88, 185, 36)
    lay.text(388, 94, "Code agent", 8, True)
    if acro:
        lay.fields.append(("code_agent", 388, 106, 170, 14, form["code"] or ""))
    else:
        lay.text(388, 108, form["code"] or "", 11, True)
    lay.text(40, 136, "Destinataire : MULTIASSISTANCE - Service Ouverture", 8)
    y = 152
    for title, rows in form["sections"]:
        lay.rect(30, y, 535, 16, fill=True)
        lay.text(36, y + 3, title, 9, True)
        y += 16
        for label, value in rows:
            lay.rect(30, y, 170, 20)
            lay.rect(200, y, 365, 20)
            lay.text(36, y + 6, label, 8.5, True)
            if acro:
                lay.fields.append((label.lower().replace(" ", "_")[:30], 204, y + 3, 356, 14, value or ""))
            else:
                lay.text(206, y + 6, value or "", 9.5)
            y += 20
        y += 8
    if checkboxes and form.get("occupancy_box") is not None:
        lay.text(36, y, "Qualité de l'assuré :", 8.5, True)
        x = 150
        for label, key in (("Propriétaire occupant", "owner_occupier"), ("Propriétaire non occupant", "non_occupying_owner"),
                           ("Locataire", "tenant")):
            lay.check(x, y - 1, form["occupancy_box"] == key)
            lay.text(x + 14, y, label, 8.5)
            x += 130
        y += 16
        lay.text(36, y, "Type d'habitation :", 8.5, True)
        x = 150
        for label, key in (("Maison", "house"), ("Appartement", "apartment")):
            lay.check(x, y - 1, form["dwelling_box"] == key)
            lay.text(x + 14, y, label, 8.5)
            x += 130
        y += 20
    lay.rect(30, y, 535, 16, fill=True)
    lay.text(36, y + 3, "DESCRIPTION DE LA MISSION / OBSERVATIONS", 9, True)
    y += 16
    lines = wrap(form["description"], 100)
    lay.rect(30, y, 535, max(70, 13 * len(lines) + 14))
    if acro:
        lay.fields.append(("description", 36, y + 4, 523, max(62, 13 * len(lines) + 6), form["description"]))
    else:
        for i, line in enumerate(lines):
            lay.text(36, y + 6 + 13 * i, line, 9)
    y += max(70, 13 * len(lines) + 14) + 14
    lay.text(40, y, form["place_date"], 9)
    lay.text(380, y, "Cachet et signature de l'agence", 8)
    lay.rect(380, y + 12, 185, 50)
    lay.text(390, y + 30, form["agency"].upper()[:30], 8, True)
    lay.text(30, 805, "Allianz IARD - Entreprise régie par le Code des assurances - Document à usage interne", 7)
    return lay


def cover_layout(cover: dict) -> Layout:
    """A fax cover page: À / De / Nombre de pages / Objet."""
    lay = Layout()
    lay.text(40, 50, "TÉLÉCOPIE", 22, True)
    lay.text(40, 84, cover["agency"], 11, True)
    lay.text(40, 100, cover["agency_address"], 9)
    y = 140
    for label, value in (("À", "MULTIASSISTANCE - Ouverture des dossiers"), ("De", cover["from"]),
                         ("Date", cover["date"]), ("Nombre de pages", cover["pages"]), ("Objet", cover["object"])):
        lay.rect(40, y, 120, 24)
        lay.rect(160, y, 400, 24)
        lay.text(46, y + 7, label, 10, True)
        lay.text(166, y + 7, value, 10)
        y += 24
    y += 20
    for line in wrap(cover["message"], 90):
        lay.text(40, y, line, 10)
        y += 15
    lay.text(40, 780, "Si vous ne recevez pas toutes les pages, merci de nous appeler au " + cover["agency_phone"], 8)
    return lay


def render_pdf(pages: list[Layout], title: str = "ODM") -> bytes:
    """A text PDF (reportlab, invariant so it is byte-identical on every run)."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(A4_W, A4_H), invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("Allianz")
    for lay in pages:
        for op in lay.ops:
            if op[0] == "text":
                _, x, y, size, bold, s = op
                c.setFont("Helvetica-Bold" if bold else "Helvetica", size)
                c.drawString(x, A4_H - y - size * 0.8, s)
            elif op[0] == "rect":
                _, x, y, w, h, fill = op
                c.setFillGray(0.88 if fill else 1)
                c.rect(x, A4_H - y - h, w, h, stroke=1, fill=1 if fill else 0)
                c.setFillGray(0)
            elif op[0] == "check":
                _, x, y, checked = op
                c.rect(x, A4_H - y - 9, 9, 9)
                if checked:
                    c.setFont("Helvetica-Bold", 9)
                    c.drawString(x + 1.5, A4_H - y - 7.5, "X")
        for name, x, y, w, h, value in lay.fields:
            multiline = h > 20
            value = value.replace("€", "EUR").replace("\u00a0", " ")  # AcroForm text: Latin-1 only
            if multiline:  # a filled form wraps its text; reportlab's appearance stream breaks on newlines only
                value = "\n".join(wrap(value, 105))
            c.acroForm.textfield(name=name, value=value, x=x, y=A4_H - y - h, width=w, height=h,
                                 borderWidth=0, fontName="Helvetica", fontSize=9,
                                 fieldFlags="multiline" if multiline else "", forceBorder=False)
        c.showPage()
    c.save()
    return buf.getvalue()


def _font(size_px: int, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_DIR + ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"), size_px)


def render_scan(lay: Layout, rng: random.Random, header: Optional[str], dpi=(204, 196), skew: float = 1.0,
                speckle: int = 900) -> Image.Image:
    """The page as a fax machine would print it: 1-bit, skewed, speckled, with the header line on top."""
    sx, sy = dpi[0] / 72.0, dpi[1] / 72.0
    width, height = int(A4_W * sx), int(A4_H * sy)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    for op in lay.ops:
        if op[0] == "text":
            _, x, y, size, bold, s = op
            draw.text((x * sx, y * sy), s, font=_font(int(size * sy * 1.02), bold), fill=0)
        elif op[0] == "rect":
            _, x, y, w, h, fill = op
            draw.rectangle([x * sx, y * sy, (x + w) * sx, (y + h) * sy], outline=0, width=2,
                           fill=200 if fill else None)
        elif op[0] == "check":
            _, x, y, checked = op
            draw.rectangle([x * sx, y * sy, (x + 9) * sx, (y + 9) * sy], outline=0, width=2)
            if checked:
                draw.line([x * sx + 3, y * sy + 3, (x + 9) * sx - 3, (y + 9) * sy - 3], fill=0, width=3)
                draw.line([x * sx + 3, (y + 9) * sy - 3, (x + 9) * sx - 3, y * sy + 3], fill=0, width=3)
    for name, x, y, w, h, value in lay.fields:  # a printed AcroForm shows its values
        for i, line in enumerate(wrap(value, 100) if h > 20 else [value]):
            draw.text(((x + 2) * sx, (y + 2 + 13 * i) * sy), line, font=_font(int(9 * sy), False), fill=0)
    img = img.rotate(skew, resample=Image.BICUBIC, fillcolor=255)
    draw = ImageDraw.Draw(img)
    for _ in range(speckle):  # scanner dust and line noise
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.choice((0, 0, 0, 1, 1, 2))
        draw.ellipse([x, y, x + r, y + r], fill=rng.choice((0, 0, 90)))
    for _ in range(rng.randrange(0, 3)):  # a faint vertical streak from a dirty scanner glass
        x = rng.randrange(width)
        draw.line([x, 0, x, height], fill=160, width=1)
    if header:
        draw.rectangle([0, 0, width, int(14 * sy)], fill=255)
        draw.text((int(20 * sx), int(3 * sy)), header, font=ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf",
                                                                              int(8 * sy)), fill=0)
    # fax thresholding: grey becomes black or white, with a little noise around the threshold
    return img.point(lambda v: 255 if v > 150 else 0).convert("1", dither=Image.Dither.NONE)


def tiff_bytes(pages: list[Image.Image], dpi=(204, 196)) -> bytes:
    buf = io.BytesIO()
    pages[0].save(buf, format="TIFF", compression="group4", dpi=dpi, save_all=True, append_images=pages[1:])
    return buf.getvalue()


def pdf_of_scans(pages: list[Image.Image], dpi=(204, 196)) -> bytes:
    """An image-only PDF wrapping the scans, as multifunction copiers produce them."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(A4_W, A4_H), invariant=1)
    c.setCreator("RICOH MP C3004 Scan")
    for img in pages:
        c.drawImage(ImageReader(img.convert("L")), 0, 0, A4_W, A4_H)
        c.showPage()
    c.save()
    return buf.getvalue()
