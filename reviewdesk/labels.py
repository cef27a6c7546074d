"""French labels for the codes the pipeline stores (the interface is French, the data stays in codes)."""
from __future__ import annotations

CHANNELS = {
    "allianz_c2s": "Allianz plateforme (C2S)", "allianz_agence": "Allianz agence",
    "allianz_courtage": "Allianz courtage", "allianz_cs2i": "Allianz CS2I", "unknown": "Inconnu",
}
REASONS = {
    "not_mission_order": "Pas un ordre de mission", "gestion_integrale_05i": "Gestion intégrale 05I",
    "follow_up": "Suite d'un dossier", "duplicate": "Doublon", "cs2i_allianz_team": "CS2I : équipe Allianz",
    "missing_claim_number": "N° de sinistre absent", "missing_intermediary_code": "Code intermédiaire absent",
    "invalid_claim_number": "N° de sinistre invalide", "low_confidence": "Lecture incertaine",
    "dde_cause_not_confirmed_repaired": "DDE : cause non réparée",
    "leak_repair_not_covered": "Réparation de fuite non couverte",
    "leak_search_owner_occupied_house": "Recherche de fuite, maison PO",
    "aesthetic_repair_not_covered": "Reprise esthétique non couverte", "unreadable_input": "Fichier illisible",
}
# why a field's confidence is low (foundation.models.FIELD_REASONS), shown beside the field under the threshold
FIELD_REASONS = {
    "ocr_uncertain": "OCR peu sûr", "ocr_word_low": "OCR peu sûr sur cette valeur (manuscrit, tache)",
    "subject_attachment_mismatch": "le sujet et la pièce jointe ne concordent pas",
    "subject_body_mismatch": "le sujet et le corps du message ne concordent pas",
    "conflicting_values": "plusieurs valeurs différentes dans le message", "weak_label": "libellé peu explicite",
    "unlabelled": "lu sans libellé", "guessed": "deviné dans le texte",
}
# a conflict sends the order to review whatever the calibrated confidence says: always shown
ALWAYS_SHOWN_REASONS = {"subject_attachment_mismatch", "subject_body_mismatch", "conflicting_values"}
UNKNOWN_FIELD_REASON = "lecture incertaine"
DECISIONS = {"auto_open": "Ouverture auto", "manual_review": "À revoir", "attach": "Rattaché", "ignore": "Ignoré"}
REVIEW_STATUSES = {"none": "—", "pending": "En attente", "accepted": "Dossier ouvert", "refused": "Refusé",
                   "attached": "Rattaché"}
DOSSIER_STATUSES = {"open": "Ouvert", "pending_review": "En revue", "refused": "Refusé", "closed": "Clos",
                    "waiting_for_client": "En attente du client"}
PERILS = {
    "water_damage": "Dégât des eaux", "glass_breakage": "Bris de glace", "vehicle_impact": "Choc de véhicule",
    "key_loss": "Perte / vol de clés", "leak_search": "Recherche de fuite", "fire": "Incendie",
    "burglary": "Cambriolage", "storm": "Tempête", "electrical_damage": "Dommage électrique", "other": "Autre",
}
OCCUPANCIES = {"owner_occupier": "Propriétaire occupant", "tenant": "Locataire",
               "non_occupying_owner": "Propriétaire non occupant"}
DWELLINGS = {"house": "Maison", "apartment": "Appartement"}
DOCUMENT_TYPES = {"mission_order": "Ordre de mission", "follow_up": "Suite", "other": "Autre"}
BOOLEANS = {"true": "Oui", "false": "Non"}
EVENTS = {
    "received": "Message reçu", "parsed": "Message lu", "classified": "Message classé", "routed": "Message orienté",
    "attached": "Message rattaché", "corrected": "Champ corrigé", "opened": "Dossier ouvert",
    "refused": "Message refusé", "closed": "Dossier clos", "reopened": "Dossier rouvert", "failed": "Échec de lecture",
    "reminder": "Relance", "followup": "Suivi de l'assuré",
}
FOLLOWUP_STATES = {"to_call": "À appeler", "reminder_1": "Relance 1", "reminder_2": "Relance 2",
                   "reminder_3": "Relance 3", "waiting_for_client": "En attente du client",
                   "answered": "L'assuré a répondu", "closed": "Suivi terminé"}
MESSAGE_STATUSES = {"sending": "En cours d'envoi", "sent": "Envoyé", "failed": "Non envoyé"}
CHOICE_LABELS = {"channel": CHANNELS, "peril": PERILS, "occupancy": OCCUPANCIES, "dwelling": DWELLINGS,
                 "document_type": DOCUMENT_TYPES, "cause_repaired": BOOLEANS}


QUEUES = {"allianz_team": "Équipe Allianz (CS2I)", "review": "Revue générale"}
# the original message's header names and document parts, as a reviewer reads them
HEADERS = {"from": "De", "to": "À", "cc": "Copie", "subject": "Objet", "date": "Date", "reply-to": "Répondre à",
           "sender": "Expéditeur", "message-id": "Identifiant du message"}
PARTS = {"body": "Corps du message", "html": "Corps du message (HTML)", "subject": "Objet"}

# why a message, a document or a page was not (fully) read (foundation.errors.ReadReason codes)
READ_NOTES = {
    "pages_not_read": "Pages non lues (limite atteinte)", "budget_spent": "Page non lue (temps de lecture épuisé)",
    "timeout": "Lecture interrompue (délai dépassé)", "forms_unreadable": "Champs de formulaire illisibles",
    "ocr_failed": "OCR en échec sur une page", "frame_count_failed": "Nombre de pages du fichier illisible",
    "read_failed": "Lecture en échec", "corrupt_image": "Image endommagée", "truncated_image": "Image tronquée",
    "empty_input": "Fichier vide", "too_large": "Fichier trop volumineux", "message_too_large": "Message trop volumineux",
    "too_deeply_nested": "Message trop imbriqué", "parse_failed": "Message illisible", "not_a_message": "Pas un message",
    "corrupt_file": "Fichier endommagé", "unsupported_format": "Format non pris en charge",
    "unsupported_type": "Type de fichier non pris en charge", "empty_attachment": "Pièce jointe vide",
    "encrypted_pdf": "PDF protégé par mot de passe", "corrupt_pdf": "PDF endommagé",
    "image_too_large": "Image trop grande", "corrupt_tnef": "Pièce jointe Outlook (winmail.dat) endommagée",
    "empty_tnef": "Pièce jointe Outlook (winmail.dat) vide", "ocr_missing": "OCR indisponible",
    "worker_died": "Lecture interrompue (erreur du lecteur)", "memory_limit": "Lecture interrompue (mémoire dépassée)",
    "page_rotated": "Page redressée avant lecture", "photo_corrected": "Photo redressée (perspective, éclairage)",
}
# keys of an event's detail (outputs' history) and how their values read
EVENT_KEYS = {"missing": "Ouvert sans", "reason": "Motif", "decision": "Décision", "reasons": "Motifs", "status": "Statut",
              "dossier_id": "Dossier", "merged_into": "Fusionné dans", "moved_from": "Déplacé depuis",
              "error": "Erreur", "uri": "Source", "queue": "File", "state": "État", "sms": "SMS",
              "mail": "E-mail", "note": "Réponse de l'assuré"}


def read_note(note: str) -> str:
    """`pages_not_read: 12 pages past ...` as the reviewer reads it: the label, then the detail."""
    code, _, detail = str(note).partition(":")
    text = READ_NOTES.get(code.strip())
    if text is None:
        return str(note)
    return f"{text} : {detail.strip()}" if detail.strip() else text


def label(table: dict[str, str], code) -> str:
    if code is None:
        return "—"
    return table.get(str(code), str(code))


def header_label(name) -> str:
    return HEADERS.get(str(name).lower(), str(name))


def part_label(name) -> str:
    return PARTS.get(str(name), str(name)) if name else "—"


def field_label(name) -> str:
    from reviewdesk.validation import DOSSIER_FIELDS, RECORD_FIELDS
    entry = RECORD_FIELDS.get(str(name)) or DOSSIER_FIELDS.get(str(name))
    return entry[0] if entry else str(name)


def _status_label(code) -> str:
    return REVIEW_STATUSES.get(str(code)) or DOSSIER_STATUSES.get(str(code)) or str(code)


def _source_label(uri) -> str:
    """A file's name, never the server's folders; an IMAP address as the mailbox and folder."""
    text = str(uri)
    if text.startswith("imap://"):
        return text.split(";", 1)[0].removeprefix("imap://")
    return text.replace("\\", "/").rsplit("/", 1)[-1].split("!/")[-1]


_EVENT_VALUES = {"missing": lambda v: field_label(v), "decision": lambda v: label(DECISIONS, v), "reasons": lambda v: label(REASONS, v),
                 "status": _status_label, "uri": _source_label, "queue": lambda v: label(QUEUES, v),
                 "error": read_note, "state": lambda v: label(FOLLOWUP_STATES, v)}


def event_detail(detail) -> str:
    """A short French line from an event's JSON detail (values escaped by Jinja): labels, never codes."""
    if not isinstance(detail, dict):
        return ""
    if "field" in detail:
        name = detail.get("field")
        french = {"phone": phone_fr, "loss_date": date_fr, "amount_eur": amount_fr}.get(str(name))

        def shown(value) -> str:
            if value in (None, ""):
                return "—"
            return french(value) if french else str(value)
        return f"{field_label(name)} : {shown(detail.get('old'))} → {shown(detail.get('new'))}"
    parts = []
    for key, text in EVENT_KEYS.items():
        value = detail.get(key)
        if value in (None, [], ""):
            continue
        shown = _EVENT_VALUES.get(key, str)
        value = ", ".join(shown(v) for v in value) if isinstance(value, list) else shown(value)
        parts.append(f"{text} : {value}")
    return " · ".join(parts)


def low_confidence_reason(info: dict, threshold: float) -> str | None:
    """The French reason shown beside a field the machine is not sure of (under the rules' trust threshold, or
    in conflict), None for a sure or corrected field."""
    if not info or info.get("corrected_by") or info.get("confidence") is None:
        return None
    code = info.get("reason")
    if code in ALWAYS_SHOWN_REASONS or float(info["confidence"]) < threshold:
        return FIELD_REASONS.get(code, UNKNOWN_FIELD_REASON) if code else UNKNOWN_FIELD_REASON
    return None


def jinja_filters() -> dict:
    return {
        "channel_label": lambda c: label(CHANNELS, c), "reason_label": lambda c: label(REASONS, c),
        "decision_label": lambda c: label(DECISIONS, c), "review_label": lambda c: label(REVIEW_STATUSES, c),
        "dossier_status_label": lambda c: label(DOSSIER_STATUSES, c), "peril_label": lambda c: label(PERILS, c),
        "event_label": lambda c: label(EVENTS, c),
        "followup_label": lambda c: label(FOLLOWUP_STATES, c), "message_status_label": lambda c: label(MESSAGE_STATUSES, c),
        "occupancy_label": lambda c: label(OCCUPANCIES, c), "dwelling_label": lambda c: label(DWELLINGS, c),
        "read_note": read_note, "queue_label": lambda c: label(QUEUES, c), "header_label": header_label,
        "part_label": part_label, "event_detail": event_detail, "field_label": field_label, "phone_fr": phone_fr, "date_fr": date_fr, "amount_fr": amount_fr,
    }


def phone_fr(value) -> str:
    """+33612345678 as a French reader writes it: 06 12 34 56 78 (other countries as stored)."""
    text = str(value or "").strip()
    if not text:
        return "—"
    digits = text[3:] if text.startswith("+33") else None
    if digits and digits.isdigit() and len(digits) == 9:
        national = "0" + digits
        return " ".join(national[i:i + 2] for i in range(0, 10, 2))
    return text


def date_fr(value) -> str:
    """2026-03-12 as 12/03/2026 (anything else as stored)."""
    import re
    text = str(value or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    return f"{match[3]}/{match[2]}/{match[1]}" if match else (text or "—")


def amount_fr(value) -> str:
    """1234.5 as 1 234,50 € (a thin no-break space between thousands)."""
    if value in (None, ""):
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text.removesuffix(',00')} €"
