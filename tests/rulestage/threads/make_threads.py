"""Writes the thread folders (messages + expected.json) used by tests/rulestage/test_threads.py.

Why a script: the agency forms are PDFs and the faxes scanned images; generating them keeps
the folders reproducible. Expectations were written from DOMAIN.md before running the product.
Run: .venv/bin/python tests/rulestage/threads/make_threads.py
"""
from __future__ import annotations

import hashlib
import io
import json
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone, timedelta
from pathlib import Path

import pypdfium2
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

HERE = Path(__file__).parent
TZ = timezone(timedelta(hours=1))
US = "ouverture@multiassistance-demo.fr"


def agency_form(claim: str, code: str | None, rows: list[tuple[str, str]], description: str) -> bytes:
    """An agency ODM form as a text PDF (label | value rows)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    y = 800
    c.setFont("Helvetica-Bold", 14)
    c.drawString(40, y, "ALLIANZ")
    c.drawString(250, y, "ORDRE DE MISSION - PRESTATAIRE")
    c.setFont("Helvetica", 10)
    y -= 40
    c.drawString(40, y, "Agence : Allianz Agence Lemoine - 12 place du Marché 45000 ORLEANS")
    c.drawString(430, y, "Code agent")
    y -= 16
    c.drawString(40, y, "Tél. agence : 02 38 54 11 20")
    if code:
        c.setFont("Helvetica-Bold", 11)
        c.drawString(440, y, code)
        c.setFont("Helvetica", 10)
    y -= 30
    c.setFont("Helvetica-Bold", 11)
    c.drawString(40, y, "SINISTRE")
    c.setFont("Helvetica", 10)
    for label, value in [("N° de sinistre", claim)] + rows:
        y -= 22
        if label == "ASSURÉ":
            c.setFont("Helvetica-Bold", 11)
            c.drawString(40, y, "ASSURÉ")
            c.setFont("Helvetica", 10)
            continue
        c.drawString(40, y, label)
        c.drawString(250, y, value)
    y -= 36
    c.setFont("Helvetica-Bold", 11)
    c.drawString(40, y, "DESCRIPTION DE LA MISSION / OBSERVATIONS")
    c.setFont("Helvetica", 10)
    words, line = description.split(), ""
    for w in words:
        if len(line) + len(w) > 95:
            y -= 15
            c.drawString(40, y, line)
            line = ""
        line += w + " "
    y -= 15
    c.drawString(40, y, line)
    c.drawString(40, 120, "Fait à Orléans, le 10/03/2026")
    c.drawString(380, 120, "Cachet et signature de l'agence")
    c.save()
    return buf.getvalue()


def scan(pdf: bytes, fmt: str) -> bytes:
    """The form as a fax: a 1-bit 200 dpi image (TIFF G4 or an image-only PDF)."""
    page = pypdfium2.PdfDocument(pdf)[0]
    img = page.render(scale=200 / 72).to_pil().convert("L").point(lambda v: 255 if v > 160 else 0).convert("1")
    out = io.BytesIO()
    if fmt == "tif":
        img.save(out, format="TIFF", compression="group4", dpi=(200, 200))
    else:
        img.save(out, format="PDF", resolution=200)
    return out.getvalue()


def mail(sender: str, subject: str, when: datetime, body: str, attachments=(), headers=None) -> bytes:
    m = EmailMessage()
    m["From"] = sender
    m["To"] = US
    m["Subject"] = subject
    m["Date"] = format_datetime(when)
    m["Message-ID"] = f"<{hashlib.sha1((subject + when.isoformat()).encode()).hexdigest()[:16]}@threads.test>"
    for k, v in (headers or {}).items():
        m[k] = v
    m.set_content(body)
    for name, ctype, data in attachments:
        main, sub = ctype.split("/")
        m.add_attachment(data, maintype=main, subtype=sub, filename=name)
    if m.is_multipart():
        m.set_boundary("=_threads_" + hashlib.sha1(m["Message-ID"].encode()).hexdigest()[:12])  # reproducible files
    return m.as_bytes()


def photo(seed: int) -> bytes:
    """A small 'photo' (colour blocks, no text)."""
    img = Image.new("RGB", (320, 240), (120 + seed * 20, 90, 60))
    for i in range(6):
        img.paste((30 * i, 200 - 20 * i, 100 + seed), (i * 50, 40 + i * 20, i * 50 + 60, 120 + i * 20))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=70)
    return out.getvalue()


def exp(doc, channel, claim, decision, reasons, expertise, same=None):
    return {"document_type": doc, "channel": channel, "claim_number": claim, "decision": decision,
            "reasons": sorted(reasons), "expertise_on_site": expertise, "same_dossier_as": same}


def d(day, h, mi=0):
    return datetime(2026, 3, day, h, mi, tzinfo=TZ)


AGENT = '"Sophie Lemoine" <agence.lemoine@allianz-demo.fr>'
BROKER = '"Paul Garnier" <p.garnier@garnier-assurances-demo.fr>'
SIGN_B = "\n\nPaul GARNIER\nCabinet Garnier Assurances\n3 rue de la Paix 44000 NANTES\nTél. : 02 40 12 34 56\nORIAS n° 12 345 678\n"
C2S = '"Allianz C2S - Ne pas répondre" <ne-pas-repondre.c2s@allianz-demo.fr>'
INSURED_A = [("ASSURÉ", ""), ("Nom", "M. ROUSSEL"), ("Prénom", "Julien"), ("Adresse", "8 rue des Lilas"),
             ("Code postal / Ville", "45100 ORLEANS"), ("Téléphone", "06 12 45 78 90"), ("Qualité", "LOC"),
             ("Type d'habitation", "appartement")]


def folder(name: str, files: dict[str, bytes], expected: dict[str, dict], mtimes: dict[str, str] | None = None):
    path = HERE / name
    path.mkdir(exist_ok=True)
    for fname, data in files.items():
        (path / fname).write_bytes(data)
    (path / "expected.json").write_text(json.dumps({"mtimes": mtimes or {}, "messages": expected},
                                                   ensure_ascii=False, indent=1) + "\n")


def main() -> None:
    # a: agency order by mail, then the same order by fax (a bare image PDF, later); a read receipt quoting it.
    glass = agency_form("B1234567", "0452210", [("Date du sinistre", "02.03.2026"), ("Nature du sinistre", "Bris de glace"),
                        ("Montant estimé", "420,00 € TTC")] + INSURED_A,
                        "Bris de glace : baie vitrée du séjour fêlée suite à un choc. Remplacement du double vitrage. Devis 420 euros TTC.")
    glass_fax = agency_form("B 123 4567", "0452210", [("Date du sinistre", "02.03.2026"), ("Nature du sinistre", "Bris de glace"),
                            ("Montant estimé", "420,00 € TTC")] + INSURED_A,
                            "Bris de glace : baie vitrée du séjour fêlée suite à un choc. Remplacement du double vitrage. Devis 420 euros TTC.")
    folder("a_agence_mail_puis_fax", {
        "01_odm_mail.eml": mail(AGENT, "ODM N°B1234567 - ROUSSEL", d(10, 9), "Bonjour,\n\nVeuillez trouver ci-joint l'ordre de mission pour M. Julien ROUSSEL.\n\nCordialement,\nSophie LEMOINE\nAllianz Agence Lemoine\n",
                                [("ODM.pdf", "application/pdf", glass)]),
        "02_fax_0238541120.pdf": scan(glass_fax, "pdf"),
        "03_accuse_lecture.eml": mail('"Sophie Lemoine" <agence.lemoine@allianz-demo.fr>', "Lu : ODM N°B1234567 - ROUSSEL", d(10, 15),
                                      "Votre message\n\n  À : ouverture@multiassistance-demo.fr\n  Objet : ODM N°B1234567 - ROUSSEL\n\na été lu le 10/03/2026 15:00.\n",
                                      headers={"Auto-Submitted": "auto-replied"}),
    }, {
        "01_odm_mail.eml": exp("mission_order", "allianz_agence", "B1234567", "auto_open", [], True),
        "02_fax_0238541120.pdf": exp("mission_order", "allianz_agence", "B1234567", "attach", ["duplicate"], True, "01_odm_mail.eml"),
        "03_accuse_lecture.eml": exp("other", "unknown", None, "ignore", ["not_mission_order"], False),
    }, {"02_fax_0238541120.pdf": "2026-03-10T13:30:00+01:00"})

    # b: the fax first (bare TIFF), then the mail copy; then the agency's reply with the quote (follow-up).
    dde_rows = [("Date du sinistre", "01.03.2026"), ("Nature du sinistre", "DDE"), ("Cause réparée", "Oui"),
                ("Montant estimé", "900,00 € TTC")] + INSURED_A
    dde_desc = ("Dégât des eaux : fuite sur le raccord du lave-linge, réparée par le plombier le 02/03/2026. "
                "Plafond de la cuisine taché, remise en peinture à prévoir.")
    folder("b_fax_puis_mail", {
        "01_fax_20260310_0800.tif": scan(agency_form("B 765 4321", "0452210", dde_rows, dde_desc), "tif"),
        "02_odm_mail.eml": mail(AGENT, "ODM N°B7654321 - ROUSSEL (envoyé aussi par fax)", d(10, 11),
                                "Bonjour,\n\nCi-joint l'ordre de mission déjà transmis ce matin par fax.\n\nCordialement,\nSophie LEMOINE\n",
                                [("ODM_B7654321.pdf", "application/pdf", agency_form("B7654321", "0452210", dde_rows, dde_desc))]),
        "03_re_devis.eml": mail(AGENT, "RE: ODM N°B7654321 - ROUSSEL", d(12, 10),
                                "Bonjour,\n\nSuite à votre demande, l'assuré nous a transmis le devis de son peintre, ci-joint.\n\nCordialement,\nSophie LEMOINE\n\n-----Message d'origine-----\nObjet : ODM N°B7654321 - ROUSSEL\n",
                                [("devis.jpg", "image/jpeg", photo(1))],
                                headers={"In-Reply-To": "<x@multiassistance-demo.fr>"}),
    }, {
        "01_fax_20260310_0800.tif": exp("mission_order", "allianz_agence", "B7654321", "auto_open", [], False),
        "02_odm_mail.eml": exp("mission_order", "allianz_agence", "B7654321", "attach", ["duplicate"], False, "01_fax_20260310_0800.tif"),
        "03_re_devis.eml": exp("follow_up", "allianz_agence", "B7654321", "attach", ["follow_up"], False, "01_fax_20260310_0800.tif"),
    }, {"01_fax_20260310_0800.tif": "2026-03-10T08:00:00+01:00"})

    # c: broker order, "RE:" with photos, "Relance", and the broker's out-of-office quoting the claim.
    order_c = ("Madame, Monsieur,\n\nMerci d'intervenir chez notre assurée.\n\nSinistre : N°C0045123\nAssurée : Madame Claire FONTAINE\n"
               "Adresse : 22 avenue Jean Jaurès - 44100 NANTES\nTél. assurée : 06 98 76 54 32\nDate du sinistre : 04/03/2026\n"
               "Nature : Dégât des eaux\nL'assurée est locataire de son appartement.\n\nCirconstances : fuite du ballon d'eau chaude, "
               "la cause a été réparée par le chauffagiste le 05/03/2026. Peintures du couloir à reprendre.\n\nCode courtier Allianz : GA4410" + SIGN_B)
    folder("c_courtier_suivi", {
        "01_odm.eml": mail(BROKER, "Mission DEGAT DES EAUX - Sin. N°C0045123 - FONTAINE", d(11, 9), order_c),
        "02_re_photos.eml": mail(BROKER, "RE: Mission DEGAT DES EAUX - Sin. N°C0045123 - FONTAINE", d(11, 16),
                                 "Bonjour,\n\nVous trouverez ci-joint les photos des dommages transmises par l'assurée.\n\nBien à vous," + SIGN_B +
                                 "\n> Mission DEGAT DES EAUX - Sin. N°C0045123\n",
                                 [("photo1.jpg", "image/jpeg", photo(2)), ("photo2.jpg", "image/jpeg", photo(3))]),
        "03_relance.eml": mail(BROKER, "Relance - Sin. N°C0045123 - FONTAINE", d(18, 10),
                               "Bonjour,\n\nSauf erreur de notre part, l'assurée n'a pas encore été contactée pour ce dossier. "
                               "Pourriez-vous nous indiquer la date d'intervention ?\n\nMerci," + SIGN_B),
        "04_absence.eml": mail(BROKER, "Réponse automatique : Mission DEGAT DES EAUX - Sin. N°C0045123", d(18, 11),
                               "Bonjour,\n\nJe suis absent du bureau jusqu'au 25/03/2026 inclus. Pour toute urgence concernant le sinistre "
                               "C0045123, merci de contacter le cabinet au 02 40 12 34 50.\n\nPaul GARNIER\n",
                               headers={"Auto-Submitted": "auto-replied"}),
    }, {
        "01_odm.eml": exp("mission_order", "allianz_courtage", "C0045123", "auto_open", [], False),
        "02_re_photos.eml": exp("follow_up", "allianz_courtage", "C0045123", "attach", ["follow_up"], False, "01_odm.eml"),
        "03_relance.eml": exp("follow_up", "allianz_courtage", "C0045123", "attach", ["follow_up"], False, "01_odm.eml"),
        "04_absence.eml": exp("other", "unknown", None, "ignore", ["not_mission_order"], False),
    })

    # d: C2S order (vehicle impact), its 05I notice for the same claim, an expert firm (CS2I) about the same claim.
    c2s = ("Bonjour,\n\nNous vous confions la mission décrite ci-dessous.\n\nN° d'ordre de mission   : 88150001\n"
           "N° de sinistre          : S268700001\nDate de l'ordre         : 12/03/2026\nPrestataire             : MULTIASSISTANCE\n"
           "Nature du sinistre      : Choc de véhicule\nDate de survenance      : 09.03.2026\nCivilité                : M.\n"
           "Nom                     : PERRIN\nPrénom                  : Marc\nAdresse du risque       : 5 rue Pasteur\n"
           "Code postal             : 37000\nVille                   : TOURS\nTéléphone               : 0677889900\n"
           "Qualité de l'assuré     : Propriétaire occupant\nType d'habitation       : Maison individuelle\nMontant estimé          : 650,00 €\n\n"
           "Description :\nUne camionnette a percuté le muret et le portail de la maison en reculant. Devis estimé 650 € TTC.\n\n"
           "Gestionnaire : Mme Anne COLIN - Tél. 02 99 86 51 00\nPour le suivi de ce dossier, l'assuré peut joindre la plateforme Allianz au 09.72.72.96.50.\n\n"
           "Ce message a été généré automatiquement par la plateforme C2S Allianz, merci de ne pas y répondre.\n")
    folder("d_c2s_05i_cs2i", {
        "01_c2s.eml": mail(C2S, "Allianz - Ordre de mission n° 88150001 - Sinistre S268700001", d(12, 8), c2s),
        "02_05i.eml": mail(C2S, "GESTION INTEGRALE BEB - Ouverture automatique dossier 05I - Sinistre S268700001", d(12, 8, 5),
                           "Bonjour,\n\nUn dossier de type 05I (GESTION INTEGRALE BEB) a été ouvert automatiquement pour le sinistre n° S268700001.\n"
                           "Assuré : PERRIN\n\nCe dossier est géré par la plateforme. Aucune action n'est attendue de votre part.\n\n"
                           "Ce message a été généré automatiquement, merci de ne pas y répondre.\n"),
        "03_cs2i.eml": mail('"Hélène Roche" <tours@polyexpert-demo.fr>', "Dossier Allianz n° S268700001 - PERRIN - Notre réf. EXP-CS30112", d(16, 14),
                            "Madame, Monsieur,\n\nMissionnés par ALLIANZ IARD pour le sinistre référencé en objet, nous vous demandons de reprendre "
                            "le portail endommagé chez l'assuré.\n\nN° de sinistre Allianz : S268700001\nN° d'ordre : M2603301\n"
                            "Notre référence : EXP-CS30112\nAssuré : M. Marc PERRIN\nAdresse : 5 rue Pasteur, 37000 TOURS\n"
                            "Téléphone de l'assuré : 06 77 88 99 00\nDate du sinistre : 09/03/26\n\nConstatations / travaux demandés : "
                            "choc de véhicule contre le portail et le muret de clôture, remplacement du vantail gauche.\n\n"
                            "Merci de nous adresser votre devis avant tout commencement de travaux.\n\nHélène ROCHE\nExpert IARD - Cabinet Polyexpert Centre\n"
                            "4 rue Nationale 37000 TOURS\nTél. 02 47 05 66 10\n"),
    }, {
        "01_c2s.eml": exp("mission_order", "allianz_c2s", "S268700001", "auto_open", [], True),
        "02_05i.eml": exp("other", "allianz_c2s", "S268700001", "ignore", ["gestion_integrale_05i"], False),
        "03_cs2i.eml": exp("mission_order", "allianz_cs2i", "S268700001", "manual_review", ["cs2i_allianz_team"], True, "01_c2s.eml"),
    })

    # e: agency order without agent code (review), its corrected resend (duplicate), the agency's out-of-office.
    keys_rows = [("Date du sinistre", "08.03.2026"), ("Nature du sinistre", "Vol de clés"), ("Montant estimé", "500,00 € TTC")] + INSURED_A
    keys_desc = "Vol des clés de l'assuré dans la rue. Remplacement du cylindre de la porte d'entrée. Limite 500 €TTC."
    folder("e_revue_puis_renvoi", {
        "01_odm_sans_code.eml": mail(AGENT, "ODM N°B2345678 - ROUSSEL", d(13, 9), "Bonjour,\n\nCi-joint l'ordre de mission.\n\nSophie LEMOINE\n",
                                     [("ODM.pdf", "application/pdf", agency_form("B2345678", None, keys_rows, keys_desc))]),
        "02_renvoi_corrige.eml": mail(AGENT, "ODM N°B2345678 - ROUSSEL - renvoi avec le code agent", d(13, 14),
                                      "Bonjour,\n\nVoici l'ordre de mission corrigé : le code agent manquait.\n\nSophie LEMOINE\n",
                                      [("ODM_corrige.pdf", "application/pdf", agency_form("B2345678", "0452210", keys_rows, keys_desc))]),
        "03_absence_agence.eml": mail(AGENT, "Réponse automatique : ODM sinistre B2345678", d(14, 9),
                                      "Bonjour,\n\nL'agence est fermée jusqu'au lundi 16 mars. Votre message concernant le sinistre B2345678 "
                                      "sera traité à notre retour.\n\nAllianz Agence Lemoine\n",
                                      headers={"Auto-Submitted": "auto-replied"}),
    }, {
        "01_odm_sans_code.eml": exp("mission_order", "allianz_agence", "B2345678", "manual_review", ["missing_intermediary_code"], True),
        "02_renvoi_corrige.eml": exp("mission_order", "allianz_agence", "B2345678", "attach", ["duplicate"], True, "01_odm_sans_code.eml"),
        "03_absence_agence.eml": exp("other", "unknown", None, "ignore", ["not_mission_order"], False),
    })

    # f: two broker orders (glass, water damage) each with a resend or reminder, a newsletter between them.
    glass_c = ("Bonjour,\n\nNous vous missionnons pour le sinistre suivant.\n\nN° de sinistre : C 007 8123\nAssuré : M. Hugo BLANC\n"
               "Adresse : 4 impasse des Tilleuls 44300 NANTES\nTél. : 07 11 22 33 44\nDate du sinistre : 06/03/2026\n"
               "Nature : Bris de glace - fenêtre de la chambre brisée par un ballon. Devis 380 € TTC.\nM. BLANC est propriétaire occupant de sa maison." + SIGN_B)
    dde_c = ("Bonjour,\n\nMerci d'intervenir pour notre assurée.\n\nSinistre n° C0078124\nAssurée : Mme Léa MARCHAND\n"
             "Adresse : 9 rue Crébillon 44000 NANTES\nTél. : 06 55 44 33 22\nDate du sinistre : 10/03/2026\nNature : Dégât des eaux\n"
             "Locataire, appartement. Fuite sous l'évier de la cuisine, la cause a été réparée le 11/03/2026. Peinture du mur à refaire." + SIGN_B)
    folder("f_courtier_renvoi_relance", {
        "01_bdg.eml": mail(BROKER, "Mission bris de glace - Sin. C 007 8123 - BLANC", d(16, 9), glass_c),
        "02_bdg_renvoi.eml": mail(BROKER, "TR: Mission bris de glace - Sin. C0078123 - BLANC", d(16, 17),
                                  "Bonjour,\n\nJe vous renvoie notre mission de ce matin.\n\n-----Message d'origine-----\n" + glass_c.replace("C 007 8123", "C0078123")),
        "03_newsletter.eml": mail('"Garnier Assurances" <newsletter@garnier-assurances-demo.fr>', "La lettre d'information de mars", d(17, 7),
                                  "Découvrez nos nouvelles offres habitation et auto du printemps.\nPour vous désabonner, cliquez ici.\n",
                                  headers={"List-Unsubscribe": "<mailto:unsubscribe@garnier-assurances-demo.fr>"}),
        "04_dde.eml": mail(BROKER, "Mission DDE - Sin. n° C0078124 - MARCHAND", d(17, 10), dde_c),
        "05_relance_dde.eml": mail(BROKER, "Relance : Sin. n° C0078124 - MARCHAND", d(20, 10),
                                   "Bonjour,\n\nPouvez-vous nous confirmer la prise en charge de ce dossier ? L'assurée attend votre appel.\n\nCordialement," + SIGN_B),
    }, {
        "01_bdg.eml": exp("mission_order", "allianz_courtage", "C0078123", "auto_open", [], True),
        "02_bdg_renvoi.eml": exp("mission_order", "allianz_courtage", "C0078123", "attach", ["duplicate"], True, "01_bdg.eml"),
        "03_newsletter.eml": exp("other", "unknown", None, "ignore", ["not_mission_order"], False),
        "04_dde.eml": exp("mission_order", "allianz_courtage", "C0078124", "auto_open", [], False),
        "05_relance_dde.eml": exp("follow_up", "allianz_courtage", "C0078124", "attach", ["follow_up"], False, "04_dde.eml"),
    })


    # g: arrival order is the Date header, not the file name: the mail copy (09:00) opens, the fax-to-mail gateway
    # copy (10:30, claim written "b-3456789") is the duplicate; the insured's photos and a reminder follow.
    glass_g = [("Date du sinistre", "11.03.2026"), ("Nature du sinistre", "Bris de glace"), ("Montant estimé", "260,00 € TTC")] + INSURED_A
    desc_g = "Bris de glace : vitre de la porte-fenêtre de la cuisine brisée par la grêle. Remplacement du vitrage. Devis 260 euros TTC."
    fax_note = ("Vous avez reçu une télécopie.\n\nExpéditeur : 0238541120\nReçue le : 12/03/2026 10:30\nNombre de pages : 1\n\n"
                "Le document est joint au format TIFF.\n-- \nPasserelle Fax2Mail\n")
    folder("g_ordre_arrivee_passerelle_fax", {
        "01_fax2mail.eml": mail('"Fax2Mail" <fax2mail@fax.multiassistance-demo.fr>', "Fax reçu de 0238541120 (1 page)", d(12, 10, 30), fax_note,
                                [("FAX_20260312_103000.tif", "image/tiff", scan(agency_form("b-3456789", "0452210", glass_g, desc_g), "tif"))]),
        "02_odm_mail.eml": mail(AGENT, "ODM N°B3456789 - ROUSSEL", d(12, 9), "Bonjour,\n\nCi-joint l'ordre de mission, envoyé aussi par fax.\n\nSophie LEMOINE\n",
                                [("ODM.pdf", "application/pdf", agency_form("B3456789", "0452210", glass_g, desc_g))]),
        "03_photos_assure.eml": mail('"Julien Roussel" <julien.roussel45@orange.fr>', "photos vitre cassée - sinistre B3456789", d(13, 19),
                                     "Bonjour,\n\nVoici les photos de la vitre cassée comme demandé par mon agence.\n\nJulien Roussel\n06 12 45 78 90\n",
                                     [("IMG_2231.jpg", "image/jpeg", photo(4))]),
        "04_relance.eml": mail(AGENT, "Relance ODM N°B3456789 - ROUSSEL", d(19, 9),
                               "Bonjour,\n\nNotre assuré n'a toujours pas de date d'intervention pour le remplacement de sa vitre. Merci de le recontacter.\n\nSophie LEMOINE\n"),
    }, {
        "01_fax2mail.eml": exp("mission_order", "allianz_agence", "B3456789", "attach", ["duplicate"], True, "02_odm_mail.eml"),
        "02_odm_mail.eml": exp("mission_order", "allianz_agence", "B3456789", "auto_open", [], True),
        "03_photos_assure.eml": exp("follow_up", "unknown", "B3456789", "attach", ["follow_up"], False, "02_odm_mail.eml"),
        "04_relance.eml": exp("follow_up", "allianz_agence", "B3456789", "attach", ["follow_up"], False, "02_odm_mail.eml"),
    })

if __name__ == "__main__":
    main()
