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


# why a document was read only in part (foundation.errors.ReadReason codes), in the reviewers' words
READ_NOTES = {
    "pages_not_read": "Pages non lues (limite atteinte)", "budget_spent": "Page non lue (temps de lecture épuisé)",
    "timeout": "Lecture interrompue (délai dépassé)", "forms_unreadable": "Champs de formulaire illisibles",
    "ocr_failed": "OCR en échec sur une page", "frame_count_failed": "Nombre de pages du fichier illisible",
    "read_failed": "Lecture en échec", "corrupt_image": "Image endommagée", "truncated_image": "Image tronquée",
    "page_rotated": "Page redressée avant lecture", "photo_corrected": "Photo redressée (perspective, éclairage)",
}


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


def jinja_filters() -> dict:
    return {
        "channel_label": lambda c: label(CHANNELS, c), "reason_label": lambda c: label(REASONS, c),
        "decision_label": lambda c: label(DECISIONS, c), "review_label": lambda c: label(REVIEW_STATUSES, c),
        "dossier_status_label": lambda c: label(DOSSIER_STATUSES, c), "peril_label": lambda c: label(PERILS, c),
        "event_label": lambda c: label(EVENTS, c),
        "followup_label": lambda c: label(FOLLOWUP_STATES, c), "message_status_label": lambda c: label(MESSAGE_STATUSES, c),
        "occupancy_label": lambda c: label(OCCUPANCIES, c), "dwelling_label": lambda c: label(DWELLINGS, c),
        "read_note": read_note,
    }
