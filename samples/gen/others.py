"""Messages that are not new orders: follow-ups, 05I platform notices, and the noise of a general mailbox."""
from __future__ import annotations

import io
import random
from email.utils import format_datetime

from PIL import Image, ImageDraw

import forms
import mime
from people import full_name
from render import sha
from senders import C2S_SENDER, OUR_BOX
from truth import Case


def photo_jpeg(rng: random.Random, label: str) -> bytes:
    """A small 'phone photo' of a stained ceiling: enough to be an image attachment, deterministic."""
    img = Image.new("RGB", (320, 240), (rng.randrange(200, 240),) * 3)
    d = ImageDraw.Draw(img)
    for _ in range(6):
        x, y, r = rng.randrange(320), rng.randrange(240), rng.randrange(15, 60)
        d.ellipse([x - r, y - r, x + r, y + r], fill=(150 + rng.randrange(40), 120 + rng.randrange(40), 80))
    d.text((8, 220), label, fill=(0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=70)
    return buf.getvalue()


def quote_pdf(case: Case, rng: random.Random, amount_text: str) -> bytes:
    lay = forms.Layout()
    lay.text(40, 40, "PLOMBERIE CHAUFFAGE GIRAUD SARL", 13, True)
    lay.text(40, 58, "7 rue des Artisans - SIRET 482 115 903 00027 - Tél. 04 75 22 18 06", 8)
    lay.text(40, 100, f"DEVIS N° D{rng.randrange(2026000, 2026999)}", 12, True)
    lay.text(40, 120, f"Client : {full_name(case.insured, rng, 0).strip()} - Réf. sinistre {case.claim_written}", 10)
    lay.text(40, 150, "Remplacement flexible et robinet d'arrêt, main d'oeuvre et déplacement", 10)
    lay.text(40, 175, f"Total TTC : {amount_text}", 11, True)
    return forms.render_pdf([lay], title="Devis")


def follow_up_mail(case: Case, rng: random.Random, variant: str, sender: str, sender_name: str,
                   signature: str, original_subject: str = "", original_id: str = "") -> tuple[bytes, list]:
    """variant: reply (RE: with the original quoted), reminder (relance), photos, quote."""
    claim = case.claim_written
    name = case.insured.last_name if case.insured else ""
    attachments: list = []
    extra = []
    if original_id:
        extra = [("In-Reply-To", original_id), ("References", original_id)]
    if variant == "reply":
        case.subject = f"RE: {original_subject}"
        ask = rng.choice(["Avez-vous pu joindre l'assuré ? Merci de nous tenir informés de la date d'intervention.",
                          "Merci de nous confirmer la prise en charge de ce dossier.",
                          "L'assuré nous informe qu'il n'a toujours pas été contacté, pouvez-vous faire le nécessaire ?"])
        text = (f"{rng.choice(['Bonjour,', 'Bonjour Madame,'])}\n\n{ask}\n\n"
                f"Cordialement,\n\n{signature}\n\n"
                f"-----Message d'origine-----\nDe : {sender_name}\nObjet : {original_subject}\n\n"
                f"> Merci de bien vouloir intervenir pour le sinistre {claim} ({name}).\n")
        top = mime.text_part(text, "plain", "utf-8", "quoted-printable")
    elif variant == "reminder":
        case.subject = rng.choice([f"RELANCE - Sinistre {claim} - {name}", f"2ème relance : dossier {claim}",
                                   f"Relance ODM {claim}"])
        text = (f"Bonjour,\n\nSauf erreur de notre part, nous n'avons pas eu de retour concernant l'ordre de mission "
                f"transmis pour notre assuré {name} (sinistre {claim}). Pouvez-vous nous indiquer où en est le dossier ?\n\n"
                f"Merci par avance,\n\n{signature}\n")
        top = mime.text_part(text, "plain", "windows-1252", "quoted-printable")
    elif variant == "photos":
        case.subject = rng.choice([f"photos dégâts - dossier {claim}", f"Sinistre {claim} : photos complémentaires",
                                   f"Re: votre dossier {claim}"])
        text = (f"Bonjour,\n\nComme demandé lors de votre appel, voici les photos des dégâts pour le dossier {claim}.\n"
                f"Je reste disponible.\n\n{signature}\n\nEnvoyé de mon iPhone\n")
        parts = [mime.text_part(text, "plain", "utf-8", "8bit")]
        for i in range(2):
            jpg = photo_jpeg(rng, f"IMG_{4400 + i}")
            fname = f"IMG_{4400 + i}.JPG"
            parts.append(mime.binary_part(jpg, "image/jpeg", fname))
            attachments.append((fname, "image/jpeg", sha(jpg)))
        top = mime.multipart("mixed", f"Apple-Mail-{case.file[:16]}", parts)
    else:  # quote
        case.subject = f"Devis plombier - sinistre {claim}"
        pdf = quote_pdf(case, rng, "486,20 €")
        text = (f"Bonjour,\n\nVeuillez trouver ci-joint le devis du plombier pour le sinistre {claim}, "
                f"à joindre au dossier.\n\nCordialement,\n\n{signature}\n")
        top = mime.multipart("mixed", f"----quote-{case.file[:16]}", [mime.text_part(text), mime.binary_part(pdf, "application/pdf", "DEVIS.PDF")])
        attachments.append(("DEVIS.PDF", "application/pdf", sha(pdf)))
    case.sender = sender
    raw = mime.message(top, sender=mime.address(sender_name, sender), to=OUR_BOX, subject=case.subject,
                       date=case.sent, message_id=case.message_id, extra=extra)
    return raw, attachments


def notice_05i(case: Case, rng: random.Random) -> tuple[bytes, list]:
    case.subject = rng.choice([f"GESTION INTEGRALE BEB - Ouverture automatique dossier 05I - Sinistre {case.claim_written}",
                               f"[C2S] Dossier 05I ouvert automatiquement - sinistre {case.claim_written}"])
    case.sender = C2S_SENDER
    text = (f"Bonjour,\n\nUn dossier de type 05I (GESTION INTEGRALE BEB) a été ouvert automatiquement pour le "
            f"sinistre n° {case.claim_written}.\nAssuré : {case.insured.last_name}\n\nCe dossier est géré par la "
            f"plateforme. Aucune action n'est attendue de votre part.\n\nCe message a été généré automatiquement, "
            f"merci de ne pas y répondre.\n")
    raw = mime.message(mime.text_part(text, "plain", "utf-8", "base64"),
                       sender=mime.address("Allianz C2S - Ne pas répondre", C2S_SENDER), to=OUR_BOX,
                       subject=case.subject, date=case.sent, message_id=case.message_id,
                       extra=[("X-Mailer", "C2S-Missionnement 4.2")])
    return raw, []


def noise_mail(case: Case, rng: random.Random, variant: str, claim_text: str = "") -> tuple[bytes, list]:
    """newsletter, ooo (out-of-office quoting a claim), bounce, spam, invite, receipt, supplier."""
    extra: list = []
    attachments: list = []
    if variant == "newsletter":
        case.sender, name = "newsletter@batiment-actu-demo.fr", "La Lettre du Bâtiment"
        case.subject = "Votre lettre hebdo : DDE, les nouvelles règles de la convention IRSI"
        html = ("<html><body><h1>La Lettre du Bâtiment</h1><p>Cette semaine : la convention IRSI expliquée, le point "
                "sur les prix des matériaux, et notre dossier sur la recherche de fuite non destructive.</p>"
                "<table><tr><td><a href=\"https://batiment-actu-demo.fr/a/1\">Lire l'article</a></td></tr></table>"
                "<p style=\"font-size:9px\">Pour vous désinscrire, cliquez ici.</p></body></html>")
        top = mime.multipart("alternative", "nl-2026-week", [
            mime.text_part("La Lettre du Bâtiment - version texte\nLa convention IRSI expliquée...\n"),
            mime.text_part(html, "html")])
        extra = [("List-Unsubscribe", "<mailto:unsubscribe@batiment-actu-demo.fr>"), ("Precedence", "bulk")]
    elif variant == "ooo":
        case.sender, name = case.extra["ooo_sender"], case.extra["ooo_name"]
        case.subject = f"Réponse automatique : {claim_text}"
        text = (f"Bonjour,\n\nJe suis absent(e) du bureau jusqu'au lundi inclus, avec un accès limité à ma messagerie.\n"
                f"Votre message concernant « {claim_text} » sera traité à mon retour.\n"
                f"Pour toute urgence, merci de contacter l'accueil au 01 45 22 63 00.\n\nCordialement\n")
        top = mime.text_part(text, "plain", "iso-8859-1", "quoted-printable")
        extra = [("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All")]
    elif variant == "bounce":
        case.sender, name = "MAILER-DAEMON@mx.multiassistance-demo.fr", "Mail Delivery System"
        case.subject = "Undelivered Mail Returned to Sender"
        original = (f"From: {OUR_BOX}\r\nTo: {case.extra['bounce_to']}\r\nSubject: Votre sinistre {claim_text} - prise de rendez-vous\r\n"
                    f"Date: {format_datetime(case.sent)}\r\n\r\nBonjour, nous cherchons à vous joindre au sujet du sinistre "
                    f"{claim_text}.\r\n").encode()
        status = (f"Reporting-MTA: dns; mx.multiassistance-demo.fr\r\n\r\nFinal-Recipient: rfc822; {case.extra['bounce_to']}\r\n"
                  "Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n")
        report = mime.multipart("report; report-type=delivery-status", "bounce-0001", [
            mime.text_part("This is the mail system at host mx.multiassistance-demo.fr.\n\nI'm sorry to have to "
                           "inform you that your message could not be delivered to one or more recipients.\n",
                           "plain", "us-ascii", "7bit"),
            mime.Part([("Content-Type", "message/delivery-status")], status),
            mime.rfc822_part(original)])
        top = report
        extra = [("Auto-Submitted", "auto-replied"), ("Return-Path", "<>")]
    elif variant == "spam":
        case.sender, name = "promo@super-offres-demo.biz", "Service Client"
        case.subject = "Félicitations ! Vous avez gagné un iPhone 17 - confirmez avant 24h"
        text = ("Cher client,\n\nVous avez été sélectionné pour recevoir un iPhone 17. Cliquez sur le lien pour "
                "payer uniquement les frais de port (1,95 €) : http://super-offres-demo.biz/claim\n")
        top = mime.text_part(text, "plain", "windows-1252", "base64")
    elif variant == "invite":
        case.sender, name = "direction.operations@multiassistance-demo.fr", "Direction des opérations"
        case.subject = "Invitation : Point mensuel prestataires Allianz @ jeu. 10:00 - 11:00"
        ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0//EN\r\nMETHOD:REQUEST\r\n"
               "BEGIN:VEVENT\r\nUID:pt-mensuel-2026-04@multiassistance-demo.fr\r\nDTSTAMP:20260402T080000Z\r\n"
               "DTSTART:20260409T080000Z\r\nDTEND:20260409T090000Z\r\nSUMMARY:Point mensuel prestataires Allianz\r\n"
               "LOCATION:Salle Rennes\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
        top = mime.multipart("alternative", "invite-2026-04", [
            mime.text_part("Ordre du jour : volumes du mois, délais de télévaluation, dossiers en attente.\n"),
            mime.Part([("Content-Type", 'text/calendar; method=REQUEST; charset="utf-8"'),
                       ("Content-Transfer-Encoding", "7bit")], ics)])
    elif variant == "receipt":
        case.sender, name = case.extra["ooo_sender"], case.extra["ooo_name"]
        case.subject = f"Lu : {claim_text}"
        top = mime.multipart("report; report-type=disposition-notification", "mdn-0001", [
            mime.text_part(f"Votre message « {claim_text} » a été lu.\n"),
            mime.Part([("Content-Type", "message/disposition-notification")],
                      "Reporting-UA: Microsoft Outlook\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n")])
    else:  # supplier marketing with a brochure
        case.sender, name = "contact@negoce-sanitaire-demo.fr", "Négoce Sanitaire Pro"
        case.subject = "Nouveau catalogue 2026 - remises professionnelles"
        pdf_lay = forms.Layout()
        pdf_lay.text(40, 40, "CATALOGUE 2026", 20, True)
        pdf_lay.text(40, 80, "Robinetterie, flexibles, groupes de sécurité : -15 % pour les professionnels.", 10)
        pdf = forms.render_pdf([pdf_lay], title="Catalogue")
        top = mime.multipart("mixed", "catalogue-2026", [
            mime.text_part("Bonjour,\n\nDécouvrez notre nouveau catalogue en pièce jointe.\n\nL'équipe commerciale\n",
                           "plain", "iso-8859-1", "quoted-printable"),
            mime.binary_part(pdf, "application/pdf", "catalogue_2026.pdf")])
        attachments.append(("catalogue_2026.pdf", "application/pdf", sha(pdf)))
    raw = mime.message(top, sender=mime.address(name, case.sender), to=OUR_BOX, subject=case.subject,
                       date=case.sent, message_id=case.message_id, extra=extra)
    return raw, attachments
