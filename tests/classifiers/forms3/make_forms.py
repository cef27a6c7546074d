"""Third held-out set: agency ODM forms in four layouts that the product was never tuned on, half as PDFs with a
text layer and half as faxed scans (skewed, speckled, 1-bit G4 TIFF or image-only PDF), wrapped as they arrive.

Layouts (deliberately unlike samples/gen/forms.py, which draws one label|value table):
  boxes    - a grid of boxes, small all-caps label ABOVE the value, ☒/☐ checkboxes
  columns  - two columns side by side (ASSURÉ | SINISTRE), "LABEL ....... value" with dotted leaders
  strip    - a horizontal strip of labels with the values in the row under them, then "[X] Locataire" checkboxes
  memo     - a letter-like memo from the agency, "N/Réf." lines, a checkbox line "Cause réparée : X OUI  _ NON"

The expected JSON of each message is written here by hand from /work/shared/DOMAIN.md (``expect`` in each case),
before the product ever ran on the set. Run: .venv/bin/python -m tests.classifiers.forms3.make_forms
"""
from __future__ import annotations

import json
import random
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone, timedelta
from pathlib import Path

from reportlab.pdfbase import pdfmetrics

from tests.classifiers.forms3.cases import AGENCIES, CASES, DWELL_TEXT, OCC_TEXT  # noqa: F401
from tests.classifiers.forms3.render import (  # noqa: F401  (re-exported for other test generators)
    H, W, Page, box_mark, image_pdf_bytes, tiff_bytes, to_pdf, to_scan, wrap,
)

HERE = Path(__file__).parent


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
