"""Fifth forms set: agency ODM forms in four layouts none of the other sets draw, each once as a text PDF mailed by
the agency and once as a faxed scan (1-bit G4 TIFF dropped in the fax folder). Written on 2026-12-02 from
/work/shared/DOMAIN.md before the product ran on them; the drawing reuses forms3's renderer only.

Layouts:
  questionnaire - numbered questions ("3. Nom et prénom de l'assuré(e) : ..."), "(x) Oui ( ) Non" answers
  abbrev        - a narrow grid of abbreviated labels ("Réf. sin.", "Cd agt", "Tél. ass.", "Occ.", "Type bien")
  envelope      - the claim in a banner top right, the insured as an unlabelled address block (window envelope)
  letter        - a letter on agency paper: "Nos réf. : sinistre ... - code agent ...", the order in prose

Run: .venv/bin/python -m tests.classifiers.forms5.make_forms
"""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from tests.classifiers.forms3.render import Page, tiff_bytes, to_pdf, to_scan, wrap

HERE = Path(__file__).parent
AG = dict(name="Chalon Saint-Vincent", street="11 place Saint-Vincent, 71100 Chalon-sur-Saône", phone="03 85 90 10 20",
          fax="03 85 90 10 29", email="chalon.stvincent@agents.allianz.fr", agent="Laurent Bazin", orias="08 044 120")
BOX = {True: "(x)", False: "( )"}


def letterhead(p: Page) -> None:
    p.t(40, 28, "Allianz", 20, "DVB")
    p.t(40, 52, f"Agence {AG['name']} - {AG['street']}", 7.5)
    p.t(40, 62, f"Tél. {AG['phone']} - Fax {AG['fax']} - {AG['email']} - ORIAS {AG['orias']}", 7.5)


def questionnaire(c: dict) -> Page:
    p = Page()
    letterhead(p)
    p.t(40, 90, "QUESTIONNAIRE DE MISSIONNEMENT", 13, "DVB")
    rows = [f"1. Numéro du sinistre : {c['claim_text']}", f"2. Code de l'agent : {c['code']}",
            f"3. Nom et prénom de l'assuré(e) : {c['person']}", f"4. Numéro où joindre l'assuré(e) : {c['phone']}",
            f"5. Lieu du sinistre : {c['street']}, {c['postcode']} {c['city']}",
            f"6. L'assuré(e) est-il propriétaire occupant ? {BOX[c['occ'] == 'PO']} Oui {BOX[c['occ'] != 'PO']} Non"
            f"     locataire ? {BOX[c['occ'] == 'LOC']} Oui {BOX[c['occ'] != 'LOC']} Non",
            f"7. Maison ? {BOX[c['dwell'] == 'house']} Oui {BOX[c['dwell'] != 'house']} Non",
            f"8. Événement : {c['peril_text']}, le {c['loss_text']}"]
    if c.get("repaired") is not None:
        rows.append(f"9. La cause est-elle réparée ? {BOX[c['repaired'] is True]} Oui {BOX[c['repaired'] is False]} Non")
    y = 118
    for r in rows:
        p.t(40, y, r, 9.5)
        y += 20
    p.t(40, y + 6, "10. Travaux demandés :", 9.5, "DVB")
    for i, line in enumerate(wrap(c["description"], 95)):
        p.t(52, y + 24 + 12 * i, line, 9)
    p.t(380, 700, f"Pour l'agence, {AG['agent']}", 8.5)
    return p


def abbrev(c: dict) -> Page:
    p = Page()
    letterhead(p)
    p.t(40, 88, "ODM", 16, "DVB")
    p.t(100, 92, "fiche de missionnement prestataire", 9)
    grid = [("Réf. sin.", c["claim_text"]), ("Cd agt", c["code"] or ""), ("Ass.", c["person"]), ("Tél. ass.", c["phone"]),
            ("Adr.", c["street"]), ("CP", c["postcode"]), ("Ville", c["city"]), ("Occ.", c["occ"]),
            ("Type bien", {"house": "MAISON", "apartment": "APPT"}[c["dwell"]]), ("Sinistre", c["peril_text"]),
            ("Dt sin.", c["loss_text"])]
    if c.get("amount_text"):
        grid.append(("Plafond", c["amount_text"]))
    y = 112
    for label, value in grid:
        p.r(40, y, 70, 18)
        p.r(110, y, 300, 18)
        p.t(44, y + 4, label, 8, "DVB")
        p.t(114, y + 4, value, 9.5)
        y += 18
    p.t(40, y + 14, "Obs. :", 8, "DVB")
    for i, line in enumerate(wrap(c["description"], 90)):
        p.t(80, y + 14 + 12 * i, line, 9)
    return p


def envelope(c: dict) -> Page:
    p = Page()
    letterhead(p)
    p.r(360, 84, 195, 40)
    p.t(366, 90, "SINISTRE N°", 7.5, "DVB")
    p.t(366, 104, c["claim_text"], 12, "DVB")
    p.t(40, 96, f"Code agent {c['code']}", 9)
    y = 150
    for line in (c["person"], c["street"], f"{c['postcode']} {c['city'].upper()}", f"Tél {c['phone']}"):
        p.t(320, y, line, 10)
        y += 14
    p.t(40, 240, "Objet : demande d'intervention", 10, "DVB")
    p.t(40, 262, f"{c['peril_text']} survenu le {c['loss_text']}.", 9.5)
    p.t(40, 276, c["occ_text"] + ", " + c["dwell_text"] + ".", 9.5)
    for i, line in enumerate(wrap(c["description"], 100)):
        p.t(40, 296 + 12 * i, line, 9.5)
    p.t(40, 380, "Merci de prendre contact avec l'assuré(e) et d'intervenir dans les meilleurs délais.", 9.5)
    return p


def letter(c: dict) -> Page:
    p = Page()
    letterhead(p)
    p.t(40, 96, f"Nos réf. : sinistre {c['claim_text']} - code agent {c['code']}", 9)
    p.t(360, 96, f"Chalon, le {c['sent']}", 9)
    body = (f"Madame, Monsieur, nous vous prions de bien vouloir intervenir pour le compte de notre assuré(e) "
            f"{c['person']}, demeurant {c['street']}, {c['postcode']} {c['city']}, que vous pourrez joindre au "
            f"{c['phone']}. {c['occ_text']} d'un(e) {c['dwell_text'].lower()}, l'assuré(e) a subi le {c['loss_text']} un "
            f"{c['peril_text'].lower()}. {c['description']}")
    for i, line in enumerate(wrap(body, 100)):
        p.t(40, 130 + 13 * i, line, 9.5)
    p.t(40, 320, "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.", 9.5)
    p.t(360, 350, AG["agent"], 9.5)
    p.t(360, 363, "Agent général Allianz", 9.5)
    return p


LAYOUTS = {"questionnaire": questionnaire, "abbrev": abbrev, "envelope": envelope, "letter": letter}
OCC = {"PO": "owner_occupier", "PNO": "non_occupying_owner", "LOC": "tenant"}
OCC_TEXT = {"PO": "Propriétaire occupant", "PNO": "Propriétaire non occupant", "LOC": "Locataire"}
DWELL_TEXT = {"house": "Maison", "apartment": "Appartement"}
NOTES = {"glass_breakage": ("Vérifier si expertise", 300),
         "vehicle_impact": ("choc de véhicule si devis entre 300 et 800€ rendre le dossier si devis > 800 € = expertise", 800)}


def case(name, layout, kind, claim_text, claim, code, person, last, phone, e164, street, postcode, city, occ, dwell,
         peril_text, peril, loss_text, loss, description, decision, reasons, repaired=None, cause=None, amount_text="",
         amount=None, limit=None, note=None):
    c = dict(name=name, layout=layout, kind=kind, claim_text=claim_text, code=code, person=person, phone=phone,
             street=street, postcode=postcode, city=city, occ=occ, dwell=dwell, occ_text=OCC_TEXT[occ],
             dwell_text=DWELL_TEXT[dwell], peril_text=peril_text, loss_text=loss_text, description=description,
             repaired=repaired, amount_text=amount_text, sent="01/12/2026")
    expect = {"document_type": "mission_order", "channel": "allianz_agence", "claim_number": claim, "order_number": "0",
              "intermediary_code": code or None, "peril": peril, "insured.last_name": last, "insured.phone": e164,
              "insured.postcode": postcode, "occupancy": OCC[occ], "dwelling": dwell, "loss_date": loss,
              "expertise_on_site": peril in ("glass_breakage", "vehicle_impact", "key_loss"), "decision": decision,
              "reasons": reasons}
    if peril == "water_damage":
        expect["cause_repaired"] = cause
    if peril in NOTES:
        expect["expertise_note"], expect["management_limit_eur"] = NOTES[peril]
    if peril == "key_loss":
        n = limit or 800
        expect["expertise_note"], expect["management_limit_eur"] = f"Limite {n} €TTC", n
    if amount is not None:
        expect["amount_eur"] = amount
    c["expect"] = expect
    return c


CASES = [
    case("q1_questionnaire_bdg", "questionnaire", "pdf", "B 4455 667", "B4455667", "204466", "Mme Claire DUVAL", "DUVAL",
         "06 21 32 43 54", "+33621324354", "14 rue Oberkampf", "75011", "Paris", "LOC", "apartment",
         "Bris de glace", "glass_breakage", "05/11/2026", "2026-11-05",
         "Vitre de la porte-fenêtre du salon brisée, remplacement du double vitrage.", "auto_open", []),
    case("q2_questionnaire_dde_reparee_fax", "questionnaire", "tiff", "B 9988 776", "B9988776", "204466", "M. Rémi FOURNIER",
         "FOURNIER", "05 56 78 90 12", "+33556789012", "8 allée des Pins", "33600", "Pessac", "PO", "house",
         "Dégât des eaux", "water_damage", "22/11/2026", "2026-11-22",
         "Fuite du chauffe-eau réparée par l'assuré, reprise du plafond de la cuisine.", "auto_open", [],
         repaired=True, cause=True),
    case("a1_abbrev_choc", "abbrev", "pdf", "B3344556", "B3344556", "771203", "M. Yannick LE GOFF", "LE GOFF",
         "02 98 11 22 33", "+33298112233", "12 rue de Siam", "29200", "Brest", "PNO", "apartment",
         "Choc véhicule", "vehicle_impact", "18/11/2026", "2026-11-18",
         "Une voiture a heurté la vitrine du rez-de-chaussée, devanture et encadrement à reprendre.", "auto_open", []),
    case("a2_abbrev_cles_sans_code_fax", "abbrev", "tiff", "B1122334", "B1122334", "", "Mme Josiane PICARD", "PICARD",
         "06 58 47 36 25", "+33658473625", "3 rue Carnot", "71100", "Chalon-sur-Saône", "LOC", "apartment",
         "Perte de clés", "key_loss", "29/11/2026", "2026-11-29",
         "Ouverture de porte et remplacement du cylindre.", "manual_review", ["missing_intermediary_code"],
         amount_text="500 € TTC", amount=500.0, limit=500),
    case("e1_envelope_tempete", "envelope", "pdf", "B5566778", "B5566778", "308811", "Mme Nathalie ROBIN", "ROBIN",
         "07 88 99 00 11", "+33788990011", "3 chemin des Vignes", "84000", "Avignon", "PO", "house",
         "Tempête", "storm", "27/11/2026", "2026-11-27",
         "Plusieurs tuiles envolées, bâchage puis remplacement des tuiles.", "auto_open", []),
    case("e2_envelope_rdf_po_maison_fax", "envelope", "tiff", "B6677889", "B6677889", "556612", "M. Gilles TESSIER", "TESSIER",
         "04 74 12 34 56", "+33474123456", "27 route de Lyon", "38200", "Vienne", "PO", "house",
         "Recherche de fuite", "leak_search", "25/11/2026", "2026-11-25",
         "Auréole au plafond de la chambre, origine inconnue : recherche de fuite non destructive.", "manual_review",
         ["leak_search_owner_occupied_house"]),
    case("l1_lettre_incendie", "letter", "pdf", "B2020202", "B2020202", "440017", "M. et Mme Paul et Anne DE SAINT-JUST",
         "DE SAINT-JUST", "06 45 45 45 45", "+33645454545", "5 place du Marché", "71100", "Chalon-sur-Saône", "LOC",
         "apartment", "Incendie", "fire", "28/11/2026", "2026-11-28",
         "Un départ de feu dans la cuisine a noirci les murs et le plafond : nettoyage et remise en état.", "auto_open", []),
    case("l2_lettre_dde_plombier_fax", "letter", "tiff", "B7070707", "B7070707", "440017", "Mme Yvette MASSON", "MASSON",
         "03 85 41 41 41", "+33385414141", "19 rue aux Fèvres", "71100", "Chalon-sur-Saône", "PO", "apartment",
         "Dégât des eaux", "water_damage", "30/11/2026", "2026-11-30",
         "La fuite vient d'une canalisation encastrée ; le plombier interviendra lundi. Parquet du séjour gondolé.",
         "manual_review", ["dde_cause_not_confirmed_repaired"], cause=False),
]


def fax_line(page: int) -> str:
    return f"01/12/2026 10:{14 + page:02d}  FAX +33 {AG['fax'].replace(' ', '')[1:]}  ALLIANZ CHALON  P.{page:03d}/001"


def build(c: dict, rng: random.Random) -> tuple[str, bytes]:
    page = LAYOUTS[c["layout"]](c)
    if c["kind"] == "tiff":
        dpi = (204, 196)
        return "tif", tiff_bytes([to_scan(page, rng, fax_line(1), dpi)], dpi)
    msg = EmailMessage()
    msg["Date"] = format_datetime(datetime(2026, 12, 1, 10, 5, tzinfo=timezone(timedelta(hours=1))))
    msg["Message-ID"] = f"<{c['name']}@forms5-demo.fr>"
    msg["From"] = f"Agence Allianz {AG['name']} <{AG['email']}>"
    msg["To"] = "missions@assistance-habitat-demo.fr"
    msg["Subject"] = "Envoi ODM"
    msg.set_content(f"Bonjour,\n\nCi-joint notre ODM.\n\n{AG['agent']}\nAgence {AG['name']}\n")
    msg.add_attachment(to_pdf([page]), maintype="application", subtype="pdf", filename=f"{c['name']}.pdf")
    msg.set_boundary(f"==forms5-{c['name']}==")
    return "eml", bytes(msg)


def main() -> None:
    for old in HERE.iterdir():
        if old.suffix in (".tif", ".eml") or old.name.endswith((".tif.json", ".eml.json")):
            old.unlink()
    for i, c in enumerate(CASES):
        ext, data = build(c, random.Random(500 + i))
        path = HERE / f"{c['name']}.{ext}"
        path.write_bytes(data)
        path.with_name(path.name + ".json").write_text(json.dumps(c["expect"], indent=1, ensure_ascii=False) + "\n",
                                                      encoding="utf-8")
        print(f"{path.name:45s} {len(data):8d} bytes")


if __name__ == "__main__":
    main()
