"""The insured: name (civility, last, first), phone, e-mail and address.

Only the insured's own details are wanted. Values in signature blocks, or on a line that names an agency,
broker, expert, platform or handler, belong to someone else and are skipped. Labelled values come first;
free-text patterns ("notre assuré M. Jean DUPONT") next; spaCy's NER only when nothing else found a name.
"""
from __future__ import annotations

import re
from typing import Optional

import phonenumbers

from classifiers.first_names import FIRST_NAMES
from classifiers.settings import Compiled, fold
from classifiers.text import Hit, Segment, labelled, line_bounds

# ----------------------------------------------------------------------------------------- names
_NAME_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*\.?")
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


_NAME_END = re.compile(r"(\s{3,}|\t|\||,|;| - | – |\(|\n|\d)")


def _read_name(cs: Compiled, family_first: bool):
    def read(seg: Segment, start: int):
        a, b = line_bounds(seg.text, start)
        line = seg.text[start:b]
        cut = _NAME_END.search(line)
        chunk = line[: cut.start()] if cut else line
        person = parse_person(chunk, cs, family_first=family_first)
        if not person and cs.civility_any.fullmatch(fold(_NOISE_PREFIX.sub("", chunk.strip(" .:|")))) and b < len(seg.text):
            # "Nom Madame" / "GARCIA": the scan broke the line after the civility
            _, b2 = line_bounds(seg.text, b + 1)
            nxt = seg.text[b + 1:b2]
            cut2 = _NAME_END.search(nxt)
            chunk2 = nxt[: cut2.start()] if cut2 else nxt
            person = parse_person(chunk.strip() + " " + chunk2.strip(), cs, family_first=family_first)
            if person:
                return person, b + 1 + len(chunk2.rstrip())
        if not person:
            return None
        return person, start + len(chunk.rstrip())
    return read


_CIVILITY_NAME = None


def name_hits(segments: list[Segment], cs: Compiled) -> list[Hit]:
    c = cs.s.confidence
    hits = labelled(segments, cs.labels.get("insured_name"), _read_name(cs, True), c.labelled, c.ocr_floor,
                    kinds=("body", "form"), skip_signature=True)
    # "Nom : DUPONT" then "Prénom : Jean" on separate lines
    firsts = labelled(segments, cs.labels.get("first_name"), _read_first(), c.labelled, c.ocr_floor, kinds=("body", "form"))

    def with_first(found: list[Hit]) -> list[Hit]:
        if firsts:
            for h in found:
                if isinstance(h.value, dict) and not h.value.get("first_name") and h.value.get("civility") != "M. et Mme":
                    h.value = dict(h.value, first_name=firsts[0].value)
        return found
    hits = [h for h in hits if not _foreign_line(h.segment, h.start, cs)]
    if hits:
        return with_first(hits)
    # free text: a civility followed by a name, preferably near a word about the insured
    for seg in segments:
        if seg.kind == "subject":
            continue
        foreign: dict[int, bool] = {}       # per line start: hostile lines of many civilities stay linear
        for n, m in enumerate(cs.civility_any.finditer(seg.folded)):
            if n >= 200 or len(hits) >= 20:
                break
            a, b = line_bounds(seg.text, m.start())
            if a not in foreign:
                foreign[a] = _foreign_line(seg, m.start(), cs)
            if seg.in_signature(m.start()) or foreign[a]:
                continue
            line = seg.text[m.start():min(b, m.start() + 160)]
            cut = _NAME_END.search(line, m.end() - m.start())
            chunk = line[: cut.start()] if cut else line
            person = parse_person(chunk, cs)
            if not person or person["last_name"] in ("MONSIEUR", "MADAME"):
                continue
            # a bare "M" is a civility only before a written-out name ("M François FAURE", "M DUPONT")
            if m.group(0) == "M" and not _is_upper_word(person["last_name"].replace(" ", "")):
                continue
            before = seg.folded[max(0, m.start() - 120):m.start()]
            near = cs.insured_context is not None and cs.insured_context.search(before)
            conf = c.labelled_weak if near else c.unlabelled
            hits.append(Hit(person, conf, chunk.strip(), seg, m.start(), tier=1 if near else 2))
    hits.sort(key=lambda h: (h.tier, 0 if h.segment.kind == "form" else 1))
    return with_first(hits)


_LABEL_WORDS = {"adresse", "telephone", "email", "e-mail", "qualite", "civilite", "ville", "code", "portable", "mobile", "date"}


def _read_first():
    def read(seg: Segment, start: int):
        m = _NAME_TOKEN.match(seg.text, start)
        nxt = _NAME_TOKEN.match(seg.text, m.end() + 1) if m and seg.text[m.end():m.end() + 1] == " " else None
        if m and len(m.group(0)) <= 2 and nxt and nxt.group(0)[0].isupper() and len(nxt.group(0)) > 2:
            m = nxt        # an OCR speck before the name: "Prénom Fo Véronique", "Prénom : L Gérard"
        if not m or not m.group(0)[0].isupper():
            return None
        tok = m.group(0).rstrip(".")
        if fold(tok).lower() in _STOP_WORDS or fold(tok).lower() in _LABEL_WORDS:
            return None      # an empty field: the next line is the next label, not a first name
        return (_title(tok) if _is_upper_word(tok) else tok), m.end()
    return read


def _foreign_line(seg: Segment, pos: int, cs: Compiled) -> bool:
    if cs.foreign_context is None:
        return False
    a, b = line_bounds(seg.folded, pos)
    return bool(cs.foreign_context.search(seg.folded, a, b)) and not (
        cs.insured_context is not None and cs.insured_context.search(seg.folded, a, b))


def civility_hits(segments: list[Segment], cs: Compiled) -> list[Hit]:
    """A form's own "Civilité : M." field, normalised to the civility convention of the config."""
    c = cs.s.confidence

    def read(seg: Segment, start: int):
        m = cs.civility_any.match(seg.folded, start)
        if not m:
            m2 = re.match(r"(?i)(M|MR)\b", seg.folded[start:start + 3])
            return ("M.", start + m2.end()) if m2 else None
        for canon, pat in cs.civility_re:
            cm = pat.match(seg.folded, m.start())
            if cm and cm.end() == m.end():
                return canon, m.end()
        return None
    return labelled(segments, cs.labels.get("civility"), read, c.labelled, c.ocr_floor, kinds=("body", "form"),
                    skip_signature=True)


# ----------------------------------------------------------------------------------------- phones
_OCR_PHONE = re.compile(r"(?<![\d,])0\d(?:[ .,\-]?\d{2}){4}(?![\d,])")


def _phone_text(text: str) -> str:
    """OCR reads a dot as a comma inside French numbers ("06.14,44.13.27"): same length, offsets hold."""
    return _OCR_PHONE.sub(lambda m: m.group(0).replace(",", "."), text) if "," in text else text


# French overseas departments share the national "0" format but have their own country codes: "06 90 11 22 33" is a
# Guadeloupe mobile (+590), "06 93 ..." a Réunion one (+262); the FR matcher rejects them as invalid French numbers
_OVERSEAS_REGIONS = ("GP", "MQ", "GF", "RE", "YT", "PM")
_NATIONAL = re.compile(r"(?<![\d+])0[1-9](?:[ .\-]?\d{2}){4}(?!\d)")


def _overseas_numbers(text: str, matched: list) -> list:
    """National-format numbers that the FR matcher left out, read as overseas numbers when one region finds them valid."""
    spans = [(pm.start, pm.end) for pm in matched]
    out = []
    for m in _NATIONAL.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in spans):
            continue
        for region in _OVERSEAS_REGIONS:
            try:
                number = phonenumbers.parse(m.group(0), region)
            except phonenumbers.NumberParseException:
                break
            if phonenumbers.is_valid_number(number):
                out.append(phonenumbers.PhoneNumberMatch(m.start(), m.group(0), number))
                break
    return out


def phone_hits(segments: list[Segment], cs: Compiled) -> list[Hit]:
    """The insured's numbers first: labelled or near an insured word, outside signatures and foreign lines."""
    c = cs.s.confidence
    excluded = set(cs.s.excluded_phones)
    hits: list[Hit] = []
    label = cs.labels.get("phone")
    found: list[tuple[Segment, object]] = []
    for seg in segments:
        if seg.kind == "subject":
            continue
        try:
            matches = list(phonenumbers.PhoneNumberMatcher(_phone_text(seg.text), "FR", leniency=phonenumbers.Leniency.VALID,
                                                           max_tries=200))
        except Exception:  # the library's own parser must never crash the pipeline
            continue
        found += [(seg, pm) for pm in matches]
        found += [(seg, pm) for pm in _overseas_numbers(seg.text, matches)]
    # a number printed in a signature or on a letterhead line (ORIAS, agency, cabinet...) is the sender's, wherever
    # else it appears in the message
    for seg, pm in found:
        a, b = line_bounds(seg.folded, pm.start)
        before = seg.folded[a:pm.start]
        if seg.in_signature(pm.start) or (cs.foreign_context is not None and cs.foreign_context.search(seg.folded, a, b)
                                          and not (cs.insured_context is not None and cs.insured_context.search(before))):
            excluded.add(phonenumbers.format_number(pm.number, phonenumbers.PhoneNumberFormat.E164))
    for seg, pm in found:
        e164 = phonenumbers.format_number(pm.number, phonenumbers.PhoneNumberFormat.E164)
        if e164 in excluded or seg.in_signature(pm.start):
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
        if labelled_here or insured:
            conf, tier = c.labelled, 0 if labelled_here else 1
        else:
            conf, tier = c.unlabelled, 2
        evidence = seg.text[a if pm.start - a < 60 else pm.start - 25:pm.end].strip()
        hits.append(Hit(e164, conf, evidence, seg, pm.start, tier))
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


def email_hits(segments: list[Segment], cs: Compiled, sender: Optional[str]) -> list[Hit]:
    c = cs.s.confidence
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
            if seg.in_signature(start) or seg.in_quote(start) and seg.kind == "body" and not _after_forward(seg):
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


def _after_forward(seg: Segment) -> bool:
    return True


# ----------------------------------------------------------------------------------------- address
_STREET_WORDS = (r"rue|avenue|av\.?|boulevard|bd|bld|chemin|ch\.|all[eé]e|impasse|imp\.|place|pl\.|route|rte|quai|cours|square|"
                 r"r[eé]sidence|r[eé]s\.|lotissement|lot\.|lieu-dit|lieudit|faubourg|fbg|passage|sentier|voie|rond-point|hameau|"
                 r"cit[eé]|parc|domaine|clos|villa|mont[eé]e|traverse|promenade|esplanade|chauss[eé]e|straat|laan|plein|weg")
STREET = re.compile(rf"(?<![\w])(?P<street>\d{{1,4}}\s?(?:bis|ter|[a-c])?\s*,?\s*(?:{_STREET_WORDS})\b[^\n,;|]{{2,80}}?)"
                    rf"(?=\s*(?:[,;|\n]|\s-\s|\s\d{{5}}\b|$))", re.IGNORECASE)
POSTCODE_CITY = re.compile(r"(?<![\d\w])(?P<cp>(?:0[1-9]|[1-8]\d|9[0-8])\d{3})\s*,?\s+(?P<city>[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\- ]{1,40}?(?:\s+\d{1,2}(?:e|er|eme)?)?)"
                           r"(?=\s*(?:cedex\b.*)?(?:$|[\n,;|()]|\s{2,}|\s-\s|\s+(?:t[eé]l|tel|portable|mobile|mail|e-?mail|fax|gsm)\b))",
                           re.IGNORECASE | re.MULTILINE)


def _clean_city(city: str) -> str:
    city = re.sub(r"\s+cedex.*$", "", city.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s{2,}", " ", city).strip(" -'")


def address_hits(segments: list[Segment], cs: Compiled) -> list[Hit]:
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
        if not _foreign_line(h.segment, h.start, cs):
            out.append(h)
    if out:
        return out
    for seg in segments:
        if seg.kind == "subject":
            continue
        for m in STREET.finditer(seg.text):
            if seg.in_signature(m.start()) or _foreign_line(seg, m.start(), cs):
                continue
            got = _parse_address(seg.text[m.start():m.start() + 160], m.start())
            if got is None:
                continue
            near = cs.insured_context is not None and cs.insured_context.search(seg.folded, max(0, m.start() - 150), m.start())
            value, end = got
            out.append(Hit(value, c.labelled_weak if near else c.unlabelled,
                           re.sub(r"\s*\n\s*", " ", seg.text[m.start():end]).strip(), seg, m.start(), 1 if near else 2))
    out.sort(key=lambda h: h.tier)
    return out


def _parse_address(window: str, offset: int):
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
        if not _foreign_line(h.segment, h.start, cs):
            for key in ("postcode", "city"):
                out[key] = Hit(h.value[key], h.confidence, h.evidence, h.segment, h.start, h.tier)
            break
    for name, reader in (("postcode", read_cp), ("city", read_city)):
        if name in out:
            continue
        hits = labelled(segments, cs.labels.get(name), reader, c.labelled, c.ocr_floor, kinds=("body", "form"),
                        skip_signature=True)
        hits = [h for h in hits if not _foreign_line(h.segment, h.start, cs)]
        if hits:
            out[name] = hits[0]
    return out
