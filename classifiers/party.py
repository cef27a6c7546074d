"""The insured's name (civility, last, first); phones and e-mail are in contacts.py, addresses in addresses.py.

Only the insured's own details are wanted. Values in signature blocks, or on a line that names an agency,
broker, expert, platform or handler, belong to someone else and are skipped. Labelled values come first;
free-text patterns ("notre assuré M. Jean DUPONT") next; spaCy's NER only when nothing else found a name.
"""
from __future__ import annotations

import re
from typing import Optional

from classifiers.person import _NAME_TOKEN, _NOISE_PREFIX, _STOP_WORDS, _is_upper_word, _title, parse_person
from classifiers.roles import Role, Roles
from classifiers.settings import Compiled, fold
from classifiers.text import Hit, Segment, labelled, line_bounds

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
        if not person or re.match(r"\s*:", line[len(chunk):]):
            return None     # "notre client." then "Compagnie : Allianz": the next line's label, not a name
        return person, start + len(chunk.rstrip())
    return read


def _party_hit(segments: list[Segment], cs: Compiled, roles: Optional[Roles]) -> Optional[Hit]:
    """The insured named by their own forwarded mail: its From name and signature."""
    found = roles.insured() if roles is not None else None
    if found is None or found.name is None:
        return None
    c = cs.s.confidence
    conf = {"header+signature": c.labelled, "header": c.labelled_weak, "signature": c.labelled_weak}.get(found.source,
                                                                                                     c.unlabelled)
    seg = segments[found.segment]
    part = seg.structure.parts[found.part] if seg.structure is not None else None
    return Hit(found.name.model_dump(), conf, found.evidence, seg, part.start if part else 0, 1)


def _not_insured(seg: Segment, segments: list[Segment], pos: int, a: int, cs: Compiled, roles: Optional[Roles]) -> bool:
    """A civility + name that names someone else: the addressee of a greeting ("Bonjour Madame Hubert"), a third
    party ("mon propriétaire, M. X"), or anyone in an intermediary's own note when the insured's mail is forwarded."""
    before = seg.folded[a:pos]
    if cs.greeting is not None and (g := cs.greeting.match(before)) and g.end() >= len(before.rstrip()):
        return True
    if cs.third_party_cue is not None and cs.third_party_cue.search(before[-60:]):
        return True
    if roles is not None and roles.has_insured_mail and roles.role_at(segments, seg, pos) != Role.INSURED:
        return not (cs.insured_context is not None and cs.insured_context.search(seg.folded, max(0, pos - 60), pos))
    return False


def _sentence_label(h: Hit) -> bool:
    """A label word inside a sentence ("… contacter directement le client." then "Golfe Courtage - Tél") whose value
    was taken from the next line: a form puts such a label first on its line, a sentence does not."""
    seg = h.segment
    a, b = line_bounds(seg.folded, h.start)
    if not seg.folded[a:h.start].strip(" \t|:-*>•"):
        return False
    family = fold(h.value["last_name"]).split()[0] if h.value["last_name"].split() else ""
    return family not in fold(seg.text[h.start:b]).upper()


def name_hits(segments: list[Segment], cs: Compiled, roles: Optional[Roles] = None) -> list[Hit]:
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
                    h.read_from = dict(h.read_from, first_name=firsts[0])
        return found
    others = roles.family_names(Role.INTERMEDIARY) if roles is not None and roles.has_insured_mail else set()
    hits = [h for h in hits if not foreign_line(h.segment, h.start, cs) and fold(h.value["last_name"]) not in others
            and not _sentence_label(h)]
    if hits:
        return with_first(hits)
    own = _party_hit(segments, cs, roles)
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
                foreign[a] = foreign_line(seg, m.start(), cs)
            if seg.in_signature(m.start()) or foreign[a] or _not_insured(seg, segments, m.start(), a, cs, roles):
                continue
            line = seg.text[m.start():min(b, m.start() + 160)]
            if not seg.text[m.end():b].strip(" .\t") and b < len(seg.text):
                # a wrapped paragraph broke the line after the civility ("notre assuré(e) Mme" / "Yvette MASSON, …")
                _, b2 = line_bounds(seg.text, b + 1)
                line = (seg.text[m.start():b].rstrip() + " " + seg.text[b + 1:b2].lstrip())[:160]
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
    hits = [h for h in hits if fold(h.value["last_name"]) not in others]
    hits.sort(key=lambda h: (h.tier, 0 if h.segment.kind == "form" else 1))
    return with_first(([own] if own is not None else []) + hits)


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


def _in_brackets(seg: Segment, pos: int, a: int, b: int, cs: Compiled) -> bool:
    """pos inside a bracket opened after a claim reference, with nothing foreign inside the bracket: "Mandatés par
    Allianz pour le sinistre 2610… (M. Paul GIRAUD, 5 rue …)" names the insured, whoever the line's sentence is about."""
    opened = seg.folded.rfind("(", a, pos)
    if opened < 0 or ")" in seg.folded[opened:pos] or not re.search(
            r"(sinistre|dossier|ref(erence)?)\W+[\w-]*\d[\w-]*\s*$", seg.folded[a:opened]):
        return False
    close = seg.folded.find(")", pos, b)
    inside = seg.folded[opened + 1:close if close >= 0 else b]
    return cs.foreign_context is None or not cs.foreign_context.search(inside)


def foreign_line(seg: Segment, pos: int, cs: Compiled) -> bool:
    if cs.foreign_context is None:
        return False
    a, b = line_bounds(seg.folded, pos)
    return bool(cs.foreign_context.search(seg.folded, a, b)) and not (
        cs.insured_context is not None and cs.insured_context.search(seg.folded, a, b)) and not _in_brackets(seg, pos, a, b, cs)


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


