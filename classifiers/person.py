"""A person's name as written ("M. Jean DUPONT", "Mme Martin Sophie", "Peter Van Dijk") -> civility, last, first."""
from __future__ import annotations

import re
from typing import Optional

from classifiers.first_names import FIRST_NAMES
from classifiers.settings import Compiled, fold

_NAME_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœÆæ][A-Za-zÀ-ÖØ-öø-ÿŒœÆæ'’\-]*\.?")
_STOP_WORDS = {"demeurant", "domicilie", "domiciliee", "residant", "habitant", "ne", "nee", "tel", "telephone", "portable",
               "adresse", "sis", "au", "a", "chez", "pour", "qui", "dont", "concernant", "sinistre", "dossier", "mail", "email",
               "mobile", "n", "no", "code", "client", "assure", "assuree", "proprietaire", "locataire", "occupant", "cp",
               "rue", "avenue", "contrat", "police", "sur", "le", "pour", "suite", "dans", "son", "sa", "ses", "leur", "the",
               "date", "agence", "courtier", "qualite", "votre", "notre", "mission", "description", "ville", "prenom",
               "nom", "fax", "gsm", "objet", "ref", "reference", "bonjour", "merci", "cordialement", "est", "a", "et"}


# never part of a name, even in capitals: occupancy abbreviations, company forms, contact words
_NEVER_NAMES = {"tel", "tél", "né", "née", "email", "mail", "pno", "po", "loc", "sci", "sarl", "sas", "eurl", "syndic",
                "copropriete", "residence", "gsm", "port", "mob"}


# a form's own field names, upper-case on agency forms ("ASSURÉ" over "NOM ....... MOREAU"): never a family name
_FORM_LABELS = {"nom", "prenom", "adresse", "telephone", "sinistre", "assure", "assuree", "qualite", "ville", "cp",
                "civilite", "coordonnees", "logement", "occupation"}


def _is_upper_word(tok: str) -> bool:
    letters = [c for c in tok if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _title(tok: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in tok.split("-"))


# OCR specks and box borders before a name on scanned forms: "È Madame ROUSSEAU", "Î Mme DUBOIS", "| M. X"
_NOISE_PREFIX = re.compile(r"^(?:(?:[^\w\s]|[^\W\dMm](?=\s+[A-ZÀ-Ý]))\s*)+(?=\S)")


def parse_person(raw: str, cs: Compiled, family_first: bool = False) -> Optional[dict[str, Optional[str]]]:
    """'M. Jean DUPONT' -> civility M., first Jean, last DUPONT; 'Mme Martin Sophie' -> last MARTIN, first Sophie."""
    text = _NOISE_PREFIX.sub("", raw.strip(" \t:;,-|"))
    folded = fold(text)
    civility: Optional[str] = None
    m = cs.civility_any.match(folded)
    if m:
        for canon, pat in cs.civility_re:
            cm = pat.match(folded, m.start())
            if cm and cm.end() == m.end():
                civility = canon
                break
        text, folded = text[m.end():].lstrip(" .,:"), folded[m.end():].lstrip(" .,:")
    tokens: list[str] = []
    pos = 0
    while pos < len(text):
        tm = _NAME_TOKEN.match(text, pos)
        if not tm:
            if text[pos] in " \t":
                pos += 1
                continue
            break
        tok = tm.group(0).rstrip(".")
        low = fold(tok).lower()
        if low in ("et", "&") and civility == "M. et Mme":
            tokens.append("et")
        elif low in _STOP_WORDS and not _is_upper_word(tok) or low in _NEVER_NAMES or low in _FORM_LABELS:
            break
        elif not tok[0].isupper() and not any(low == p or low.startswith(p) and p.endswith("'") for p in cs.particles):
            break
        else:
            tokens.append(tok)
        pos = tm.end()
        if len(tokens) >= 7:
            break
    while tokens and tokens[-1] == "et":
        tokens.pop()
    if not tokens:
        return None
    # group particles with the name that follows them: "de la Fontaine", "D'HARCOURT"
    words: list[list[str]] = []
    i = 0
    while i < len(tokens):
        group: list[str] = []
        while i < len(tokens) - 1 and fold(tokens[i]).lower() in cs.particles and tokens[i] != "et":
            group.append(tokens[i])
            i += 1
        group.append(tokens[i])
        words.append(group)
        i += 1
    first_parts: list[str] = []
    last_parts: list[list[str]] = []
    upper = [w for w in words if _is_upper_word(w[-1]) and w[-1] != "et"]
    plain = [w for w in words if w not in upper and w[-1] != "et"]
    if upper and plain:
        last_parts = upper
        first_parts = [" ".join(w) for w in plain]
    else:
        names = [w for w in words if w[-1] != "et"]
        if len(names) == 1:
            last_parts = names
        else:
            known = [fold(w[-1]).lower().split("-")[0] in FIRST_NAMES and len(w) == 1 for w in names]
            if known[0] and not known[-1]:
                first_parts, last_parts = [" ".join(names[0])], names[1:]
            elif known[-1] and not known[0]:
                first_parts, last_parts = [" ".join(names[-1])], names[:-1]
            elif len(names[0]) > 1:             # "de la Fontaine Jean"
                first_parts, last_parts = [" ".join(w) for w in names[1:]], names[:1]
            elif len(names[-1]) > 1:            # "Jean de la Fontaine"
                first_parts, last_parts = [" ".join(w) for w in names[:-1]], names[-1:]
            elif family_first:
                first_parts, last_parts = [" ".join(w) for w in names[1:]], names[:1]
            else:
                first_parts, last_parts = [" ".join(w) for w in names[:-1]], names[-1:]
    last = " ".join(" ".join(w) for w in last_parts).upper().replace("’", "'")
    last = re.sub(r"'\s+", "'", last)
    first = " ".join(first_parts) or None
    if first and _is_upper_word(first.replace(" ", "")):
        first = " ".join(_title(p) for p in first.split())
    if civility == "M. et Mme" and first:
        first = first.split(" et ")[0].split()[0] if first.split() else None
    if not last or len(last) < 2:
        return None
    return {"civility": civility, "last_name": last, "first_name": first}
