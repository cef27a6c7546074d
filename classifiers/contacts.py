"""The insured's phone and e-mail, read with the roles of the message's parts.

A number printed in a signature, on a letterhead line or in an intermediary's own cover note belongs to the sender,
wherever else it appears; in the insured's own forwarded mail (classifiers/roles.py) the insured's signature and prose
numbers are theirs, except one given for a third party ("mon propriétaire, M. X, 03 ...").
"""
from __future__ import annotations

import re
from typing import Optional

import phonenumbers

from classifiers.roles import Role, Roles
from classifiers.settings import Compiled, fold
from classifiers.text import Hit, Segment, line_bounds

# ----------------------------------------------------------------------------------------- phones
_OCR_PHONE = re.compile(r"(?<![\d,:])(?:0|\+33 ?)\d(?:[ .,:\-]?\d{2}){4}(?![\d,:])")


# a number that a wrapped paragraph broke over two lines ("joindre au 03\n85 41 41 41")
_WRAPPED_PHONE = re.compile(r"(?<![\d+])0[1-9](?:[ .]?\d{2}){0,3}[ \t]*\n[ \t]*\d{2}(?:[ .]?\d{2}){0,3}(?!\d)")


def _phone_text(text: str) -> str:
    """OCR reads a dot as a comma or a colon inside French numbers ("06.14,44.13.27", "+33 6 77:97 85 87"), and a
    wrapped line breaks one: same length, offsets hold."""
    if "\n" in text:
        text = _WRAPPED_PHONE.sub(lambda m: m.group(0).replace("\n", " ") if len(re.sub(r"\D", "", m.group(0))) == 10
                                  else m.group(0), text)
    if "," not in text and ":" not in text:
        return text
    return _OCR_PHONE.sub(lambda m: m.group(0).replace(",", ".").replace(":", "."), text)


# French overseas departments share the national "0" format but have their own country codes: "06 90 11 22 33" is a
# Guadeloupe mobile (+590), "06 93 ..." a Réunion one (+262); the FR matcher rejects them as invalid French numbers
_OVERSEAS_REGIONS = ("GP", "MQ", "GF", "RE", "YT", "PM")
_NATIONAL = re.compile(r"(?<![\d+])0[1-9](?:[ .\-]?\d{2}){4}(?!\d)")


# written in the French way, pair by pair ("07 12 23 34 45", "+33 (0)6 39 04 79 79"): a phone number even where the
# numbering plan has not allocated its block (new ranges, numbers typed by hand); a bare run of ten digits must be valid
_GROUPED = re.compile(r"(?:0|\+33[ .]?(?:\(0\)[ .]?)?)[1-9](?:[ .\-]\d{2}){4}")


def _overseas_numbers(text: str, matched: list) -> list:
    """Numbers that the FR matcher left out as not valid: overseas numbers when one region finds them valid, else
    French numbers when written pair by pair."""
    spans = [(pm.start, pm.end) for pm in matched]
    out = []
    try:
        possible = list(phonenumbers.PhoneNumberMatcher(text, "FR", leniency=phonenumbers.Leniency.POSSIBLE, max_tries=200))
    except Exception:  # the library's own parser must never crash the pipeline
        return out
    for pm in possible:
        if any(a < pm.end and pm.start < b for a, b in spans):
            continue
        raw = pm.raw_string
        if _NATIONAL.fullmatch(raw):
            overseas = None
            for region in _OVERSEAS_REGIONS:
                number = phonenumbers.parse(raw, region)
                if phonenumbers.is_valid_number(number):
                    overseas = phonenumbers.PhoneNumberMatch(pm.start, raw, number)
                    break
            if overseas is not None:
                out.append(overseas)
                continue
        if _GROUPED.fullmatch(raw) and phonenumbers.is_possible_number(pm.number) and pm.number.country_code == 33:
            out.append(pm)
    return out


def _whose(segments: list[Segment], seg: Segment, pos: int, cs: Compiled, roles: Optional[Roles]) -> Optional[Role]:
    """INSURED for a number of the insured's own forwarded mail, INTERMEDIARY for one of someone else's part (their
    cover note, letterhead, signature: unless an insured word stands before it on its line, or for a third party
    in the insured's mail), None when the message forwards no insured mail (then the plain rules decide)."""
    if roles is None or not roles.has_insured_mail:
        return None
    a, _ = line_bounds(seg.folded, pos)
    before = seg.folded[a:pos]
    if roles.role_at(segments, seg, pos) == Role.INSURED:
        sentence = re.split(r"(?<![A-Z])[.!?]\s", seg.folded[max(0, pos - 120):pos])[-1]
        third = cs.third_party_cue is not None and cs.third_party_cue.search(sentence)
        return Role.THIRD_PARTY if third else Role.INSURED
    if cs.insured_cue is not None and cs.insured_cue.search(before) or (
            cs.insured_context is not None and cs.insured_context.search(before)):
        return None
    # the intermediary's own "Assuré : … / Téléphone : …" block (outside its signature) gives the insured's number
    name_label, phone_label = cs.labels.get("insured_name"), cs.labels.get("phone")
    if phone_label is not None and phone_label.search(before) and name_label is not None and not seg.in_signature(pos):
        part = seg.structure.parts[seg.structure.message_at(pos)] if seg.structure is not None else None
        lo = max(part.body_start, pos - 400) if part is not None else pos
        for m in name_label.finditer(seg.folded, lo, pos):
            if not seg.folded[line_bounds(seg.folded, m.start())[0]:m.start()].strip(" \t-*•>"):
                return None      # the label opens its line: a block, not a word in a sentence
    return Role.INTERMEDIARY


def phone_hits(segments: list[Segment], cs: Compiled, roles: Optional[Roles] = None) -> list[Hit]:
    """The insured's numbers first: labelled or near an insured word, outside signatures and foreign lines."""
    c = cs.s.confidence
    excluded = set(cs.s.excluded_phones)
    hits: list[Hit] = []
    label = cs.labels.get("phone")
    found: list[tuple[Segment, object]] = []
    for seg in segments:
        if seg.kind == "subject":
            continue
        text = _phone_text(seg.text)
        try:
            matches = list(phonenumbers.PhoneNumberMatcher(text, "FR", leniency=phonenumbers.Leniency.VALID, max_tries=200))
        except Exception:  # the library's own parser must never crash the pipeline
            continue
        found += [(seg, pm) for pm in matches]
        found += [(seg, pm) for pm in _overseas_numbers(text, matches)]
    # a number printed in a signature or on a letterhead line (ORIAS, agency, cabinet...) is the sender's, wherever
    # else it appears in the message
    whose = {(id(seg), pm.start): _whose(segments, seg, pm.start, cs, roles) for seg, pm in found}
    for seg, pm in found:
        a, b = line_bounds(seg.folded, pm.start)
        before = seg.folded[a:pm.start]
        owner = whose[(id(seg), pm.start)]
        if owner in (Role.INTERMEDIARY, Role.THIRD_PARTY):
            excluded.add(phonenumbers.format_number(pm.number, phonenumbers.PhoneNumberFormat.E164))
        elif owner != Role.INSURED and seg.in_signature(pm.start) or (cs.foreign_context is not None and cs.foreign_context.search(seg.folded, a, b)
                                          and not (cs.insured_context is not None and cs.insured_context.search(before))):
            excluded.add(phonenumbers.format_number(pm.number, phonenumbers.PhoneNumberFormat.E164))
    for seg, pm in found:
        e164 = phonenumbers.format_number(pm.number, phonenumbers.PhoneNumberFormat.E164)
        owner = whose[(id(seg), pm.start)]
        if e164 in excluded or owner != Role.INSURED and seg.in_signature(pm.start):
            continue
        a, b = line_bounds(seg.folded, pm.start)
        line_before = seg.folded[a:pm.start]
        prev_a, _ = line_bounds(seg.folded, max(0, a - 1))
        context = seg.folded[prev_a:pm.start] if not line_before.strip() or len(line_before.strip()) < 3 else line_before
        if cs.foreign_context is not None and cs.foreign_context.search(context[-70:]):
            if not (cs.insured_context is not None and cs.insured_context.search(context[-45:])):
                continue
        if re.search(r"(fax|telecopie)\s*[:.]?\s*$", line_before, re.IGNORECASE):
            continue
        labelled_here = label is not None and label.search(line_before[-40:] or "")
        insured = cs.insured_context is not None and cs.insured_context.search(seg.folded, max(0, pm.start - 120), pm.start)
        # "Notre assuré : 06 40 …" names whose number it is (configuration `roles.insured_cues`); an insured word further
        # back may be about someone else ("Le locataire, M. Alain BOYER, vous ouvrira : 06 50 …", the owner insured)
        close = seg.folded[max(0, pm.start - 30):pm.start]
        direct = cs.insured_cue is not None and any(not close[m.end():].strip(" :=-\t") for m in cs.insured_cue.finditer(close))
        if labelled_here or insured:
            conf, tier = c.labelled, 0 if labelled_here or direct else 1
        else:
            conf, tier = c.unlabelled, 2
        if owner == Role.INSURED:        # the insured's own mail gives their own number
            conf, tier = max(conf, c.labelled_weak), min(tier, 1)
        evidence = seg.text[a if pm.start - a < 60 else pm.start - 25:pm.end].strip()
        hits.append(Hit(e164, conf, evidence, seg, pm.start, tier))
    if roles is not None and roles.has_insured_mail:
        hits.sort(key=lambda h: h.tier)
    else:
        hits.sort(key=lambda h: (0 if h.segment.in_quote(h.start) is False else 1, h.tier))
    return hits


# ----------------------------------------------------------------------------------------- e-mail
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# OCR drops the last dot of a scanned address ("valerie.dubois@laposte net")
_EMAIL_OCR = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*(?P<gap> )(?:fr|com|net|org|eu|be|ch)\b")


def _emails(seg: Segment) -> list[tuple[int, int, str]]:
    """(start, end, address) of every address; on OCR pages accents are dropped and a lost last dot restored."""
    text = seg.text
    out: list[tuple[int, int, str]] = []
    at = text.find("@")
    while at >= 0:
        # anchored at each "@" (a search from every letter of a long word would be quadratic on hostile input)
        start = at
        while start > 0 and at - start < 64 and (text[start - 1].isalnum() or text[start - 1] in "._+-"):
            start -= 1
        m = _EMAIL.match(text, start)
        if m and m.end() > at:
            out.append((m.start(), m.end(), m.group(0)))
        elif seg.ocr_conf is not None:
            mo = _EMAIL_OCR.match(text, start)
            if mo and mo.end() > at:
                g = mo.group(0)
                out.append((mo.start(), mo.end(), g[:mo.start("gap") - start] + "." + g[mo.end("gap") - start:]))
        at = text.find("@", at + 1)
    if seg.ocr_conf is not None:
        out = [(a, b, fold(addr)) for a, b, addr in out]
    return out


def email_hits(segments: list[Segment], cs: Compiled, sender: Optional[str], roles: Optional[Roles] = None) -> list[Hit]:
    c = cs.s.confidence
    own = roles.insured() if roles is not None else None
    if own is not None and own.email and own.source != "address":
        seg = segments[own.segment]
        return [Hit(own.email, c.labelled_weak, own.evidence, seg, 0, 0)]
    banned = {d.lower() for d in cs.s.excluded_email_domains}
    sender_domain = sender.split("@")[-1].lower() if sender and "@" in sender else None
    hits: list[Hit] = []
    label = cs.labels.get("email")
    for seg in segments:
        if seg.kind == "subject":
            continue
        for start, end, raw in _emails(seg):
            addr = raw.rstrip(".").lower()
            domain = addr.split("@")[1]
            if seg.in_signature(start):
                continue
            if domain in banned or any(domain.endswith("." + d) for d in banned) or domain == sender_domain:
                continue
            if re.match(r"(no-?reply|ne-?pas|postmaster|mailer-daemon|contact|info|sinistres?|gestion)@", addr):
                continue
            a, b = line_bounds(seg.folded, start)
            before = seg.folded[a:start]
            if re.search(r"^\s*(de|from|a|to|cc|envoye par)\s*:", before, re.IGNORECASE):
                continue
            if cs.foreign_context is not None and cs.foreign_context.search(before) and not (
                    cs.insured_context is not None and cs.insured_context.search(before)):
                continue
            is_labelled = label is not None and label.search(before)
            near = cs.insured_context is not None and cs.insured_context.search(seg.folded, max(0, start - 120), start)
            conf = c.labelled if (is_labelled or near) else c.unlabelled
            hits.append(Hit(addr, conf, seg.text[max(a, start - 20):end].strip(), seg, start,
                            0 if is_labelled else (1 if near else 2)))
    hits.sort(key=lambda h: h.tier)
    return hits


