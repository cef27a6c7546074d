"""The insured's address: street, postcode and city, labelled blocks first, then addresses written in prose.

In the insured's own forwarded mail an address in a sentence ("à mon domicile, 120 ter boulevard Jean Moulin, apt 26,
22000 SAINT-BRIEUC.") is theirs; an intermediary's letterhead address never is.
"""
from __future__ import annotations

import re
from typing import Optional

from classifiers.party import foreign_line
from classifiers.roles import Role, Roles
from classifiers.text import Hit, Segment, labelled, line_bounds
from classifiers.settings import Compiled

# ----------------------------------------------------------------------------------------- address
_STREET_WORDS = (r"rue|avenue|av\.?|boulevard|bd|bld|chemin|ch\.|all[eé]e|impasse|imp\.|place|pl\.|route|rte|quai|cours|square|"
                 r"r[eé]sidence|r[eé]s\.|lotissement|lot\.|lieu-dit|lieudit|faubourg|fbg|passage|sentier|voie|rond-point|hameau|"
                 r"cit[eé]|parc|domaine|clos|villa|mont[eé]e|traverse|promenade|esplanade|chauss[eé]e|straat|laan|plein|weg")
STREET = re.compile(rf"(?<![\w])(?P<street>\d{{1,4}}\s?(?:bis|ter|[a-c])?\s*,?\s*(?:{_STREET_WORDS})\b[^\n,;|]{{2,80}}?)"
                    rf"(?=\s*(?:[,;|\n]|\s-\s|\s\d{{5}}\b|$)|\s+(?:à|a)\s+[A-ZÀ-Ý][\w'’\- ]{{1,40}}\(\s*\d{{5}}\s*\))", re.IGNORECASE)
POSTCODE_CITY = re.compile(r"(?<![\d\w])(?P<cp>(?:0[1-9]|[1-8]\d|9[0-8])\d{3})\s*,?\s+(?P<city>[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\- ]{1,40}?(?:[ \t]+\d{1,2}(?:e|er|eme)?)?)"
                           r"(?=\s*(?:cedex\b.*)?(?:$|[\n,;|()]|\.(?:\s|$)|\s{2,}|\s-\s|\s+(?:t[eé]l|tel|portable|mobile|mail|e-?mail|fax|gsm)\b))",
                           re.IGNORECASE | re.MULTILINE)


def _clean_city(city: str) -> str:
    city = re.sub(r"\s+cedex.*$", "", city.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s{2,}", " ", city).strip(" -'")


_CITY_LINKS = {"sur", "sous", "en", "de", "du", "des", "la", "le", "les", "d'", "l'", "et", "aux", "au", "lès", "lez"}


def _prose_city(city: str) -> str:
    """A city read in a sentence ends at the first lower-case word that links nothing: "Paris last night" -> "Paris",
    "Aix en Provence" and "Villeneuve-d'Ascq" stay whole."""
    kept: list[str] = []
    for word in city.split():
        if word[:1].isupper() or word.lower() in _CITY_LINKS or word.lower().startswith(("d'", "l'")):
            kept.append(word)
        else:
            break
    while kept and kept[-1].lower() in _CITY_LINKS:
        kept.pop()
    return " ".join(kept) or city


def _whose(segments: list[Segment], seg: Segment, pos: int, cs: Compiled, roles: Optional[Roles]) -> Optional[Role]:
    """INSURED in the insured's own forwarded mail, INTERMEDIARY in anyone else's part of such a message (unless an
    insured word opens the line), None when nothing of the insured is forwarded."""
    if roles is None or not roles.has_insured_mail:
        return None
    if roles.role_at(segments, seg, pos) == Role.INSURED:
        return Role.INSURED
    a, _ = line_bounds(seg.folded, pos)
    if cs.insured_context is not None and cs.insured_context.search(seg.folded, a, pos):
        return None
    return Role.INTERMEDIARY


def address_hits(segments: list[Segment], cs: Compiled, roles: Optional[Roles] = None) -> list[Hit]:
    """(street, postcode, city) triples; labelled blocks first, then free-text addresses near the insured."""
    c = cs.s.confidence
    out: list[Hit] = []

    def read(seg: Segment, start: int):
        a, b = line_bounds(seg.text, start)
        # the value may run over the next line ("12 rue des Lilas" / "75012 PARIS")
        b2 = seg.text.find("\n", b + 1)
        window_end = len(seg.text) if b2 < 0 else b2
        window = seg.text[start:window_end]
        return _parse_address(window, start)

    for h in labelled(segments, cs.labels.get("address"), read, c.labelled, c.ocr_floor, kinds=("body", "form"),
                      skip_signature=True):
        if not foreign_line(h.segment, h.start, cs):
            out.append(h)
    if out:
        return out
    for seg in segments:
        if seg.kind == "subject":
            continue
        for m in STREET.finditer(seg.text):
            owner = _whose(segments, seg, m.start(), cs, roles)
            if seg.structure is not None and seg.structure.in_header(m.start()) or owner == Role.INTERMEDIARY or owner != Role.INSURED and seg.in_signature(m.start()) \
                    or foreign_line(seg, m.start(), cs):
                continue
            got = _parse_address(seg.text[m.start():m.start() + 160], m.start())
            if got is None:
                continue
            lead = seg.folded[max(0, m.start() - 150):m.start()]
            near = owner == Role.INSURED or cs.insured_context is not None and cs.insured_context.search(lead) or (
                cs.prose_address_cue is not None and cs.prose_address_cue.search(lead[-60:]))
            value, end = got
            if value.get("city"):
                value["city"] = _prose_city(value["city"])
            out.append(Hit(value, c.labelled_weak if near else c.unlabelled,
                           re.sub(r"\s*\n\s*", " ", seg.text[m.start():end]).strip(), seg, m.start(), 1 if near else 2))
    if not out:
        out = _placename_hits(segments, cs, roles)
    out.sort(key=lambda h: (h.tier, not h.value.get("postcode")))
    return out


def _placename_hits(segments: list[Segment], cs: Compiled, roles: Optional[Roles]) -> list[Hit]:
    """An address with no street number ("Manoir de Kerlan, 29200 BREST", "Lieu-dit Les Granges 12850 ONET"): a postcode
    and city in prose right after an insured word, the place name before it on its line as the street."""
    c = cs.s.confidence
    out: list[Hit] = []
    for seg in segments:
        if seg.kind == "subject":
            continue
        for m in POSTCODE_CITY.finditer(seg.text):
            a, _ = line_bounds(seg.text, m.start())
            owner = _whose(segments, seg, m.start(), cs, roles)
            if seg.structure is not None and seg.structure.in_header(m.start()) or owner == Role.INTERMEDIARY \
                    or owner != Role.INSURED and seg.in_signature(m.start()) or foreign_line(seg, m.start(), cs):
                continue
            lead = seg.folded[max(0, m.start() - 150):m.start()]
            if owner != Role.INSURED and not (cs.insured_context is not None and cs.insured_context.search(lead)):
                continue
            place = seg.text[a:m.start()].rstrip(" ,-").rsplit(",", 1)[-1].strip(" ,-")
            street = place if place[:1].isupper() and len(place) <= 60 and not re.search(r"\d", place) else None
            value = {"street": street, "postcode": m.group("cp"), "city": _prose_city(_clean_city(m.group("city")))}
            out.append(Hit(value, c.unlabelled, seg.text[a:m.end()].strip(), seg, m.start(), 2))
            break
    return out


# in a sentence the city may come first and the postcode after it: "106 chemin de Verdun à BESANÇON (25000)"
CITY_POSTCODE = re.compile(r"\s+(?:à|a|in)\s+(?P<city>[A-ZÀ-Ý][A-Za-zÀ-ÖØ-öø-ÿ'’\- ]{1,40}?)\s*\(\s*(?P<cp>(?:0[1-9]|[1-8]\d|9[0-8])\d{3})\s*\)")


def _parse_address(window: str, offset: int):
    cp_after = CITY_POSTCODE.search(window)
    street_first = STREET.match(window)
    if cp_after and street_first and cp_after.start() <= street_first.end() and "\n" not in window[:cp_after.start()]:
        value = {"street": window[:cp_after.start()].strip(" ,-"), "postcode": cp_after.group("cp"),
                 "city": _clean_city(cp_after.group("city"))}
        return value, offset + cp_after.end()
    pc = POSTCODE_CITY.search(window)
    street_m = STREET.match(window) or STREET.search(window[: pc.start()] if pc else window)
    street = street_m.group("street").strip(" ,-") if street_m else None
    if pc and street_m is None:
        before = window[: pc.start()].strip(" ,-\n")
        if before and "\n" not in before and len(before) <= 80 and re.search(r"[A-Za-z]", before):
            street = before
    if not pc and not street:
        return None
    if not pc and "\n" in window[: street_m.end()] if street_m else False:
        return None
    value = {"street": street or None, "postcode": pc.group("cp") if pc else None,
             "city": _clean_city(pc.group("city")) if pc else None}
    end = offset + (pc.end() if pc else street_m.end())
    return value, end


def labelled_postcode_city(segments: list[Segment], cs: Compiled) -> dict[str, Hit]:
    c = cs.s.confidence
    out: dict[str, Hit] = {}

    def read_cp(seg: Segment, start: int):
        m = re.match(r"(\d{5})\b", seg.text[start:])
        return (m.group(1), start + m.end()) if m else None

    def read_city(seg: Segment, start: int):
        m = re.match(r"([A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\- ]{1,40})", seg.text[start:])
        return (_clean_city(m.group(1)), start + m.end()) if m else None

    def read_both(seg: Segment, start: int):
        _, b = line_bounds(seg.text, start)
        m = POSTCODE_CITY.match(seg.text[start:b].rstrip(" |\t"))
        if not m:
            return None
        return {"postcode": m.group("cp"), "city": _clean_city(m.group("city"))}, start + m.end()

    # "Code postal / Ville" then "49100 ANGERS", on the same line, in the next cell or on the next line
    for h in labelled(segments, cs.labels.get("postcode_city"), read_both, c.labelled, c.ocr_floor, kinds=("body", "form"),
                      skip_signature=True):
        if not foreign_line(h.segment, h.start, cs):
            for key in ("postcode", "city"):
                out[key] = Hit(h.value[key], h.confidence, h.evidence, h.segment, h.start, h.tier)
            break
    for name, reader in (("postcode", read_cp), ("city", read_city)):
        if name in out:
            continue
        hits = labelled(segments, cs.labels.get(name), reader, c.labelled, c.ocr_floor, kinds=("body", "form"),
                        skip_signature=True)
        hits = [h for h in hits if not foreign_line(h.segment, h.start, cs)]
        if hits:
            out[name] = hits[0]
    return out
