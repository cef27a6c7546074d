"""Third held-out set: agency ODM forms in four layouts that the product was never tuned on, half as PDFs with a
text layer and half as faxed scans (skewed, speckled, 1-bit G4 TIFF or image-only PDF), wrapped as they arrive.

Layouts (deliberately unlike samples/gen/forms.py, which draws one label|value table):
  boxes    - a grid of boxes, small all-caps label ABOVE the value, ☒/☐ checkboxes
  columns  - two columns side by side (ASSURÉ | SINISTRE), "LABEL ....... value" with dotted leaders
  strip    - a horizontal strip of labels with the values in the row under them, then "[X] Locataire" checkboxes
  memo     - a letter-like memo from the agency, "N/Réf." lines, a checkbox line "Cause réparée : X OUI  _ NON"

The expected JSON of each message is written here by hand from /work/shared/DOMAIN.md (``expect`` in each case),
before the product ever ran on the set. Run: .venv/bin/python tests/classifiers/forms3/make_forms.py
"""
from __future__ import annotations

import io
import json
import random
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).parent
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


def header(p: Page, ag: dict, y: float = 30) -> None:
    p.t(40, y, "Allianz", 18, "DVB")
    p.t(150, y + 2, f"AGENCE {ag['name'].upper()}", 10, "DVB")
    p.t(150, y + 15, ag["street"], 8)
    p.t(150, y + 26, f"Tél. {ag['phone']}  -  Fax {ag['fax']}  -  {ag['email']}", 8)


def footer(p: Page, ag: dict) -> None:
    p.t(40, 800, f"Allianz IARD - Agent général {ag['agent_name']} - ORIAS {ag['orias']} - "
                 f"Tél. {ag['phone']} - {ag['email']}", 6.5)


def layout_boxes(c: dict) -> Page:
    p = Page()
    header(p, c["agency"])
    p.t(40, 80, "ORDRE DE MISSION PRESTATAIRE", 14, "DVB")
    p.t(40, 98, f"Réf. agence : {c['agency_ref']}     Date : {c['sent']}", 8.5)
    cells = [
        [("N° SINISTRE", c["claim_text"]), ("CODE AGENT", c["code"] or ""), (c.get("contract_label", "N° DE CONTRAT"), c["contract"])],
        [("NOM DE L'ASSURÉ", c["last"]), ("PRÉNOM", c["first"]), ("TÉLÉPHONE ASSURÉ", c["phone"])],
        [("ADRESSE DU RISQUE", c["street"]), ("CODE POSTAL", c["postcode"]), ("VILLE", c["city"])],
        [("NATURE DU SINISTRE", c["peril_text"]), ("DATE DU SINISTRE", c["loss_text"]), ("MONTANT / PLAFOND", c.get("amount_text", ""))],
    ]
    widths = [200, 150, 165]
    y = 118
    for row in cells:
        x = 40
        for (label, value), w in zip(row, widths):
            p.r(x, y, w, 34)
            p.t(x + 4, y + 4, label, 6.5, "DVB")
            p.t(x + 6, y + 18, value, 10)
            x += w
        y += 34
    y += 14
    p.t(40, y, "OCCUPATION", 7.5, "DVB")
    x = 130
    for label, key in (("Propriétaire occupant", "PO"), ("Propriétaire non occupant", "PNO"), ("Locataire", "LOC"), ("Non renseigné", None)):
        s = f"{box_mark(c['occ_box'] == key)} {label}"
        p.t(x, y, s, 8.5)
        x += pdfmetrics.stringWidth(s, "DV", 8.5) + 14
    y += 16
    p.t(40, y, "HABITATION", 7.5, "DVB")
    x = 130
    for label, key in (("Maison", "house"), ("Appartement", "apartment")):
        p.t(x, y, f"{box_mark(c['dwell_box'] == key)} {label}", 8.5)
        x += 108
    y += 16
    if c.get("repaired_box", "skip") != "skip":
        p.t(40, y, "CAUSE RÉPARÉE", 7.5, "DVB")
        p.t(130, y, f"{box_mark(c['repaired_box'] is True)} Oui", 8.5)
        p.t(238, y, f"{box_mark(c['repaired_box'] is False)} Non", 8.5)
        y += 16
    y += 6
    p.r(40, y, 515, 110)
    p.t(44, y + 4, "DESCRIPTION DES DOMMAGES / MISSION", 6.5, "DVB")
    for i, line in enumerate(wrap(c["description"], 95)):
        p.t(46, y + 18 + 12 * i, line, 9)
    footer(p, c["agency"])
    return p


def layout_columns(c: dict) -> Page:
    p = Page()
    header(p, c["agency"])
    p.t(40, 78, "DEMANDE D'INTERVENTION", 13, "DVB")
    p.t(330, 80, f"N/Réf. : {c['agency_ref']}", 8.5)
    p.t(330, 92, f"le {c['sent']}", 8.5)

    def col(x: float, y: float, title: str, rows: list[tuple[str, str]]) -> None:
        p.r(x, y, 250, 16)
        p.t(x + 4, y + 3, title, 9, "DVB")
        y += 24
        for label, value in rows:
            lead = label + " " + "." * max(3, 26 - len(label))
            p.t(x + 4, y, lead, 8, "DVB")
            p.t(x + 120, y, value, 9.5)
            y += 15

    col(40, 110, "ASSURÉ", [("NOM", c["last"]), ("PRÉNOM", c["first"]), ("ADRESSE", c["street"]),
                            ("CP / VILLE", f"{c['postcode']} {c['city']}"), ("TÉL. DOMICILE", c["phone"]),
                            ("QUALITÉ", c["occ_text"]), ("LOGEMENT", c["dwell_text"])])
    col(305, 110, "SINISTRE", [("N° SINISTRE", c["claim_text"]), (c.get("contract_label", "N° POLICE"), c["contract"]),
                               ("CODE AGENT", c["code"] or ""), ("SURVENU LE", c["loss_text"]),
                               ("NATURE", c["peril_text"]), ("CAUSE RÉPARÉE", c.get("repaired_text", "")),
                               ("PLAFOND", c.get("amount_text", ""))])
    y = 245
    p.t(40, y, "CIRCONSTANCES ET TRAVAUX DEMANDÉS :", 8.5, "DVB")
    for i, line in enumerate(wrap(c["description"], 100)):
        p.t(40, y + 16 + 12 * i, line, 9)
    p.t(350, 420, "Le chargé de clientèle,", 8.5)
    p.t(350, 434, c["agency"]["agent_name"], 8.5)
    footer(p, c["agency"])
    return p


def layout_strip(c: dict) -> Page:
    p = Page()
    header(p, c["agency"])
    p.t(40, 80, "ODM - ORDRE DE MISSION", 14, "DVB")
    p.t(360, 84, f"Réf. agence {c['agency_ref']}", 8)
    labels = ["N° SINISTRE", "CODE AGENT", "DATE SINISTRE", "NATURE"]
    values = [c["claim_text"], c["code"] or "", c["loss_text"], c["peril_text"]]
    widths = [130, 100, 110, 175]
    x = 40
    for lab, val, w in zip(labels, values, widths):
        p.r(x, 104, w, 16)
        p.r(x, 120, w, 22)
        p.t(x + 4, 108, lab, 7.5, "DVB")
        p.t(x + 4, 126, val, 10)
        x += w
    y = 160
    for label, value in (("NOM DE L'ASSURÉ :", f"{c['civ']} {c['last']} {c['first']}"),
                         ("ADRESSE :", f"{c['street']}, {c['postcode']} {c['city']}"),
                         ("TÉLÉPHONE :", c["phone"]),
                         (c.get("contract_label", "N° DE CONTRAT") + " :", c["contract"])):
        p.t(40, y, label, 8, "DVB")
        p.t(150, y, value, 9.5)
        y += 15
    y += 6
    p.t(40, y, "L'ASSURÉ EST :", 8, "DVB")
    x = 150
    for label, key in (("Propriétaire occupant", "PO"), ("Propriétaire bailleur", "PNO"), ("Locataire", "LOC"), ("Non renseigné", None)):
        s = f"[{'X' if c['occ_box'] == key else ' '}] {label}"
        p.t(x, y, s, 8.5, "DVM")
        x += pdfmetrics.stringWidth(s, "DVM", 8.5) + 12
    y += 15
    p.t(40, y, "TYPE DE BIEN :", 8, "DVB")
    x = 150
    for label, key in (("Pavillon", "house"), ("Appartement", "apartment"), ("Non renseigné", None)):
        p.t(x, y, f"[{'X' if c['dwell_box'] == key else ' '}] {label}", 8.5, "DVM")
        x += 100
    y += 15
    if c.get("repaired_box", "skip") != "skip":
        p.t(40, y, "CAUSE RÉPARÉE :", 8, "DVB")
        p.t(150, y, f"[{'X' if c['repaired_box'] is True else ' '}] OUI", 8.5, "DVM")
        p.t(250, y, f"[{'X' if c['repaired_box'] is False else ' '}] NON", 8.5, "DVM")
        y += 15
    y += 10
    p.t(40, y, "OBSERVATIONS", 8, "DVB")
    for i, line in enumerate(wrap(c["description"], 100)):
        p.t(40, y + 15 + 12 * i, line, 9)
    footer(p, c["agency"])
    return p


def layout_memo(c: dict) -> Page:
    p = Page()
    header(p, c["agency"])
    p.t(330, 90, "À l'attention du service Missions", 9)
    p.t(330, 103, f"{c['agency']['city']}, le {c['sent']}", 9)
    p.t(40, 130, "OBJET : ORDRE DE MISSION", 11, "DVB")
    lines = [("N/Réf. sinistre", c["claim_text"]), ("V/Réf.", c["agency_ref"]), ("Code agent", c["code"] or ""),
             (c.get("contract_label", "Police n°"), c["contract"])]
    y = 150
    for label, value in lines:
        p.t(40, y, f"{label} : {value}", 9.5)
        y += 13
    y += 10
    p.t(40, y, f"Assuré : {c['civ']} {c['first']} {c['last']}", 9.5)
    p.t(40, y + 13, f"Demeurant : {c['street']} - {c['postcode']} {c['city']}", 9.5)
    p.t(40, y + 26, f"Joignable au {c['phone']} (pour toute question, l'agence reste à votre disposition "
                    f"au {c['agency']['phone']})", 9.5)
    y += 48
    p.t(40, y, "Occupant :", 9.5)
    x = 110
    for label, key in (("PO", "PO"), ("PNO", "PNO"), ("LOC", "LOC")):
        p.x_box(x, y, c["occ_box"] == key)
        p.t(x + 13, y, label, 9.5)
        x += 60
    p.t(300, y, "Bien :", 9.5)
    x = 340
    for label, key in (("Maison", "house"), ("Appt", "apartment")):
        p.x_box(x, y, c["dwell_box"] == key)
        p.t(x + 13, y, label, 9.5)
        x += 70
    y += 18
    if c.get("repaired_box", "skip") != "skip":
        p.t(40, y, "Cause réparée :", 9.5)
        p.x_box(130, y, c["repaired_box"] is True)
        p.t(143, y, "OUI", 9.5)
        p.x_box(190, y, c["repaired_box"] is False)
        p.t(203, y, "NON", 9.5)
        y += 18
    y += 8
    for i, line in enumerate(wrap(c["description"], 100)):
        p.t(40, y + 13 * i, line, 9.5)
    y += 13 * len(wrap(c["description"], 100)) + 20
    p.t(40, y, "Nous vous remercions de prendre contact avec l'assuré dans les meilleurs délais.", 9.5)
    p.t(330, y + 30, c["agency"]["agent_name"], 9.5)
    footer(p, c["agency"])
    return p


def cover_sheet(c: dict) -> Page:
    p = Page()
    ag = c["agency"]
    p.t(40, 40, "TÉLÉCOPIE", 22, "DVB")
    rows = [("De", f"Agence Allianz {ag['name']}"), ("Tél.", ag["phone"]), ("Fax", ag["fax"]),
            ("À", "Service missions"), ("Date", c["sent"]), ("Pages", "2 (y compris celle-ci)")]
    y = 90
    for label, value in rows:
        p.t(40, y, f"{label} :", 11, "DVB")
        p.t(120, y, value, 11)
        y += 20
    p.t(40, y + 20, "Veuillez trouver ci-joint un ordre de mission.", 11)
    return p


LAYOUTS = {"boxes": layout_boxes, "columns": layout_columns, "strip": layout_strip, "memo": layout_memo}


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

AGENCIES = {
    "nantes": dict(name="Nantes Graslin", city="Nantes", street="4 place Graslin, 44000 Nantes", phone="02 40 12 34 56",
                   fax="02 40 12 34 99", email="nantes.graslin@agence-allianz-demo.fr", agent_name="Hervé Guillou",
                   orias="07 012 345"),
    "lille": dict(name="Lille Vauban", city="Lille", street="18 boulevard Vauban, 59000 Lille", phone="03 20 55 66 77",
                  fax="03 20 55 66 70", email="lille.vauban@agence-allianz-demo.fr", agent_name="Sophie Delattre",
                  orias="12 345 678"),
    "tours": dict(name="Tours Nationale", city="Tours", street="61 rue Nationale, 37000 Tours", phone="02 47 20 30 40",
                  fax="02 47 20 30 41", email="tours.nationale@agence-allianz-demo.fr", agent_name="Marc Pelletier",
                  orias="09 876 543"),
    "pau": dict(name="Pau Clemenceau", city="Pau", street="2 place Clemenceau, 64000 Pau", phone="05 59 27 00 11",
                fax="05 59 27 00 12", email="pau.clemenceau@agence-allianz-demo.fr", agent_name="Isabelle Lacaze",
                orias="15 004 321"),
}

OCC_TEXT = {"PO": "Propriétaire occupant", "PNO": "Propriétaire non occupant", "LOC": "Locataire", None: "Non renseigné"}
DWELL_TEXT = {"house": "Maison individuelle", "apartment": "Appartement", None: "Non renseigné"}
OCC = {"PO": "owner_occupier", "PNO": "non_occupying_owner", "LOC": "tenant", None: None}


def case(name, layout, kind, wrapper, agency, claim_text, claim, code, last, first, phone, phone_e164, street,
         postcode, city, peril_text, peril, loss_text, loss, occ_box, dwell_box, description, decision, reasons,
         civ="M.", contract="", contract_label=None, repaired_box="skip", cause_repaired=None, amount_text="",
         amount=None, expertise_note=None, limit=None, occupancy="same", dwelling="same", two_pages=False,
         sent="12/10/2026", repaired_text=None):
    """One message: how it is drawn and wrapped, and what DOMAIN.md says the record must be."""
    c = dict(name=name, layout=layout, kind=kind, wrapper=wrapper, agency=AGENCIES[agency], agency_ref="",
             claim_text=claim_text, code=code, last=last, first=first, phone=phone, street=street, postcode=postcode,
             city=city, peril_text=peril_text, loss_text=loss_text, occ_box=occ_box, dwell_box=dwell_box,
             occ_text=OCC_TEXT[occ_box], dwell_text=DWELL_TEXT[dwell_box], description=description, civ=civ,
             contract=contract, repaired_box=repaired_box, amount_text=amount_text, two_pages=two_pages, sent=sent)
    if contract_label:
        c["contract_label"] = contract_label
    c["repaired_text"] = repaired_text if repaired_text is not None else (
        {True: "Oui", False: "Non", None: "Non renseigné", "skip": ""}[repaired_box])
    expertise = peril in ("glass_breakage", "vehicle_impact", "key_loss")
    c["expect"] = {
        "document_type": "mission_order", "channel": "allianz_agence", "claim_number": claim, "order_number": "0",
        "intermediary_code": code, "peril": peril, "insured.last_name": last, "insured.first_name": first,
        "insured.phone": phone_e164, "insured.postcode": postcode, "insured.city": city,
        "occupancy": OCC[occ_box] if occupancy == "same" else occupancy,
        "dwelling": dwell_box if dwelling == "same" else dwelling,
        "loss_date": loss, "cause_repaired": cause_repaired, "expertise_on_site": expertise,
        "expertise_note": expertise_note, "management_limit_eur": limit, "amount_eur": amount,
        "decision": decision, "reasons": reasons,
    }
    return c


GLASS = "Vérifier si expertise"
VEHICLE = "choc de véhicule si devis entre 300 et 800€ rendre le dossier si devis > 800 € = expertise"

CASES = [
    case("f01_cases_dde_reparee", "boxes", "pdf", "bare", "nantes", "B 12 34 567", "B1234567", "481203",
         "DE LA FONTAINE", "Jean-Luc", "06 12 34 56 78", "+33612345678", "7 rue des Olivettes", "44000", "NANTES",
         "Dégât des eaux", "water_damage", "03/10/2026", "2026-10-03", "PO", "house",
         "Fuite sur le flexible du lavabo de la salle de bains, réparée par le plombier de l'assuré le 05/10. "
         "Plafond du séjour taché et peinture cloquée. Merci de prendre en charge la remise en état.",
         "auto_open", [], contract="45 112 908", repaired_box=True, cause_repaired=True),
    case("f02_cases_bdg_fax", "boxes", "tiff", "faxmail", "lille", "B7765432", "B7765432", "330918",
         "VANDAMME", "Céline", "07 61 22 84 10", "+33761228410", "25 rue Solférino", "59000", "LILLE",
         "Bris de glace", "glass_breakage", "08/10/2026", "2026-10-08", "LOC", "apartment",
         "Double vitrage de la porte-fenêtre du salon fendu suite à un choc. Remplacement du vitrage à prévoir.",
         "auto_open", [], contract="88 410 223", expertise_note=GLASS, limit=300.0),
    case("f03_colonnes_cles_limite", "columns", "pdf", "mail", "tours", "B5540021", "B5540021", "207341",
         "MOREAU", "Patrick", "06 45 10 20 30", "+33645102030", "12 rue Colbert", "37000", "TOURS",
         "Perte de clés", "key_loss", "09/10/2026", "2026-10-09", "LOC", "apartment",
         "L'assuré a perdu ses clés en rentrant du travail. Ouverture de porte et remplacement du cylindre. "
         "Limite de prise en charge 500 € TTC.",
         "auto_open", [], contract="N° 36 552 871", contract_label="N° CONTRAT", amount_text="500 € TTC", amount=500.0,
         expertise_note="Limite 500 €TTC", limit=500.0),
    case("f04_colonnes_dde_non_reparee_fax", "columns", "tiff", "bare", "pau", "B3321987", "B3321987", "207754",
         "ETCHEVERRY", "Maite", "06 33 44 55 66", "+33633445566", "9 avenue Trespoey", "64000", "PAU",
         "Dégâts des eaux", "water_damage", "06/10/2026", "2026-10-06", "PO", "apartment",
         "Infiltration depuis la douche, joints à refaire. Dommages sur le plafond de la cuisine.",
         "manual_review", ["dde_cause_not_confirmed_repaired"], contract="55 667 001",
         repaired_box=False, cause_repaired=False),
    case("f05_bandeau_choc_prefixe", "strip", "pdf", "bare", "lille", "A 4455667", "A4455667", "330918",
         "LEFEBVRE", "Bruno", "06 71 81 91 01", "+33671819101", "3 rue de Tournai", "59200", "TOURCOING",
         "Choc de véhicule", "vehicle_impact", "01/10/2026", "2026-10-01", "PO", "house",
         "Un véhicule de livraison a percuté le mur de clôture et le portail. Devis de l'assuré : 650 €.",
         "manual_review", ["invalid_claim_number"], contract="71 002 118", amount=650.0,
         expertise_note=VEHICLE, limit=800.0),
    case("f06_bandeau_sans_code_nonrens_fax", "strip", "imgpdf", "mail", "nantes", "B6120045", "B6120045", None,
         "GUERIN", "Anne", "07 88 12 34 56", "+33788123456", "40 quai de la Fosse", "44000", "NANTES",
         "DDE", "water_damage", "02/10/2026", "2026-10-02", None, None,
         "Assurée locataire de son appartement au 3e étage. Fuite de la colonne d'eau commune réparée par le syndic. "
         "Papiers peints décollés dans la chambre.",
         "manual_review", ["missing_intermediary_code"], contract="", repaired_box=True, cause_repaired=True,
         occupancy="tenant", dwelling="apartment"),
    case("f07_memo_rdf_particule", "memo", "pdf", "mail", "tours", "B 90 11 223", "B9011223", "512077",
         "D'HARCOURT", "Louise", "06 20 30 40 50", "+33620304050", "5 rue Bernard Palissy", "37000", "TOURS",
         "", "leak_search", "04/10/2026", "2026-10-04", "LOC", "apartment",
         "Sinistre du 04/10/2026 : traces d'humidité au pied du mur de la salle d'eau, origine inconnue. "
         "Merci de réaliser une recherche de fuite non destructive.",
         "auto_open", [], civ="Mme", contract="62 003 447"),
    case("f08_memo_dde_pno_fax", "memo", "tiff", "bare", "pau", "B4400871", "B4400871", "118822",
         "LABORDE", "Jean", "06 58 47 36 25", "+33658473625", "14 rue Serviez", "64000", "PAU",
         "", "water_damage", "30/09/2026", "2026-09-30", "PNO", "apartment",
         "Dégât des eaux du 30/09/2026 dans le logement loué par l'assuré (propriétaire bailleur) : fuite du ballon "
         "d'eau chaude, remplacé depuis. Reprise des peintures de l'entrée.",
         "auto_open", [], contract="33 908 112", repaired_box=True, cause_repaired=True),
    case("f09_cases_incendie_deux_pages", "boxes", "pdf", "mail", "lille", "B9087123", "B9087123", "118822",
         "DUBOIS", "Martine", "06 98 76 54 32", "+33698765432", "60 rue Esquermoise", "59000", "LILLE",
         "Incendie", "fire", "07/10/2026", "2026-10-07", "PO", "apartment",
         "Départ de feu sur la hotte de la cuisine, éteint par l'assurée. Murs et plafond noircis par les fumées. "
         "Nettoyage et remise en peinture.",
         "auto_open", [], civ="Mme", contract="14 770 256", two_pages=True),
    case("f10_cases_cles_deux_pages_fax", "boxes", "tiff", "faxmail", "nantes", "B2233445", "B2233445", "481203",
         "LE GOFF", "Yann", "06 11 22 33 44", "+33611223344", "2 rue Kervégan", "44000", "NANTES",
         "Vol de clés", "key_loss", "10/10/2026", "2026-10-10", "PO", "house",
         "Les clés de l'assuré ont été volées avec son sac. Changement de la serrure de la porte d'entrée.",
         "auto_open", [], contract="90 221 334", two_pages=True, expertise_note="Limite 800 €TTC", limit=800.0),
    case("f11_colonnes_bdg_police", "columns", "pdf", "bare", "pau", "B 7012 345", "B7012345", "702214",
         "CAZENAVE", "Pierre", "07 62 34 98 76", "+33762349876", "21 rue Montpensier", "64000", "PAU",
         "Bris de glace", "glass_breakage", "05/10/2026", "2026-10-05", "PO", "house",
         "Baie vitrée de la véranda brisée par la grêle projetée. Remplacement du vitrage feuilleté.",
         "auto_open", [], contract="56 789 012", contract_label="N° POLICE", expertise_note=GLASS, limit=300.0),
    case("f12_colonnes_dde_loc_fax", "columns", "imgpdf", "bare", "tours", "B5566778", "B5566778", "207341",
         "NGUYEN", "Thi", "06 07 08 09 10", "+33607080910", "33 rue du Commerce", "37000", "TOURS",
         "Dégâts des eaux", "water_damage", "29/09/2026", "2026-09-29", "LOC", "apartment",
         "Fuite sur l'évacuation de la machine à laver, réparée le lendemain. Parquet du couloir gondolé.",
         "auto_open", [], contract="21 445 906", repaired_box=True, cause_repaired=True),
    case("f13_bandeau_dde_plombier_attendu", "strip", "pdf", "faxmail", "pau", "B8123456", "B8123456", "702214",
         "ARRIBAS", "Carmen", "06 52 63 74 85", "+33652637485", "8 rue Carnot", "64000", "PAU",
         "Dégât des eaux", "water_damage", "11/10/2026", "2026-10-11", "LOC", "apartment",
         "Fuite sous l'évier de la cuisine, le plombier doit passer la semaine prochaine. Meuble bas abîmé.",
         "manual_review", ["dde_cause_not_confirmed_repaired"], civ="Mme", contract="47 001 559",
         repaired_box=None, cause_repaired=False),
    case("f14_bandeau_choc_espace_fax", "strip", "tiff", "bare", "nantes", "B 23 45 678", "B2345678", "512077",
         "BERNARD", "Luc", "06 40 50 60 70", "+33640506070", "17 route de Vannes", "44100", "NANTES",
         "Choc véhicule", "vehicle_impact", "26/09/2026", "2026-09-26", "PO", "house",
         "Le véhicule d'un tiers a heurté la façade en manoeuvrant. Fissure sur l'enduit. Devis joint : 650 €.",
         "auto_open", [], contract="18 332 440", amount=650.0, expertise_note=VEHICLE, limit=800.0),
    case("f15_memo_electrique_pno", "memo", "pdf", "bare", "lille", "B6677889", "B6677889", "330918",
         "DE SMET", "Xavier", "06 66 77 88 99", "+33666778899", "11 rue Nationale", "59800", "LILLE",
         "", "electrical_damage", "28/09/2026", "2026-09-28", "PNO", "house",
         "Dommages électriques du 28/09/2026 : surtension après un orage, le tableau électrique et la VMC ne "
         "fonctionnent plus dans la maison louée par l'assuré.",
         "auto_open", [], contract="27 118 905"),
    case("f16_memo_bdg_tiret_fax", "memo", "tiff", "faxmail", "tours", "B-8877665", "B8877665", "207341",
         "ROUSSEAU", "Claire", "07 55 44 33 22", "+33755443322", "48 boulevard Béranger", "37000", "TOURS",
         "", "glass_breakage", "09/10/2026", "2026-10-09", "LOC", "apartment",
         "Bris de glace du 09/10/2026 : la vitre de la fenêtre de la chambre a été cassée par un ballon. "
         "Remplacement du simple vitrage.",
         "auto_open", [], civ="Mme", contract="80 012 667", expertise_note=GLASS, limit=300.0),
]


def fax_line(c: dict, page: int, pages: int) -> str:
    ag = c["agency"]
    digits = ag["fax"].replace(" ", "")
    return f"{c['sent']} 09:{10 + page:02d}  FAX +33 {digits[1:]}  ALLIANZ {ag['name'].upper()}  P.{page:03d}/{pages:03d}"


def build(c: dict, rng: random.Random) -> tuple[str, bytes]:
    pages = ([cover_sheet(c)] if c["two_pages"] else []) + [LAYOUTS[c["layout"]](c)]
    dpi = (204, 196) if c["kind"] == "tiff" else (200, 200)
    if c["kind"] == "pdf":
        doc, ctype, ext = to_pdf(pages), "application/pdf", "pdf"
    else:
        scans = [to_scan(p, rng, fax_line(c, i + 1, len(pages)), dpi) for i, p in enumerate(pages)]
        if c["kind"] == "tiff":
            doc, ctype, ext = tiff_bytes(scans, dpi), "image/tiff", "tif"
        else:
            doc, ctype, ext = image_pdf_bytes(scans, dpi), "application/pdf", "pdf"
    if c["wrapper"] == "bare":
        return ext, doc
    ag = c["agency"]
    day, month, year = (int(v) for v in c["sent"].split("/"))
    date = datetime(year, month, day, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    msg = EmailMessage()
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = f"<{c['name']}@forms3-demo.fr>"
    msg["To"] = "missions@depannage-express-demo.fr"
    if c["wrapper"] == "faxmail":
        digits = ag["fax"].replace(" ", "")
        msg["From"] = "Fax2Mail <noreply@fax2mail-demo.fr>"
        msg["Subject"] = f"Fax reçu de +33{digits[1:]} ({len(pages)} page(s))"
        msg.set_content(f"Vous avez reçu une télécopie.\nExpéditeur : +33{digits[1:]}\nPages : {len(pages)}\n"
                        f"Reçu le : {c['sent']} 09:30\n\nCe message est généré automatiquement, merci de ne pas y répondre.\n")
        fname = f"FAX_{year}{month:02d}{day:02d}_0930.{ext.upper()}"
    else:
        msg["From"] = f"Agence Allianz {ag['name']} <{ag['email']}>"
        msg["Subject"] = "Ordre de mission"
        msg.set_content(f"Bonjour,\n\nVeuillez trouver ci-joint un ordre de mission.\n\nCordialement,\n"
                        f"{ag['agent_name']}\nAgence Allianz {ag['name']}\nTél. {ag['phone']}\n")
        fname = f"ODM_{c['agency_ref']}.{ext}"
    maintype, subtype = ctype.split("/")
    msg.add_attachment(doc, maintype=maintype, subtype=subtype, filename=fname)
    msg.set_boundary(f"==forms3-{c['name']}==")   # reproducible files
    return "eml", bytes(msg)


def main() -> None:
    for old in HERE.iterdir():
        if old.suffix in (".pdf", ".tif", ".eml") or old.name.endswith((".pdf.json", ".tif.json", ".eml.json")):
            old.unlink()
    for i, c in enumerate(CASES):
        c["agency_ref"] = f"AG-{4100 + 37 * i}"
        ext, data = build(c, random.Random(1000 + i))
        path = HERE / f"{c['name']}.{ext}"
        path.write_bytes(data)
        path.with_name(path.name + ".json").write_text(json.dumps(c["expect"], indent=1, ensure_ascii=False) + "\n",
                                                      encoding="utf-8")
        print(f"{path.name:45s} {len(data):8d} bytes")


if __name__ == "__main__":
    main()
