"""Scans that are not clean faxes (issue 13, class 4): agency mission-order forms faxed or copied upside down or
turned a quarter, photographed with a phone on a desk, and filled in by hand.

The layouts are the forms3 ones (boxes, columns, strip, memo); the cases, agencies' values and the expected JSON
are new, written here by hand from /work/shared/DOMAIN.md before the product ran on them. A form whose required
values (claim number, name, phone) are handwritten must not auto-open on an OCR guess: DOMAIN.md's
`low_confidence` (a required field read but not trusted, poor OCR) sends it to review.

Needs a handwriting font to regenerate (apt-get install fonts-dkg-handwriting); the generated files are committed.
Run: .venv/bin/python -m tests.parsers.scans.make_scans
"""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from tests.classifiers.forms3.cases import case
from tests.classifiers.forms3.make_forms import LAYOUTS, cover_sheet, fax_line
from tests.classifiers.forms3.render import H, W, image_pdf_bytes, tiff_bytes
from tests.parsers.scans.render import fax, jpeg_bytes, photo, raster

HERE = Path(__file__).parent

# (case, how it was scanned, which values were written by hand)
#   scan   - fax / copier, 1-bit, `turn` degrees counter-clockwise; kind tiff | imgpdf
#   photo  - phone photo (JPEG), `strength` of the distortion, `turn` as the phone was held
SCANS = [
    (case("s01_cases_dde_fax_180", "boxes", "tiff", "faxmail", "tours", "B 44 10 982", "B4410982", "207341",
          "PICHON", "Gérard", "06 72 18 40 55", "+33672184055", "18 rue de la Scellerie", "37000", "TOURS",
          "Dégât des eaux", "water_damage", "02/11/2026", "2026-11-02", "PO", "house",
          "Fuite du cumulus dans le garage, remplacé par l'installateur le 04/11. Cloison du cellier à reprendre.",
          "auto_open", [], contract="21 448 907", repaired_box=True, cause_repaired=True),
     dict(mode="scan", turn=180), ()),
    (case("s02_colonnes_bdg_copieur_90", "columns", "imgpdf", "mail", "lille", "B6032217", "B6032217", "330918",
          "DEWAELE", "Nadège", "07 81 44 26 09", "+33781442609", "7 rue Nationale", "59800", "LILLE",
          "Bris de glace", "glass_breakage", "05/11/2026", "2026-11-05", "LOC", "apartment",
          "Vitre de la fenêtre de la cuisine brisée par un ballon. Remplacement du simple vitrage.",
          "auto_open", [], contract="N° 64 220 118", contract_label="N° CONTRAT", expertise_note="Vérifier si expertise",
          limit=300.0), dict(mode="scan", turn=90), ()),
    (case("s03_bandeau_cles_fax_270", "strip", "tiff", "bare", "pau", "B7190346", "B7190346", "702214",
          "HARISTOY", "Ramuntxo", "06 14 92 73 38", "+33614927338", "11 rue Bordenave d'Abère", "64000", "PAU",
          "Perte de clés", "key_loss", "03/11/2026", "2026-11-03", "PNO", "apartment",
          "Le locataire a égaré le jeu de clés du logement. Remplacement du cylindre de la porte palière.",
          "auto_open", [], contract="70 113 552", expertise_note="Limite 800 €TTC", limit=800.0),
     dict(mode="scan", turn=270), ()),
    (case("s04_memo_incendie_fax_180_pdf", "memo", "imgpdf", "faxmail", "nantes", "B 31 20 774", "B3120774", "481203",
          "LE BIHAN", "Gwenola", "06 40 55 81 22", "+33640558122", "9 rue Crébillon", "44000", "NANTES",
          "", "fire", "29/10/2026", "2026-10-29", "LOC", "apartment",
          "Incendie du 29/10/2026 : départ de feu sur une multiprise du salon, maîtrisé par les pompiers. "
          "Suie sur les murs et le plafond, nettoyage et peinture à prévoir.",
          "auto_open", [], civ="Mme", contract="12 903 466"), dict(mode="scan", turn=180), ()),
    (case("s05_cases_choc_photo", "boxes", "jpeg", "mail", "nantes", "B5078123", "B5078123", "481203",
          "RIVIERE", "Thomas", "06 03 17 29 84", "+33603172984", "22 boulevard Guist'hau", "44000", "NANTES",
          "Choc de véhicule", "vehicle_impact", "30/10/2026", "2026-10-30", "PO", "house",
          "Un camion de livraison a accroché le pilier du portail en manoeuvrant. Devis de maçonnerie : 540 €.",
          "auto_open", [], contract="50 771 380", amount=540.0,
          expertise_note="choc de véhicule si devis entre 300 et 800€ rendre le dossier si devis > 800 € = expertise",
          limit=800.0), dict(mode="photo", strength=1.0, turn=0), ()),
    (case("s06_colonnes_dde_photo", "columns", "jpeg", "mail", "tours", "B8801456", "B8801456", "512077",
          "FONTAINE", "Élodie", "07 68 90 12 45", "+33768901245", "40 avenue de Grammont", "37000", "TOURS",
          "Dégât des eaux", "water_damage", "01/11/2026", "2026-11-01", "LOC", "apartment",
          "Débordement du lave-linge chez le voisin du dessus, fuite arrêtée et réparée. Plafond de la salle de bains taché.",
          "auto_open", [], contract="38 006 129", repaired_text="Oui", cause_repaired=True),
     dict(mode="photo", strength=1.4, turn=0), ()),
    (case("s07_memo_rdf_photo_penche", "memo", "jpeg", "mail", "pau", "B2267093", "B2267093", "207754",
          "LASSALLE", "Bernard", "06 25 36 47 58", "+33625364758", "3 place Royale", "64000", "PAU",
          "", "leak_search", "27/10/2026", "2026-10-27", "LOC", "apartment",
          "Sinistre du 27/10/2026 : auréole au plafond de la chambre, origine inconnue. "
          "Merci de réaliser une recherche de fuite.",
          "auto_open", [], contract="44 820 615"), dict(mode="photo", strength=1.8, turn=0), ()),
    (case("s08_bandeau_photo_paysage", "strip", "jpeg", "mail", "lille", "B9944021", "B9944021", "330918",
          "CARPENTIER", "Mathilde", "06 91 08 27 36", "+33691082736", "5 rue Esquermoise", "59000", "LILLE",
          "Incendie", "fire", "31/10/2026", "2026-10-31", "PO", "apartment",
          "Feu de friteuse dans la cuisine, éteint par l'assurée. Hotte et meubles hauts noircis.",
          "auto_open", [], civ="Mme", contract="61 550 904"), dict(mode="photo", strength=0.8, turn=90), ()),
    (case("s09_cases_manuscrit_fax", "boxes", "tiff", "bare", "lille", "B4471209", "B4471209", "118822",
          "WATTEAU", "Jérôme", "06 58 20 71 93", "+33658207193", "14 rue de Béthune", "59000", "LILLE",
          "Bris de glace", "glass_breakage", "04/11/2026", "2026-11-04", "PO", "house",
          "Baie vitrée du séjour fêlée par la grêle. Remplacement du double vitrage.",
          "manual_review", ["low_confidence"], contract="27 400 613", expertise_note="Vérifier si expertise", limit=300.0),
     dict(mode="scan", turn=0), ("claim_text", "last", "phone")),
    (case("s10_colonnes_manuscrit_fax_180", "columns", "tiff", "faxmail", "tours", "B1358024", "B1358024", "207341",
          "BRETON", "Yves", "06 33 71 05 49", "+33633710549", "2 rue Colbert", "37000", "TOURS",
          "Perte de clés", "key_loss", "06/11/2026", "2026-11-06", "LOC", "apartment",
          "Clés perdues lors d'un déménagement. Ouverture de porte et changement de serrure.",
          "manual_review", ["low_confidence"], contract="80 336 271", expertise_note="Limite 800 €TTC", limit=800.0),
     dict(mode="scan", turn=180), ("claim_text", "last", "phone")),
    (case("s11_memo_manuscrit_photo", "memo", "jpeg", "mail", "nantes", "B6620517", "B6620517", "481203",
          "GUILLOU", "Maël", "07 52 63 74 85", "+33752637485", "6 rue Kervégan", "44000", "NANTES",
          "", "water_damage", "28/10/2026", "2026-10-28", "PO", "apartment",
          "Dégât des eaux du 28/10/2026 : joint de la baignoire défectueux, refait par l'assuré. Plafond du voisin taché.",
          "manual_review", ["low_confidence"], contract="19 620 337", repaired_box=True, cause_repaired=True),
     dict(mode="photo", strength=1.0, turn=0), ("claim_text", "last", "phone")),
    (case("s12_bandeau_dde_non_reparee_copieur_270", "strip", "imgpdf", "mail", "pau", "B3390552", "B3390552", "702214",
          "ETCHEBARNE", "Itziar", "06 77 88 99 10", "+33677889910", "25 rue Serviez", "64000", "PAU",
          "Dégâts des eaux", "water_damage", "07/11/2026", "2026-11-07", "PO", "house",
          "Fuite sur la canalisation enterrée du jardin, plombier attendu. Humidité en pied de mur du séjour.",
          "manual_review", ["dde_cause_not_confirmed_repaired"], contract="90 455 018",
          repaired_box=False, cause_repaired=False), dict(mode="scan", turn=270), ()),
]


def _pages(c: dict, how: dict, hand: tuple[str, ...], rng: random.Random) -> tuple[str, str, bytes]:
    """(extension, content type, bytes) of the scanned or photographed document."""
    written = {c[k] for k in hand}
    if "claim_text" in hand:
        written.add(c["claim_text"])
    pages = ([cover_sheet(c)] if c["two_pages"] else []) + [LAYOUTS[c["layout"]](c)]
    if how["mode"] == "photo":
        img = photo(raster(pages[-1], 150, written, rng), rng, how["strength"], how["turn"])
        return "jpg", "image/jpeg", jpeg_bytes(img)
    dpi = (204, 196) if c["kind"] == "tiff" else (200, 200)
    scans = [fax(raster(p, dpi[0], written, rng).resize((int(W * dpi[0] / 72), int(H * dpi[1] / 72))), rng, how["turn"],
                 fax_line(c, i + 1, len(pages)) if c["wrapper"] == "faxmail" or c["kind"] == "tiff" else None)
             for i, p in enumerate(pages)]
    if how["turn"] in (90, 270):
        dpi = (dpi[1], dpi[0])
    if c["kind"] == "tiff":
        return "tif", "image/tiff", tiff_bytes(scans, dpi)
    return "pdf", "application/pdf", image_pdf_bytes(scans, dpi)



def wrap(c: dict, ext: str, ctype: str, doc: bytes) -> tuple[str, bytes]:
    if c["wrapper"] == "bare":
        return ext, doc
    ag = c["agency"]
    day, month, year = (int(v) for v in c["sent"].split("/"))
    msg = EmailMessage()
    msg["Date"] = format_datetime(datetime(year, month, day, 10, 5, tzinfo=timezone(timedelta(hours=1))))
    msg["Message-ID"] = f"<{c['name']}@scans-demo.fr>"
    msg["To"] = "missions@depannage-express-demo.fr"
    if c["wrapper"] == "faxmail":
        digits = ag["fax"].replace(" ", "")
        msg["From"] = "Passerelle fax <fax@telecopie-demo.fr>"
        msg["Subject"] = f"[FAX] de {ag['fax']} - 1 document"
        msg.set_content(f"Une télécopie vous a été transmise.\nNuméro appelant : +33{digits[1:]}\n"
                        f"Date : {c['sent']} 10:05\n\nMessage automatique.\n")
        fname = f"telecopie_{year}{month:02d}{day:02d}.{ext}"
    else:
        # the agency's own mailbox on the insurer's domain: this set is about scans, not about sender trust
        msg["From"] = f"{ag['agent_name']} <{ag['email'].split('@')[0]}@agents.allianz-demo.fr>"
        msg["Subject"] = "ODM - photo du formulaire" if ext == "jpg" else "Ordre de mission scanné"
        msg.set_content(f"Bonjour,\n\nCi-joint l'ordre de mission ({'photo' if ext == 'jpg' else 'scan'}), "
                        f"le scanner de l'agence est en panne.\n\nBonne journée,\n{ag['agent_name']}\n"
                        f"Agence Allianz {ag['name']} - {ag['phone']}\n")
        fname = f"IMG_{year}{month:02d}{day:02d}_1004.jpg" if ext == "jpg" else f"scan_odm_{c['agency_ref']}.{ext}"
    maintype, subtype = ctype.split("/")
    msg.add_attachment(doc, maintype=maintype, subtype=subtype, filename=fname)
    msg.set_boundary(f"==scans-{c['name']}==")
    return "eml", bytes(msg)


def main() -> None:
    for old in HERE.iterdir():
        if old.suffix in (".pdf", ".tif", ".eml", ".jpg") or old.name.endswith(".json"):
            old.unlink()
    for i, (c, how, hand) in enumerate(SCANS):
        c["agency_ref"] = f"AG-{7300 + 41 * i}"
        rng = random.Random(5000 + i)
        ext, ctype, doc = _pages(c, how, hand, rng)
        ext, data = wrap(c, ext, ctype, doc)
        path = HERE / f"{c['name']}.{ext}"
        path.write_bytes(data)
        path.with_name(path.name + ".json").write_text(json.dumps(c["expect"], indent=1, ensure_ascii=False) + "\n",
                                                      encoding="utf-8")
        print(f"{path.name:48s} {len(data):8d} bytes  {how}  hand={list(hand)}")


if __name__ == "__main__":
    main()
