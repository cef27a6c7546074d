"""The insured's fields, read after the message's structure and roles: name, civility, phone, e-mail, address.

The roles step (classifiers/roles.py) tells whose each part of the message is; every reader below gets it, so an
intermediary's letterhead, signature and greeting never give the insured's name or number, and the insured's own
forwarded mail (its From, signature, prose) does.
"""
from __future__ import annotations

from typing import Optional

from classifiers import addresses, contacts, ner, party, roles as roles_step
from classifiers.settings import Compiled
from classifiers.text import Hit, Segment, field_value
from foundation.models import FieldValue, ParsedMessage


def _ner_name(segs: list[Segment], cs: Compiled) -> Optional[Hit]:
    """spaCy's person names near a word about the insured, outside quotes and signatures: the last resort."""
    c = cs.s.confidence
    for seg in segs:
        if seg.kind != "body":
            continue
        end = seg.quote_start if seg.quote_start > 0 else len(seg.text)
        if seg.signatures:
            end = min(end, min(a for a, _ in seg.signatures))
        for text, a, e in ner.persons(seg.text[:end]):
            before = seg.folded[max(0, a - 80):a]
            if cs.insured_context is None or not cs.insured_context.search(before):
                continue
            person = party.parse_person(text, cs)
            if person:
                return Hit(person, c.guessed, text, seg, a, 3)
    return None


def read(msg: ParsedMessage, segs: list[Segment], cs: Compiled, fields: dict[str, FieldValue]) -> roles_step.Roles:
    """Fill the insured's fields in `fields`; returns the roles it read them with."""
    roles = roles_step.assign(msg, segs, cs)
    names = party.name_hits(segs, cs, roles)
    hit = names[0] if names else _ner_name(segs, cs)
    if hit is not None and isinstance(hit.value, dict):
        for key in ("civility", "last_name", "first_name"):
            if hit.value.get(key):
                fields[key] = field_value(hit, hit.value[key], key)
    civ = party.civility_hits(segs, cs)
    if civ and "civility" not in fields:
        fields["civility"] = field_value(civ[0])
    phones = contacts.phone_hits(segs, cs, roles)
    if phones:
        fields["phone"] = field_value(phones[0])
    emails = contacts.email_hits(segs, cs, msg.sender, roles)
    if emails:
        fields["email"] = field_value(emails[0])
    found = addresses.address_hits(segs, cs, roles)
    if found:
        best = found[0]
        for key in ("street", "postcode", "city"):
            if best.value.get(key):
                fields[key] = field_value(best, best.value[key])
    for key, h in addresses.labelled_postcode_city(segs, cs).items():
        if key not in fields:
            fields[key] = field_value(h)
    return roles
