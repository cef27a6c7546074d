"""Reviewer corrections are checked before they reach the store: one function per field kind, each
returning the normalised value or raising FieldError with a French message for the form."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Callable, Optional

import phonenumbers

from foundation.models import CHANNELS


class FieldError(ValueError):
    """A corrected value that cannot be stored; the message is shown beside the field."""


PERILS = ("water_damage", "glass_breakage", "vehicle_impact", "key_loss", "leak_search", "fire", "burglary",
          "storm", "electrical_damage", "other")
OCCUPANCIES = ("owner_occupier", "tenant", "non_occupying_owner")
DWELLINGS = ("house", "apartment")
DOCUMENT_TYPES = ("mission_order", "follow_up", "other")


def claim_number(value: str, channel: Optional[str] = None) -> str:
    """Upper-case without spaces, dots or dashes; agency claims start with B (DOMAIN.md)."""
    normalised = re.sub(r"[\s.\-]", "", value).upper()
    if normalised.startswith("N°"):
        normalised = normalised[2:]
    if not re.fullmatch(r"[A-Z0-9/]{4,30}", normalised):
        raise FieldError("Numéro de sinistre invalide : lettres et chiffres uniquement (4 à 30).")
    if channel == "allianz_agence" and not normalised.startswith("B"):
        raise FieldError("Un sinistre agence doit commencer par B.")
    return normalised


def phone(value: str, channel: Optional[str] = None) -> str:
    """E.164; French numbers may be written the national way (06 12 34 56 78)."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException as error:
        raise FieldError("Numéro de téléphone illisible.") from error
    if not phonenumbers.is_valid_number(number):
        raise FieldError("Numéro de téléphone invalide.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def postcode(value: str, channel: Optional[str] = None) -> str:
    normalised = value.replace(" ", "")
    if not re.fullmatch(r"\d{5}", normalised):
        raise FieldError("Code postal invalide : cinq chiffres.")
    return normalised


def iban(value: str, channel: Optional[str] = None) -> str:
    """ISO 13616: move the country and check digits to the end, letters to numbers, remainder mod 97 is 1."""
    normalised = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", normalised):
        raise FieldError("IBAN invalide : format attendu FR76 ….")
    digits = "".join(str(int(c, 36)) for c in normalised[4:] + normalised[:4])
    if int(digits) % 97 != 1:
        raise FieldError("IBAN invalide : la clé de contrôle ne correspond pas.")
    return normalised


def email(value: str, channel: Optional[str] = None) -> str:
    normalised = value.strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", normalised):
        raise FieldError("Adresse e-mail invalide.")
    return normalised.lower()


def loss_date(value: str, channel: Optional[str] = None) -> str:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            parsed = datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
        if parsed > date.today():
            raise FieldError("La date du sinistre ne peut pas être dans le futur.")
        return parsed.isoformat()
    raise FieldError("Date invalide : JJ/MM/AAAA.")


def amount(value: str, channel: Optional[str] = None) -> float:
    cleaned = value.replace("€", "").replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError as error:
        raise FieldError("Montant invalide.") from error
    if number < 0 or number != number or number > 10_000_000:
        raise FieldError("Montant hors limites.")
    return number


def boolean(value: str, channel: Optional[str] = None) -> Optional[bool]:
    lowered = value.strip().lower()
    if lowered in ("true", "oui", "1"):
        return True
    if lowered in ("false", "non", "0"):
        return False
    raise FieldError("Répondre oui ou non.")


def choice(options: tuple[str, ...]) -> Callable[[str, Optional[str]], str]:
    def check(value: str, channel: Optional[str] = None) -> str:
        if value not in options:
            raise FieldError("Valeur hors liste.")
        return value
    return check


def text(limit: int) -> Callable[[str, Optional[str]], str]:
    def check(value: str, channel: Optional[str] = None) -> str:
        cleaned = value.strip()
        if len(cleaned) > limit:
            raise FieldError(f"Texte trop long ({limit} caractères au plus).")
        return cleaned
    return check


def upper_text(limit: int) -> Callable[[str, Optional[str]], str]:
    def check(value: str, channel: Optional[str] = None) -> str:
        return text(limit)(value).upper()
    return check


def code(value: str, channel: Optional[str] = None) -> str:
    normalised = value.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{1,20}", normalised):
        raise FieldError("Code invalide : lettres et chiffres uniquement.")
    return normalised


def plate(value: str, channel: Optional[str] = None) -> str:
    """French SIV plates are kept as AB-123-CD; other plates upper-case as written."""
    compact = re.sub(r"[\s\-.]", "", value).upper()
    if not re.fullmatch(r"[A-Z0-9]{2,12}", compact):
        raise FieldError("Immatriculation invalide.")
    if re.fullmatch(r"[A-Z]{2}\d{3}[A-Z]{2}", compact):
        return f"{compact[:2]}-{compact[2:5]}-{compact[5:]}"
    return compact


# Editable record fields: name -> (French label, validator, choices for a select or None).
RECORD_FIELDS: dict[str, tuple[str, Callable[..., Any], Optional[tuple[str, ...]]]] = {
    "claim_number": ("N° de sinistre", claim_number, None),
    "order_number": ("N° d'ordre", code, None),
    "intermediary_code": ("Code agent / courtier", code, None),
    "document_type": ("Type de document", choice(DOCUMENT_TYPES), DOCUMENT_TYPES),
    "channel": ("Canal", choice(CHANNELS), CHANNELS),
    "peril": ("Sinistre", choice(PERILS), PERILS),
    "civility": ("Civilité", text(20), None),
    "last_name": ("Nom", upper_text(80), None),
    "first_name": ("Prénom", text(80), None),
    "phone": ("Téléphone", phone, None),
    "email": ("E-mail", email, None),
    "street": ("Adresse", text(200), None),
    "postcode": ("Code postal", postcode, None),
    "city": ("Ville", upper_text(80), None),
    "occupancy": ("Occupation", choice(OCCUPANCIES), OCCUPANCIES),
    "dwelling": ("Habitation", choice(DWELLINGS), DWELLINGS),
    "loss_date": ("Date du sinistre", loss_date, None),
    "amount_eur": ("Montant (€)", amount, None),
    "cause_repaired": ("Cause réparée", boolean, ("true", "false")),
    "description": ("Description", text(5000), None),
}

# Dossier data kept in dossiers.extra (seed 001: IBAN, the other party).
DOSSIER_FIELDS: dict[str, tuple[str, Callable[..., Any]]] = {
    "iban": ("IBAN", iban),
    "other_party_plate": ("Immatriculation tiers", lambda v, c=None: plate(v)),
    "other_party_make": ("Marque / modèle tiers", text(80)),
    "other_party_insurer": ("Assureur tiers", text(80)),
}


def validate_field(name: str, raw: str, channel: Optional[str] = None) -> Any:
    """The normalised value to store; an empty input clears the field (None: "not stated")."""
    if name not in RECORD_FIELDS:
        raise FieldError("Champ inconnu.")
    if raw is None or not raw.strip():
        return None
    return RECORD_FIELDS[name][1](raw.strip(), channel)


def validate_dossier_field(name: str, raw: str) -> Any:
    if name not in DOSSIER_FIELDS:
        raise FieldError("Champ inconnu.")
    if raw is None or not raw.strip():
        return None
    return DOSSIER_FIELDS[name][1](raw.strip())
