"""Claim numbers, order numbers and intermediary codes: labelled references, normalised.

Claims are written loosely ("B 123 4567", "b-1234567", "N°C0045123", OCR "B l23 4567"): they are stored
upper-case without spaces, dots or dashes. ORIAS (8 digits), SIREN (9) and SIRET (14) numbers are never
intermediary codes.
"""
from __future__ import annotations

import re
from typing import Optional

from classifiers.settings import Compiled
from classifiers.text import Hit, Segment, labelled, line_bounds, ocr_scale

_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "i": "1"})
_RUN = re.compile(r"[A-Za-z0-9|]+(?:[ .\-][A-Za-z0-9|]+)*")
_NOT_PREFIX = {"LE", "LA", "DE", "DU", "EN", "AU", "N", "NO", "NR", "LES", "DES", "ET", "UN", "SUR", "DATE", "REF", "CP",
               "TEL", "FAX", "DU", "NUM", "DOSSIER", "SINISTRE", "DU", "LE", "EST", "A"}
UNLABELLED_CLAIM = re.compile(r"(?<![\w/.])(?P<v>[BCbc][ .\-]?\d{2,4}[ .\-]?\d{3,7})(?![\w/])")  # "b-1234567" too
_DATE_LIKE = re.compile(r"^\d{1,2}[ .\-]\d{1,2}[ .\-]\d{2,4}$")


def _digits_fixed(group: str) -> str:
    """OCR confusables (l, I, O, |) read as digits in a group that is mostly digits."""
    fixed = group.translate(_OCR_DIGITS)
    return fixed if sum(c.isdigit() for c in fixed) * 2 > len(fixed) else group


def read_claim(seg: Segment, start: int) -> Optional[tuple[object, int]]:
    """A claim reference starting at `start`: letter prefix, then digit groups ("B 123 4567", "26-00451234")."""
    m = _RUN.match(seg.text, start)
    if not m:
        return None
    run = m.group(0)
    parts = re.split(r"([ .\-])", run)
    groups, seps = parts[0::2], parts[1::2]
    kept: list[str] = []
    end = start
    pos = start
    for i, g in enumerate(groups):
        fixed = _digits_fixed(g)
        has_digit = any(c.isdigit() for c in fixed)
        if i == 0:
            # a lone capital before a long digit group is a prefix ("A 4455667"), even one that is also a word
            lone_prefix = len(g) == 1 and g.isupper() and len(groups) > 1 and len(groups[1]) >= 5 and groups[1].isdigit()
            if not has_digit and (len(g) > 4 or g.upper() in _NOT_PREFIX and not lone_prefix):
                return None
            if has_digit and not fixed[:1].isalnum():
                return None
        elif not has_digit or (len(g) < 2 and any(c.isdigit() for c in "".join(kept))):
            break
        kept.append(fixed if has_digit else g)
        pos_end = pos + len(g)
        end = pos_end
        pos = pos_end + (len(seps[i]) if i < len(seps) else 0)
    raw = "".join(kept)
    text_span = seg.text[start:end]
    if _DATE_LIKE.match(text_span):
        return None
    value = raw.upper()
    # OCR glues a 1 or a 0 to the letter prefix ("Bl234567")
    mp = re.match(r"([A-Z]{2,4})(\d.*)$", value)
    if mp:
        prefix, rest = mp.groups()
        while len(prefix) > 1 and prefix[-1] in "LIO":
            rest = prefix[-1].translate(_OCR_DIGITS) + rest
            prefix = prefix[:-1]
        value = prefix + rest
    digits = sum(c.isdigit() for c in value)
    if digits < 5 or len(value) > 24:
        return None
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
    # an invoice's, a quote's or a customer account's number is never a claim, whatever label reads it too
    other = {h.value for h in labelled(segments, cs.labels.get("other_reference"), read_claim, c.labelled, c.ocr_floor)}
    hits = [h for h in hits if h.value not in other]
    own = {h.value for h in labelled(segments, cs.labels.get("own_reference"), read_claim, c.labelled, c.ocr_floor)}
    if own and any(h.value not in own for h in hits):
        hits = [h for h in hits if h.value not in own]
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
CODE_VALUE = re.compile(r"(?P<v>[A-Za-z0-9]{1,12}(?:[ \-]\d{2,7})*)(?![\w])")
_ORIAS_NEAR = re.compile(r"(orias|siren|siret|rcs|immatricul)", re.IGNORECASE)


def read_code(seg: Segment, start: int) -> Optional[tuple[object, int]]:
    m = CODE_VALUE.match(seg.text, start)
    if not m:
        return None
    value = re.sub(r"[ \-]", "", m.group("v")).upper()
    digits = re.sub(r"\D", "", value)
    if not digits or len(value) > 14 or (len(value) < 4 and value not in ("000", "0")):
        return None
    a, _ = line_bounds(seg.folded, start)
    before = seg.folded[max(a, start - 40):start]
    if _ORIAS_NEAR.search(before):
        return None
    if value.isdigit() and len(digits) in (9, 14):      # SIREN / SIRET
        return None
    if value.isdigit() and len(digits) == 8 and _ORIAS_NEAR.search(seg.folded[max(0, start - 120):start + 40]):
        return None
    return value, m.end("v")


_CELL_CODE = re.compile(r"(?:^|[\s|:])(?P<v>[A-Za-z]{0,2}\d{4,8})[\s|.:;]*$")
_PHONE_TAIL = re.compile(r"\d{2,4}[ .]?$")
# A whole French phone number closing the text before a value: the value is a cell of its own, not the phone's tail.
_WHOLE_PHONE = re.compile(r"(?:(?:\+|00)33[ .\-]?|0)\d(?:[ .\-]?\d{2}){4}\s*$")


# a line that names its own field before its value ("N° de contrat .", "Réf. sinistre")
_OWN_LABEL = re.compile(r"(?:^|\s)(?:n[°o]|r[ée]f|num[ée]ro|date|t[ée]l|contrat|police|sinistre|dossier)\b", re.IGNORECASE)


def _ends_with_whole_phone(head: str) -> bool:
    m = _WHOLE_PHONE.search(head)
    if not m:
        return False
    before = head[:m.start()]
    return not re.search(r"\d[ .\-]?$", before)  # not the tail of a longer digit run


def code_hits(segments: list[Segment], cs: Compiled, label_name: str) -> list[Hit]:
    """Codes after their label; on forms the label may close its line, the value then sits alone on one of
    the next lines, or at the end of one (a right-hand column that OCR or text extraction interleaves)."""
    c = cs.s.confidence
    hits = labelled(segments, cs.labels.get(label_name), read_code, c.labelled, c.ocr_floor)
    label = cs.labels.get(label_name)
    if hits or label is None:
        return hits
    for seg in segments:
        if seg.kind == "subject":
            continue
        for m in label.finditer(seg.folded):
            _, eol = line_bounds(seg.folded, m.end())
            rest = seg.text[m.end():eol]
            if rest.strip(" \t|:;,_.-"):
                # "Code courtier (cabinet Martin) : MV2207": the value closes the label's own line after ':' or '|'
                cm = re.search(r"[|:]\s*([A-Za-z]{0,2}\d{4,8})\s*\|?\s*$", rest)
                got = read_code(seg, m.end() + cm.start(1)) if cm else None
                if got:
                    hits.append(Hit(got[0], ocr_scale(seg, c.labelled_weak, c.ocr_floor),
                                    re.sub(r"\s+", " ", seg.text[m.start():got[1]]), seg, m.start(), 1))
                continue
            pos, seen = eol, 0
            while seen < 3 and pos < len(seg.text):
                a = pos + 1
                _, b = line_bounds(seg.text, a)
                pos = b
                line = seg.text[a:b]
                if not line.strip(" \t|:;_.-"):
                    continue
                seen += 1
                cm = _CELL_CODE.search(line)
                head = line[:cm.start("v")].rstrip() if cm else ""
                if cm and _OWN_LABEL.search(head) and not _ends_with_whole_phone(head):
                    break       # the next field's own label and value ("N° de contrat : 5923..."): the code is blank
                if not cm or _PHONE_TAIL.search(head) and cm.start("v") > 0 \
                        and not head.strip().endswith(("|", ":")) and not _ends_with_whole_phone(head):
                    continue
                got = read_code(seg, a + cm.start("v"))
                if got:
                    evidence = re.sub(r"\s+", " ", seg.text[m.start():m.end()] + " " + cm.group("v"))
                    hits.append(Hit(got[0], ocr_scale(seg, c.labelled, c.ocr_floor), evidence, seg, m.start(), 0))
                    break
    return hits
