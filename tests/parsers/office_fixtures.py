"""Office test files made by LibreOffice itself: an agency's mission order typed in Writer and in Calc, saved
as .doc, .docx, .odt, .rtf, .xlsx, .xls and .ods by `soffice --convert-to` (through parsers/_exec/soffice.py).

The source is a flat OpenDocument file (.fodt / .fods) written here, with the wording of an agency that
never saw the product (a letterhead in the page header, the fields in a two-column table, a free-text
description). Run it to refresh the committed files:

    PYTHONPATH=. .venv/bin/python -m tests.parsers.office_fixtures tests/parsers/fixtures/office
"""
from __future__ import annotations

import sys
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

from parsers._exec.soffice import convert

HERE = Path(__file__).with_name("fixtures") / "office"
WRITER_FORMATS = {"doc": "doc:MS Word 97", "docx": "docx:MS Word 2007 XML", "odt": "odt", "rtf": "rtf"}
CALC_FORMATS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97", "ods": "ods"}

# An order as an agency types it in Writer (what is expected from it is in EXPECTED below).
LETTERHEAD = ["Allianz - Agence Dupuis & Fils, agents généraux", "12 place du Marché 49100 ANGERS - 02 41 88 19 40",
              "Code agent : 741852"]
TEXT_ROWS = [
    ("Objet", "Demande d'intervention - ordre de mission"),
    ("Référence sinistre", "B7305518"),
    ("Survenu le", "03/03/2026"),
    ("Événement", "Dégât des eaux - canalisation encastrée percée"),
    ("Réparation de la fuite", "Oui, faite par le plombier le 05/03/2026"),
    ("Assuré(e)", "Madame Hélène GRANDJEAN"),
    ("Adresse du risque", "8 impasse des Tilleuls"),
    ("CP et commune", "49100 ANGERS"),
    ("Portable", "06 72 18 44 90"),
    ("Statut occupant", "Propriétaire occupant"),
    ("Type de logement", "Maison individuelle"),
]
DESCRIPTION = ("Infiltration au plafond du séjour sous la salle de bains de l'étage. La canalisation a été "
               "remplacée ; reste à reprendre le plâtre et les peintures. Merci de prendre contact avec "
               "Mme GRANDJEAN pour convenir d'un rendez-vous.")
# The same agency, another order, kept in a Calc sheet (label in column A, value in column B).
SHEET_ROWS = [
    ("ORDRE DE MISSION - AGENCE DUPUIS & FILS (ALLIANZ)", ""),
    ("Code agent", "741852"),
    ("N° sinistre", "B7310042"),
    ("Date du sinistre", "10/03/2026"),
    ("Nature", "Bris de glace - baie vitrée du salon fendue"),
    ("Nom de l'assuré", "M. Thierry LE GUENNEC"),
    ("Adresse", "41 rue de la Madeleine"),
    ("Code postal", "49000"),
    ("Ville", "ANGERS"),
    ("Téléphone", "02 41 37 60 15"),
    ("Qualité", "Locataire"),
    ("Logement", "Appartement"),
    ("Observations", "Vitrage extérieur fêlé sur toute la hauteur, pas de blessé. Remplacement à prévoir."),
]
EXPECTED = {
    "writer": {"claim_number": "B7305518", "intermediary_code": "741852", "last_name": "GRANDJEAN",
               "postcode": "49100", "phone": "+33672184490", "peril": "water_damage"},
    "calc": {"claim_number": "B7310042", "intermediary_code": "741852", "last_name": "LE GUENNEC",
             "postcode": "49000", "phone": "+33241376015", "peril": "glass_breakage"},
}
# A broker writes in prose, in its own letter (no form): Writer, saved as .docx and .odt.
BROKER_SENDER = "sinistres@cabinet-morel-assurances.fr"
BROKER_LETTER = [
    "CABINET MOREL ASSURANCES - Courtier en assurances - ORIAS 07 012 345",
    "3 boulevard Béranger, 37000 TOURS",
    "Tours, le 9 mars 2026",
    "Objet : déclaration de sinistre - votre référence C0458812",
    "Madame, Monsieur,",
    "Nous vous prions de bien vouloir missionner un prestataire pour notre client, Monsieur Bastien FOUCHER, "
    "locataire d'un appartement situé 17 allée des Ormes, 37200 TOURS.",
    "Le 7 mars 2026, un violent orage a arraché une partie de la toiture de l'immeuble ; l'eau s'est infiltrée "
    "dans la chambre. Il ne s'agit pas d'une fuite : les dommages sont dus à la tempête.",
    "M. FOUCHER est joignable au 06 58 12 77 31 ou par courriel : bastien.foucher@orange.fr.",
    "Notre code courtier : 8812-T. Nous restons à votre disposition.",
    "Veuillez agréer nos salutations distinguées.",
    "Claire MOREL, gestionnaire sinistres",
]
# A broker's Calc "bordereau": the labels across the first row, the order on the row below.
BORDEREAU_ROWS = [
    ("N° sinistre", "Assuré", "Adresse", "CP", "Ville", "Tél. assuré", "Événement", "Date", "Code courtier"),
    ("C0461207", "Mme Sandrine VASSEUR", "5 rue du Commerce", "37100", "TOURS", "06 31 45 98 02",
     "Vol avec effraction, porte-fenêtre forcée", "08/03/2026", "8812-T"),
]
EXPECTED_BROKER = {
    "letter": {"claim_number": "C0458812", "last_name": "FOUCHER", "postcode": "37200", "phone": "+33658127731"},
    "bordereau": {"claim_number": "C0461207", "last_name": "VASSEUR", "postcode": "37100", "phone": "+33631459802"},
}
SENDER = "agence.dupuis@agents.allianz.fr"
_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')


def _p(text: str, style: str = "Standard") -> str:
    return f'<text:p text:style-name="{style}">{escape(text)}</text:p>'


def _table(rows, name: str) -> str:
    cells = "".join(
        "<table:table-row>" + "".join(f'<table:table-cell office:value-type="string">{_p(v)}</table:table-cell>'
                                      for v in row) + "</table:table-row>" for row in rows)
    return (f'<table:table table:name="{name}"><table:table-column table:number-columns-repeated="2"/>'
            f"{cells}</table:table>")


def fodt() -> str:
    header = "".join(_p(line) for line in LETTERHEAD)
    body = (_p("ORDRE DE MISSION", "Heading") + _p("Destinataire : Multiassistance, service des ouvertures")
            + _table(TEXT_ROWS, "Mission") + _p("Circonstances et travaux", "Heading") + _p(DESCRIPTION)
            + _p("Fait à Angers le 06/03/2026 - Julien DUPUIS"))
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document {_NS} office:version="1.3" '
            f'office:mimetype="application/vnd.oasis.opendocument.text">'
            f'<office:automatic-styles><style:page-layout style:name="pm1"/></office:automatic-styles>'
            f'<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">'
            f"<style:header>{header}</style:header></style:master-page></office:master-styles>"
            f"<office:body><office:text>{body}</office:text></office:body></office:document>")


def fods(rows=SHEET_ROWS) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document {_NS} office:version="1.3" '
            f'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
            f"<office:body><office:spreadsheet>{_table(rows, 'ODM')}</office:spreadsheet></office:body>"
            f"</office:document>")


def letter_fodt() -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document {_NS} office:version="1.3" '
            f'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>'
            + "".join(_p(line) for line in BROKER_LETTER) + "</office:text></office:body></office:document>")


def generate(outdir: Path, timeout_s: float = 120.0) -> dict[str, Path]:
    """Every format written by LibreOffice into `outdir`: {"docx": path, ...}."""
    outdir.mkdir(parents=True, exist_ok=True)
    made = {}
    for source, suffix, formats in ((fodt(), ".fodt", WRITER_FORMATS), (fods(), ".fods", CALC_FORMATS)):
        for ext, target in formats.items():
            path = outdir / f"ordre_de_mission.{ext}"
            path.write_bytes(convert(source.encode(), suffix, target, timeout_s=timeout_s))
            made[ext] = path
    for source, suffix, name, ext, target in (
            (letter_fodt(), ".fodt", "courtier_lettre", "docx", WRITER_FORMATS["docx"]),
            (letter_fodt(), ".fodt", "courtier_lettre", "odt", "odt"),
            (fods(BORDEREAU_ROWS), ".fods", "courtier_bordereau", "xlsx", CALC_FORMATS["xlsx"])):
        path = outdir / f"{name}.{ext}"
        path.write_bytes(convert(source.encode(), suffix, target, timeout_s=timeout_s))
        made[f"{name}.{ext}"] = path
    return made


def mail_with(data: bytes, filename: str, *, sender: str = SENDER, subject: str = "Ordre de mission",
              who: str = "Agence Dupuis", signature: str = "Julien DUPUIS") -> bytes:
    """The mail an agency sends with the file attached (the body says little, as they do)."""
    msg = EmailMessage()
    msg["From"] = f"{who} <{sender}>"
    msg["To"] = "ouverture@multiassistance.fr"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 3, 11, 9, 30, tzinfo=timezone.utc))
    msg["Message-ID"] = f"<{filename.replace(' ', '_')}.20260311@{sender.split('@')[1]}>"
    msg.set_content(f"Bonjour,\n\nVous trouverez la mission en pièce jointe.\n\nCordialement,\n{signature}\n")
    msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    return msg.as_bytes()


if __name__ == "__main__":
    for ext, path in generate(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE).items():
        print(f"{ext:5} {path.stat().st_size:7d} {path}")
