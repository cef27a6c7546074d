"""Claim numbers, order numbers and intermediary codes: labelled references, normalised.

Claims are written loosely ("B 123 4567", "b-1234567", "N°C0045123", OCR "B l23 4567"): they are stored
upper-case without spaces, dots or dashes. ORIAS (8 digits), SIREN (9) and SIRET (14) numbers are never
intermediary codes.
"""
from __future__ import annotations

import re
from typing import Optional

from classifiers.settings import Compiled
from classifiers.text import Hit, Segment, labelled, line_bounds

_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "i": "1"})
_GROUP = r"(?=[0-9OoIl|]*\d)[0-9OoIl|]+"
CLAIM_VALUE = re.compile(
    rf"(?P<prefix>[A-Za-z]{{1,4}})?[ .\-]?(?P<num>{_GROUP}(?:[ .\-]{_GROUP})*)(?P<suffix>[A-Za-z]{{0,2}})(?![A-Za-z0-9])")
_NOT_PREFIX = {"LE", "LA", "DE", "DU", "EN", "AU", "N", "NO", "NR", "LES", "DES", "ET", "UN", "SUR", "DATE", "DU", "REF", "CP",
               "TEL", "FAX", "AU"}
UNLABELLED_CLAIM = re.compile(r"(?<![\w/.])(?P<v>[BC][ .\-]?\d{2,4}[ .\-]?\d{3,7})(?![\w/])")
_DATE_LIKE = re.compile(r"^\d{1,2}[ .\-]\d{1,2}[ .\-]\d{2,4}$")


def normalise_claim(prefix: str, num: str, suffix: str = "") -> str:
    prefix = (prefix or "").upper()
    # OCR reads a 1 or a 0 as a letter glued to the prefix ("Bl234567")
    while len(prefix) > 1 and prefix[-1] in "LIO":
        num = prefix[-1] + num
        prefix = prefix[:-1]
    digits = re.sub(r"[ .\-]", "", num).translate(_OCR_DIGITS)
    return prefix + digits + (suffix or "").upper()


def read_claim(seg: Segment, start: int) -> Optional[tuple[object, int]]:
    m = CLAIM_VALUE.match(seg.text, start)
    if not m:
        return None
    prefix, num, suffix = m.group("prefix") or "", m.group("num"), m.group("suffix") or ""
    if prefix.upper() in _NOT_PREFIX:
        return None
    # stop before a lone trailing group of one digit: "B1234567 2 rue ..." keeps B1234567
    groups = re.split(r"[ .\-]", num)
    while len(groups) > 1 and len(groups[-1]) < 2:
        groups.pop()
    kept = num[: sum(len(g) for g in groups) + len(groups) - 1]
    if _DATE_LIKE.match(kept) and not prefix:
        return None
    value = normalise_claim(prefix, kept, suffix if kept == num else "")
    digits = sum(c.isdigit() for c in value)
    if digits < 5 or len(value) > 24:
        return None
    end = m.start("num") + len(kept) + (len(suffix) if kept == num else 0)
    return value, end


def claim_hits(segments: list[Segment], cs: Compiled) -> list[Hit]:
    c = cs.s.confidence
    hits = labelled(segments, cs.labels.get("claim_number"), read_claim, c.labelled, c.ocr_floor, tier=0)
    hits += labelled(segments, cs.labels.get("claim_number_weak"), read_claim, c.labelled_weak, c.ocr_floor, tier=1)
    for seg in segments:
        for m in UNLABELLED_CLAIM.finditer(seg.text):
            if seg.in_signature(m.start()):
                continue
            got = read_claim(seg, m.start("v"))
            if got:
                hits.append(Hit(got[0], c.unlabelled, m.group("v"), seg, m.start(), tier=2))
    return hits


# ----------------------------------------------------------------------------------------- order numbers
ORDER_VALUE = re.compile(r"(?P<v>[A-Za-z]{0,3}[ \-]?\d[\d \-]{0,18}\d|\d)(?![\w])")


def read_order(seg: Segment, start: int) -> Optional[tuple[object, int]]:
    m = ORDER_VALUE.match(seg.text, start)
    if not m:
        return None
    raw = m.group("v")
    value = re.sub(r"[ .\-]", "", raw).upper()
    return value, m.end("v")


def order_hits(segments: list[Segment], cs: Compiled) -> list[Hit]:
    c = cs.s.confidence
    return labelled(segments, cs.labels.get("order_number"), read_order, c.labelled, c.ocr_floor)


# ----------------------------------------------------------------------------------------- intermediary codes
CODE_VALUE = re.compile(r"(?P<v>[A-Za-z]{0,3}[ \-]?\d[\d ]{0,14}\d|\d{1,3}|[A-Za-z]{1,3}\d{2,10})(?![\w])")
_ORIAS_NEAR = re.compile(r"(orias|siren|siret|rcs|immatricul)", re.IGNORECASE)


def read_code(seg: Segment, start: int) -> Optional[tuple[object, int]]:
    m = CODE_VALUE.match(seg.text, start)
    if not m:
        return None
    value = re.sub(r"[ \-]", "", m.group("v")).upper()
    digits = re.sub(r"\D", "", value)
    a, _ = line_bounds(seg.folded, start)
    before = seg.folded[max(a, start - 40):start]
    if _ORIAS_NEAR.search(before):
        return None
    if value.isdigit() and len(digits) in (9, 14):      # SIREN / SIRET
        return None
    if value.isdigit() and len(digits) == 8 and _ORIAS_NEAR.search(seg.folded[max(0, start - 120):start + 40]):
        return None
    return value, m.end("v")


def code_hits(segments: list[Segment], cs: Compiled, label_name: str) -> list[Hit]:
    c = cs.s.confidence
    return labelled(segments, cs.labels.get(label_name), read_code, c.labelled, c.ocr_floor)
