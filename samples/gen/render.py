"""Render a Case into the bytes a sender would really send: C2S mail, agency form (PDF or fax), broker mail,
expert firm mail, follow-ups, 05I notices. Every choice comes from the case's own seeded random generator."""
from __future__ import annotations

import hashlib
import random
from datetime import timedelta
from typing import Optional

import forms
import mime
from people import amount_fr, civility_long, date_fr, full_name, phone_fr
from senders import C2S_HANDLERS, C2S_SENDER, FAX_GATEWAY, OUR_BOX, Agency, Broker, ExpertFirm
from texts import DWELLING_SHORT, OCCUPANCY_SHORT, PERIL_LABEL, describe, occupancy_phrase
from truth import Case

Attachment = tuple[Optional[str], str, str]  # filename, content type, sha256


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def loss_date_text(case: Case, rng: random.Random) -> str:
    if case.loss_date is None:
        return ""
    return date_fr(case.loss_date, rng, year=not case.loss_date_no_year)


def repair_date(case: Case) -> str:
    d = (case.loss_date or case.sent.date()) + timedelta(days=1)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def ensure_description(case: Case, rng: random.Random) -> str:
    if case.description is None:
        case.description = describe(case, rng, repair_date(case) if case.sent or case.loss_date else "")
    return case.description


# ---------------------------------------------------------------------------------------------- C2S


def c2s_mail(case: Case, rng: random.Random, html: bool = False, charset: str = "utf-8",
             cte: str = "quoted-printable", occupancy_in_description: bool = False) -> tuple[bytes, list]:
    p = case.insured
    desc = ensure_description(case, rng)
    handler, handler_phone = rng.choice(C2S_HANDLERS)
    occ = "Non renseigné" if occupancy_in_description or not case.occupancy else rng.choice(
        OCCUPANCY_SHORT[case.occupancy][1:2])
    dwe = "Non renseigné" if occupancy_in_description or not case.dwelling else rng.choice(
        DWELLING_SHORT[case.dwelling][0:1])
    if occupancy_in_description:
        desc = f"{desc} {occupancy_phrase(case, rng)}"
        case.description = desc
    rows = [
        ("N° d'ordre de mission", case.order_number),
        ("N° de sinistre", case.claim_written),
        ("Date de l'ordre", case.sent.strftime("%d/%m/%Y")),
        ("Prestataire", "MULTIASSISTANCE"),
        ("Nature du sinistre", rng.choice(PERIL_LABEL[case.peril])),
        ("Date de survenance", loss_date_text(case, rng)),
        ("Civilité", p.civility),
        ("Nom", p.last_name),
        ("Prénom", p.first_name or ""),
        ("Adresse du risque", p.street),
        ("Code postal", p.postcode),
        ("Ville", p.city),
        ("Téléphone", phone_fr(p.phone, rng)),
        ("Email", p.email or ""),
        ("Qualité de l'assuré", occ),
        ("Type d'habitation", dwe),
    ]
    if case.amount:
        rows.append(("Montant estimé", amount_fr(case.amount, rng)))
    case.subject = f"Allianz - Ordre de mission n° {case.order_number} - Sinistre {case.claim_written}"
    case.sender = C2S_SENDER
    footer = (f"Gestionnaire : {handler} - Tél. {handler_phone}\n"
              "Pour le suivi de ce dossier, l'assuré peut joindre la plateforme Allianz au 09.72.72.96.50.\n\n"
              "Ce message a été généré automatiquement par la plateforme C2S Allianz, merci de ne pas y répondre.")
    text = ("Bonjour,\n\nNous vous confions la mission décrite ci-dessous.\n\n"
            + "\n".join(f"{label:<24}: {value}" for label, value in rows)
            + f"\n\nDescription :\n{desc}\n\n{footer}\n")
    if html:
        cells = "".join(f"<tr><td style=\"font-weight:bold\">{label}</td><td>{value}</td></tr>" for label, value in rows)
        body = (f"<html><body><p>Bonjour,</p><p>Nous vous confions la mission décrite ci-dessous.</p>"
                f"<table border=\"1\" cellspacing=\"0\">{cells}</table><p><b>Description :</b><br>{desc}</p>"
                f"<p>{footer.replace(chr(10), '<br>')}</p></body></html>")
        top = mime.multipart("alternative", f"=_c2s_{case.order_number}", [
            mime.text_part(text, "plain", charset, cte), mime.text_part(body, "html", charset, cte)])
    else:
        top = mime.text_part(text, "plain", charset, cte)
    raw = mime.message(top, sender=mime.address("Allianz C2S - Ne pas répondre", C2S_SENDER), to=OUR_BOX,
                       subject=case.subject, date=case.sent, message_id=case.message_id,
                       extra=[("X-Mailer", "C2S-Missionnement 4.2")])
    return raw, []


# ---------------------------------------------------------------------------------------------- agency


def agency_form(case: Case, rng: random.Random, agency: Agency, checkboxes: bool, not_informed: bool) -> dict:
    p = case.insured
    desc = ensure_description(case, rng)
    if not_informed:
        desc = f"{desc} {occupancy_phrase(case, rng)}"
        case.description = desc
    sinistre = [("N° de sinistre", case.claim_written or ""), ("Date du sinistre", loss_date_text(case, rng)),
                ("Nature du sinistre", rng.choice(PERIL_LABEL[case.peril]))]
    if case.peril == "water_damage":
        sinistre.append(("Cause réparée", {True: "Oui", False: "Non", None: "Non renseigné"}[case.cause_repaired]))
    if case.amount:
        sinistre.append(("Montant estimé", amount_fr(case.amount, rng)))
    assure = [("Nom", f"{civility_long(p, rng)} {p.last_name}"), ("Prénom", p.first_name or ""),
              ("Adresse", p.street), ("Code postal / Ville", f"{p.postcode} {p.city}"),
              ("Téléphone", phone_fr(p.phone, rng, rng.choice((0, 1, 2)))), ("Email", p.email or "")]
    if not checkboxes:
        assure.append(("Qualité", "Non renseigné" if not_informed else rng.choice(OCCUPANCY_SHORT[case.occupancy])))
        assure.append(("Type d'habitation", "Non renseigné" if not_informed else rng.choice(DWELLING_SHORT[case.dwelling])))
    place = agency.address.split(" ", 1)[1].split(" ")[-1].title()
    return dict(agency=agency.name, agency_address=agency.address, agency_phone=agency.phone,
                agency_email=agency.email, code=case.code, sections=[("SINISTRE", sinistre), ("ASSURÉ", assure)],
                occupancy_box=None if not_informed else case.occupancy,
                dwelling_box=None if not_informed else case.dwelling,
                description=desc, place_date=f"Fait à {place}, le {case.sent.strftime('%d/%m/%Y') if case.sent else loss_date_text(case, rng)}")


def agency_mail_text(case: Case, rng: random.Random, agency: Agency, what: str) -> str:
    p = case.insured
    greet = rng.choice(["Bonjour,", "Bonjour,", "Madame, Monsieur,", "Bonjour à tous,"])
    intro = rng.choice([f"Veuillez trouver ci-joint {what} concernant notre client {full_name(p, rng, 0).strip()}.",
                        f"Je vous prie de trouver en pièce jointe {what} pour {full_name(p, rng, 0).strip()}.",
                        f"Ci-joint {what}. Merci de prendre contact rapidement avec l'assuré."])
    close = rng.choice(["Cordialement,", "Bien cordialement,", "Merci d'avance,\nCordialement,"])
    sig = f"{agency.agent}\n{agency.name}\n{agency.address}\nTél : {agency.phone}\n{agency.email}"
    if case.code and rng.random() < 0.3:
        sig += f"\nCode agent : {case.code}"
    return f"{greet}\n\n{intro}\n\n{close}\n\n{sig}\n"


def agency_pdf_mail(case: Case, rng: random.Random, agency: Agency, *, acro: bool = False, checkboxes: bool = False,
                    not_informed: bool = False, filename: str = "ODM.pdf", ctype: str = "application/pdf",
                    charset: str = "utf-8", cte: str = "quoted-printable", boundary: str = "") -> tuple[bytes, list]:
    form = agency_form(case, rng, agency, checkboxes, not_informed)
    pdf = forms.render_pdf([forms.agency_layout(form, acro=acro, checkboxes=checkboxes)], title="Ordre de mission")
    shown = case.claim_other or case.claim_written or ""
    case.subject = case.subject or rng.choice([f"ODM {shown} - {case.insured.last_name}",
                                               f"Ordre de mission sinistre {shown}",
                                               f"Mission {rng.choice(PERIL_LABEL[case.peril])} - {case.insured.last_name} - {shown}"])
    case.sender = agency.email
    text = agency_mail_text(case, rng, agency, "l'ordre de mission")
    top = mime.multipart("mixed", boundary or f"----=_Part_{case.file[:20]}",
                         [mime.text_part(text, "plain", charset, cte), mime.binary_part(pdf, ctype, filename)])
    raw = mime.message(top, sender=mime.address(agency.agent.title(), agency.email), to=OUR_BOX,
                       subject=case.subject, date=case.sent, message_id=case.message_id,
                       extra=[("X-Mailer", "Microsoft Outlook 16.0")])
    return raw, [(filename, "application/pdf", sha(pdf))]


def fax_pages(case: Case, rng: random.Random, agency: Agency, pages: int, checkboxes: bool, not_informed: bool,
              when: str) -> list:
    """Scanned pages: an optional cover sheet, then the form."""
    form = agency_form(case, rng, agency, checkboxes, not_informed)
    number = agency.phone.replace(" ", "")
    layouts = []
    if pages >= 2:
        layouts.append(forms.cover_layout(dict(
            agency=agency.name, agency_address=agency.address, agency_phone=agency.phone, **{"from": agency.agent},
            date=when.split(" ")[0], pages=str(pages),
            object=f"ODM - {case.insured.last_name}",
            message="Veuillez trouver ci-après un ordre de mission. Merci de contacter l'assuré dans les meilleurs délais.")))
    layouts.append(forms.agency_layout(form, checkboxes=checkboxes))
    while len(layouts) < pages:  # an extra page: conditions / photos placeholder
        extra = forms.Layout()
        extra.text(40, 60, "ANNEXE - CONDITIONS DE LA MISSION", 13, True)
        for i, line in enumerate(forms.wrap(
                "Le prestataire s'engage à contacter l'assuré sous 24 heures ouvrées, à transmettre son rapport "
                "et ses photos à l'agence, et à ne réaliser aucuns travaux non couverts sans accord préalable. "
                "Toute facture doit mentionner le numéro de sinistre.", 90)):
            extra.text(40, 100 + 15 * i, line, 10)
        layouts.append(extra)
    scans = []
    for i, lay in enumerate(layouts, 1):
        head = f"FAX DU {when}  {agency.name.upper()[:34]}  {number}   P.{i}/{len(layouts)}"
        skew = rng.choice((-1, 1)) * rng.uniform(0.5, 2.0)
        scans.append(forms.render_scan(lay, rng, head, skew=round(skew, 2), speckle=rng.randrange(500, 1500)))
    return scans


def agency_fax_mail(case: Case, rng: random.Random, agency: Agency, pages: int = 1, checkboxes: bool = False,
                    not_informed: bool = False) -> tuple[bytes, list]:
    """A fax line delivered as mail by the fax-to-mail gateway, the TIFF attached."""
    when = case.sent.strftime("%d/%m/%Y %H:%M")
    scans = fax_pages(case, rng, agency, pages, checkboxes, not_informed, when)
    tif = forms.tiff_bytes(scans)
    number = agency.phone.replace(" ", "")
    name = f"FAX_{case.sent.strftime('%Y%m%d_%H%M%S')}_{number}.tif"
    case.subject = f"Fax reçu de {number} ({len(scans)} page{'s' if len(scans) > 1 else ''})"
    case.sender = FAX_GATEWAY
    text = (f"Vous avez reçu une télécopie.\n\nExpéditeur : {number}\nReçue le : {when}\n"
            f"Nombre de pages : {len(scans)}\n\nLe document est joint au format TIFF.\n-- \nPasserelle Fax2Mail\n")
    top = mime.multipart("mixed", f"fax2mail-{case.sent.strftime('%Y%m%d%H%M%S')}",
                         [mime.text_part(text, "plain", "iso-8859-1", "quoted-printable"),
                          mime.binary_part(tif, "image/tiff", name)])
    raw = mime.message(top, sender=mime.address("Fax2Mail", FAX_GATEWAY), to=OUR_BOX, subject=case.subject,
                       date=case.sent, message_id=case.message_id)
    return raw, [(name, "image/tiff", sha(tif))]


def agency_fax_file(case: Case, rng: random.Random, agency: Agency, when: str, fmt: str = "tif", pages: int = 1,
                    checkboxes: bool = False, not_informed: bool = False, dpi=(204, 196)) -> tuple[bytes, list]:
    """A bare fax file as the fax server drops it in a folder (no mail around it)."""
    scans = fax_pages(case, rng, agency, pages, checkboxes, not_informed, when)
    return (forms.tiff_bytes(scans, dpi) if fmt == "tif" else forms.pdf_of_scans(scans, dpi)), []


# ---------------------------------------------------------------------------------------------- broker


def broker_signature(b: Broker, rng: random.Random, with_code: bool) -> str:
    lines = [b.person, b.title, b.firm, b.address, f"Tél. : {b.phone}"]
    if b.mobile:
        lines.append(f"Port. : {b.mobile}")
    lines.append(b.email)
    lines.append(rng.choice([f"ORIAS n° {b.orias} - www.orias.fr", f"N° ORIAS : {b.orias}",
                             f"Immatriculé à l'ORIAS sous le n° {b.orias}"]))
    lines.append(rng.choice([f"SIREN {b.siren}", f"SAS au capital de 10 000 € - RCS {b.siren}",
                             f"SIREN : {b.siren} - Garantie financière et RC pro conformes au Code des assurances"]))
    if with_code:
        lines.append(rng.choice([f"Code courtier Allianz : {b.code}", f"Notre code Allianz : {b.code}"]))
    return "\n".join(lines)


def broker_info(case: Case, rng: random.Random, b: Broker, prose: bool) -> str:
    p = case.insured
    desc = ensure_description(case, rng)
    occ = occupancy_phrase(case, rng)
    when = loss_date_text(case, rng)
    claim = case.claim_written
    if prose:
        return (f"Il s'agit de {full_name(p, rng, 0).strip()}, demeurant {p.street}, {p.postcode} {p.city}, "
                f"joignable au {phone_fr(p.phone, rng)}{' ou par mail ' + p.email if p.email else ''}. "
                f"Le sinistre (réf. Allianz {claim}) est survenu le {when}.\n\n{desc}\n{occ}")
    label = "Sinistre" if claim and claim.startswith("N°") else "N° de sinistre"
    lines = [f"{label} : {claim}" if claim else None,
             f"Assuré : {full_name(p, rng).strip()}", f"Adresse : {p.street} - {p.postcode} {p.city}",
             f"Tél. assuré : {phone_fr(p.phone, rng)}", f"Email : {p.email}" if p.email else None,
             f"Date du sinistre : {when}", f"Nature : {rng.choice(PERIL_LABEL[case.peril])}",
             occ or None, "", f"Circonstances : {desc}"]
    return "\n".join(x for x in lines if x is not None)


def broker_text(case: Case, rng: random.Random, b: Broker, prose: bool, with_code: bool) -> str:
    greet = rng.choice(["Bonjour,", "Madame, Monsieur,", "Bonjour Madame, Monsieur,", "Bonjour à toute l'équipe,"])
    intro = rng.choice(["Merci de bien vouloir missionner un intervenant pour notre client(e) Allianz :",
                        "Nous vous transmettons ci-dessous un ordre de mission pour le compte d'Allianz.",
                        "Je vous remercie d'intervenir chez notre assuré dont vous trouverez les coordonnées ci-après."])
    close = rng.choice(["Vous remerciant par avance,", "Bien cordialement,", "Dans l'attente de votre retour, cordialement,"])
    return f"{greet}\n\n{intro}\n\n{broker_info(case, rng, b, prose)}\n\n{close}\n\n{broker_signature(b, rng, with_code)}\n"


def broker_subject(case: Case, rng: random.Random) -> str:
    claim = case.claim_other or case.claim_written
    name = case.insured.last_name
    label = rng.choice(PERIL_LABEL[case.peril])
    if not claim:
        return f"Ordre de mission - {label} - {name}"
    return rng.choice([f"Sinistre {claim} - {label} - {name}", f"ODM Allianz / {name} / {claim}",
                       f"Mission {label} - Sin. {claim}", f"{name} - sinistre {claim}"])


def broker_mail(case: Case, rng: random.Random, b: Broker, *, variant: str = "plain", prose: bool = False,
                charset: str = "utf-8", cte: str = "quoted-printable") -> tuple[bytes, list]:
    with_code = bool(case.code)
    case.subject = case.subject or broker_subject(case, rng)
    case.sender = b.email
    text = broker_text(case, rng, b, prose, with_code)
    attachments: list = []
    boundary = f"_000_{case.file.replace('.', '')[:24]}_"
    if variant == "html":
        html = text.replace("&", "&amp;").replace("<", "&lt;")
        rows = "".join(f"<tr><td><b>{line.split(' : ', 1)[0]}</b></td><td>{line.split(' : ', 1)[1]}</td></tr>"
                       if " : " in line else f"<tr><td colspan=\"2\">{line}</td></tr>"
                       for line in broker_info(case, random.Random(7), b, False).split("\n") if line)
        sig = broker_signature(b, rng, with_code).replace("\n", "<br>\n")
        html = (f"<html><head><meta charset=\"{charset}\"><style>td{{font-family:Calibri}}</style></head><body>"
                f"<p>Bonjour,</p><p>Merci de prendre en charge la mission suivante :</p>"
                f"<table border=\"1\" cellpadding=\"3\">{rows}</table><p>Cordialement,</p>"
                f"<p style=\"color:#1F497D\">{sig}</p></body></html>")
        top = mime.text_part(html, "html", charset, cte)
    elif variant == "pdf":
        letter = forms.Layout()
        letter.text(40, 40, b.firm, 14, True)
        letter.text(40, 58, b.address, 9)
        letter.text(40, 70, f"Tél. {b.phone} - {b.email} - ORIAS {b.orias}", 8)
        letter.text(40, 110, "ORDRE DE MISSION - ASSISTANCE HABITATION", 13, True)
        letter.text(40, 128, "Compagnie : ALLIANZ IARD", 10)
        if with_code:
            letter.text(330, 128, f"Code courtier : {b.code}", 10, True)
        y = 160
        for line in broker_info(case, rng, b, False).split("\n"):
            for piece in forms.wrap(line, 95) or [""]:
                letter.text(40, y, piece, 10)
                y += 15
        letter.text(40, y + 30, f"{b.person} - {b.title}", 9)
        pdf = forms.render_pdf([letter], title="Ordre de mission")
        name = rng.choice([f"ODM_{case.insured.last_name.replace(' ', '_')}.PDF", "Ordre de mission.pdf", "odm"])
        ctype = "application/octet-stream" if name == "odm" else "application/pdf"
        body = (f"{rng.choice(['Bonjour,', 'Madame, Monsieur,'])}\n\nVeuillez trouver ci-joint notre ordre de mission "
                f"concernant {full_name(case.insured, rng, 0).strip()}.\n\nCordialement,\n\n"
                f"{broker_signature(b, rng, False)}\n")
        top = mime.multipart("mixed", boundary, [mime.text_part(body, "plain", charset, cte),
                                                 mime.binary_part(pdf, ctype, name)])
        attachments.append((name, "application/pdf", sha(pdf)))
    else:
        top = mime.text_part(text, "plain", charset, cte)
    raw = mime.message(top, sender=mime.address(b.person.title(), b.email, charset), to=OUR_BOX,
                       subject=case.subject, date=case.sent, message_id=case.message_id, charset=charset)
    return raw, attachments


def forwarded_broker_mail(case: Case, rng: random.Random, b: Broker, as_attachment: bool,
                          original_sent, original_id: str) -> tuple[bytes, list]:
    """A colleague forwards the broker's order: quoted inline ("TR:") or as a message/rfc822 attachment."""
    subject = broker_subject(case, rng)
    inner_case = Case(file=case.file, kind="order", channel=case.channel, claim_written=case.claim_written,
                      peril=case.peril, insured=case.insured, occupancy=case.occupancy, dwelling=case.dwelling,
                      loss_date=case.loss_date, loss_date_no_year=case.loss_date_no_year, amount=case.amount,
                      cause_repaired=case.cause_repaired, key_limit=case.key_limit, leak_repair=case.leak_repair,
                      aesthetic=case.aesthetic, code=case.code, sent=original_sent, subject=subject,
                      message_id=original_id, description=case.description)
    original, _ = broker_mail(inner_case, rng, b)
    case.description = inner_case.description
    colleague = "accueil@" + b.email.split("@")[1]
    case.sender = colleague
    case.subject = ("TR: " if not as_attachment else "Fwd: ") + subject
    if as_attachment:
        body = "Bonjour,\n\nJe vous transfère la demande de ma collègue, en pièce jointe.\n\nCordialement,\nL'accueil\n"
        top = mime.multipart("mixed", f"fwd-{original_id[1:12]}", [mime.text_part(body, "plain"),
                                                                  mime.rfc822_part(original, "ODM.eml")])
        attachments = [("ODM.eml", "message/rfc822", sha(original))]
    else:
        inner_text = broker_text(inner_case, random.Random(case.file), b, False, bool(case.code))
        case.description = inner_case.description
        body = (f"Bonjour,\n\nPour traitement, merci.\n\nL'accueil\n{b.firm}\n\n"
                f"-------- Message transféré --------\nDe : {b.person} <{b.email}>\n"
                f"Envoyé : {original_sent.strftime('%d/%m/%Y %H:%M')}\nÀ : accueil@{b.email.split('@')[1]}\n"
                f"Objet : {subject}\n\n{inner_text}")
        top = mime.text_part(body, "plain", "windows-1252", "quoted-printable")
        attachments = []
    raw = mime.message(top, sender=mime.address("Accueil " + b.firm, colleague), to=OUR_BOX,
                       subject=case.subject, date=case.sent, message_id=case.message_id, charset="windows-1252")
    return raw, attachments


# ---------------------------------------------------------------------------------------------- CS2I


def cs2i_mail(case: Case, rng: random.Random, firm: ExpertFirm) -> tuple[bytes, list]:
    p = case.insured
    desc = ensure_description(case, rng)
    ref = f"EXP-{case.file[:3].upper()}{rng.randrange(1000, 9999)}"
    case.subject = f"Dossier Allianz n° {case.claim_written} - {p.last_name} - Notre réf. {ref}"
    case.sender = firm.email
    order = f"N° d'ordre : {case.order_number}\n" if case.order_number else ""
    text = (f"Madame, Monsieur,\n\nMissionnés par ALLIANZ IARD pour le sinistre référencé en objet, nous vous "
            f"demandons d'intervenir chez l'assuré.\n\nN° de sinistre Allianz : {case.claim_written}\n{order}"
            f"Notre référence : {ref}\nAssuré : {full_name(p, rng, 0).strip()}\nAdresse : {p.street}, {p.postcode} {p.city}\n"
            f"Téléphone de l'assuré : {phone_fr(p.phone, rng)}\n{'E-mail : ' + p.email + chr(10) if p.email else ''}Date du sinistre : {loss_date_text(case, rng)}\n"
            f"{occupancy_phrase(case, rng)}\n\nConstatations / travaux demandés : {desc}\n\n"
            f"Merci de nous adresser votre devis avant tout commencement de travaux.\n\n"
            f"{firm.expert}\nExpert IARD - {firm.firm}\n{firm.address}\nTél. {firm.phone}\n")
    top = mime.text_part(text, "plain", "iso-8859-1", rng.choice(["quoted-printable", "8bit"]))
    raw = mime.message(top, sender=mime.address(firm.expert.title(), firm.email, "iso-8859-1"), to=OUR_BOX,
                       subject=case.subject, date=case.sent, message_id=case.message_id, charset="iso-8859-1")
    return raw, []
