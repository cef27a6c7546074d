"""Facts the rules stage needs, read negation-aware: cause repaired, leak repair / cosmetic / leak search
requested, occupancy and dwelling.

A phrase only counts as a request when it is not negated just before ("pas de reprise esthétique",
"Allianz ne prend pas en charge la réparation de fuite") nor reported as done just after ("réparation de la
fuite effectuée").
"""
from __future__ import annotations

import re
from typing import Iterator, Optional

from classifiers.settings import Compiled
from classifiers.text import Hit, Segment, labelled, line_bounds, own_text


def _texts(segs: list[Segment]) -> list[Segment]:
    return [s for s in segs]


def _scope(seg: Segment) -> str:
    return own_text(seg)


_YES_NO = {"yes": re.compile(r"\boui\b", re.IGNORECASE), "no": re.compile(r"\bnon\b(?!\s*(renseign|precis))", re.IGNORECASE)}


def cause_repaired(segs: list[Segment], cs: Compiled) -> Optional[Hit]:
    """True when the order says the cause is repaired, False when it says it is not (or awaits a plumber)."""
    c = cs.s.confidence
    for seg in segs:
        text = _scope(seg)
        for p in cs.cause_labelled:
            m = p.search(text)
            if m:
                ans = m.group("answer").lower()
                return Hit(ans in ("oui", "yes", "o"), c.labelled, seg.text[m.start():m.end()], seg, m.start())
    for seg in segs:      # a form's "Cause réparée : [X] Oui [ ] Non" checkboxes
        text = _scope(seg)
        if cs.cause_positive is None:
            break
        for m in cs.cause_positive.finditer(text):
            _, eol = line_bounds(text, m.end())
            ticked = _ticked(text[m.end():eol][:60], _YES_NO)
            if ticked:
                return Hit(ticked[0] == "yes", c.labelled, seg.text[m.start():m.end() + ticked[1]], seg, m.start())
    negative: Optional[Hit] = None
    positive: Optional[Hit] = None
    for seg in segs:
        text = _scope(seg)
        if cs.cause_negative is not None:
            m = cs.cause_negative.search(text)
            if m and negative is None:
                negative = Hit(False, c.labelled_weak, seg.text[m.start():m.end()], seg, m.start())
        if cs.cause_positive is not None and positive is None:
            for m in cs.cause_positive.finditer(text):
                if negative is not None and negative.segment is seg and abs(negative.start - m.start()) < 40:
                    continue
                a, _ = line_bounds(text, m.start())
                before = text[max(a, m.start() - 25):m.start()]
                if re.search(r"\b(pas|non|ni|jamais|avant|si|une fois|des que|apres)\b[^.]*$", before, re.IGNORECASE):
                    continue
                if re.search(r"\b(non|pas|jamais|ni)\b", m.group(0)) or re.match(r"\s*\?", text[m.end():m.end() + 3]):
                    continue
                _, eol = line_bounds(text, m.end())
                answer = text[m.end():eol].strip(" \t:=?.|")
                starts_line = not text[a:m.start()].strip(" \t|-.")
                if _is_option_list(answer, _YES_NO):
                    continue      # unticked "[ ] Oui [ ] Non" boxes state nothing
                if re.match(r"(non|no|n)\b", answer, re.IGNORECASE) \
                        and not (cs.not_stated is not None and cs.not_stated.match(answer)):
                    if negative is None:   # "CAUSE REPAREE ....: NON" that the labelled patterns missed
                        negative = Hit(False, c.labelled_weak, seg.text[m.start():eol], seg, m.start())
                    continue
                label_only = not answer and re.match(r"[\s.…_]*[:=]", text[m.end():eol]) is not None
                if label_only or starts_line and not answer \
                        or answer and cs.not_stated is not None and cs.not_stated.match(answer):
                    continue      # a form's "Cause réparée" box left empty or "Non renseigné": the label, not a statement
                positive = Hit(True, c.labelled_weak, seg.text[m.start():m.end()], seg, m.start())
                break
    return negative or positive


def request(segs: list[Segment], cs: Compiled, pattern: Optional[re.Pattern[str]]) -> Optional[Hit]:
    """The first non-negated, not-already-done occurrence of a requested-work phrase."""
    if pattern is None:
        return None
    c = cs.s.confidence
    for seg in segs:
        text = _scope(seg)
        for m in pattern.finditer(text):
            if seg.in_signature(m.start()):
                continue
            a, b = line_bounds(text, m.start())
            before = text[max(0, m.start() - 60):m.start()]
            after = text[m.end():m.end() + 60]
            if cs.negators_before is not None and cs.negators_before.search(before):
                continue
            if cs.done_after is not None and cs.done_after.search(after):
                continue
            return Hit(True, c.labelled_weak, seg.text[m.start():m.end()], seg, m.start())
    return None


def _vocab_value(text: str, values: dict[str, Optional[re.Pattern[str]]]) -> Optional[tuple[str, re.Match[str]]]:
    best: Optional[tuple[str, re.Match[str]]] = None
    for name, pat in values.items():
        if pat is None:
            continue
        m = pat.search(text)
        if m and (best is None or m.start() < best[1].start()):
            best = (name, m)
    return best


# a tick mark just before an option: "[X]", "(x)", "X", "☒", and the shapes OCR makes of a ticked box on a fax
# ("X]", "IX]", "[X", "{X}", "|X|")
_TICK = re.compile(r"(?:\[\s*[xX✓✔]\s*\]|\(\s*[xX]\s*\)|(?<![\w\[])[xX☒☑■✓✔●](?![\w\]])"
                   r"|(?<!\w)[\[({|lI1]?[xX×][\])}|J1l](?!\w)|(?<!\w)[\[({|][xX×](?![\w\])}|]))[.,:]?\s*$")


def _vocab_all(text: str, values: dict[str, Optional[re.Pattern[str]]]) -> list[tuple[str, re.Match[str]]]:
    found = [(name, m) for name, pat in values.items() if pat is not None for m in pat.finditer(text)]
    return sorted(found, key=lambda f: f[1].start())


def _vocab_scan(text: str, values: dict[str, Optional[re.Pattern[str]]],
                lists: dict[str, Optional[re.Pattern[str]]]) -> Iterator[tuple[str, re.Match[str]]]:
    """Matches of `values` in reading order, skipping lines that list several `lists` options (an unticked checkbox
    list says nothing); searches lazily, one line at a time, instead of collecting every match."""
    pos = 0
    while pos < len(text):
        got = _vocab_value(text[pos:], values)
        if got is None:
            return
        name, m0 = got
        a, b = line_bounds(text, pos + m0.start())
        answered = _answered(text, a, b, values)
        if answered is not None:
            if answered[0] is not None:
                yield answered
        elif _is_option_list(text[a:b], lists):
            # a flattened checkbox list says something only through its one ticked option
            ticked = _ticked(text[a:b], values)
            pat = values[ticked[0]] if ticked else None
            m = pat.search(text, a, b) if pat is not None else None
            if ticked and m is not None:
                yield ticked[0], m
        else:
            pat = values[name]
            m = pat.match(text, pos + m0.start()) if pat is not None else None
            if m is not None:
                yield name, m
        pos = b + 1


_QUESTION = re.compile(r"\s*\?\s*")


def _answered(text: str, a: int, b: int, values: dict[str, Optional[re.Pattern[str]]]):
    """A questionnaire's line ("propriétaire occupant ? ( ) Oui (x) Non  locataire ? (x) Oui ( ) Non", "Maison ?
    ( ) Oui (x) Non"): the value answered yes; of two values, the other one when the only answer is no; (None, None)
    when the line asks but answers nothing; None when the line asks no question."""
    yes: list[tuple[str, re.Match[str]]] = []
    no: list[tuple[str, re.Match[str]]] = []
    for name, m in _vocab_all(text[a:b], values):
        q = _QUESTION.match(text, a + m.end())
        if q is None:
            continue
        answer = text[q.end():min(b, q.end() + 24)]
        ticked = _ticked(answer, _YES_NO)
        match = values[name].search(text, a + m.start(), b) if values[name] is not None else None
        if ticked and match is not None:
            (yes if ticked[0] == "yes" else no).append((name, match))
    if not yes and not no:
        return None
    if len({n for n, _ in yes}) == 1:
        return yes[0]
    others = [n for n, p in values.items() if p is not None and n not in {n for n, _ in no}]
    if not yes and len(values) == 2 and len(others) == 1:
        return others[0], no[0][1]
    return None, None


def _is_option_list(line: str, values: dict[str, Optional[re.Pattern[str]]]) -> bool:
    return len({name for name, pat in values.items() if pat is not None and pat.search(line)}) > 1


def _ticked(line: str, values: dict[str, Optional[re.Pattern[str]]]) -> Optional[tuple[str, int]]:
    """The one option preceded by a tick mark ("X Maison", "[x] Maison", "☒ Maison"), if exactly one is."""
    ticked = {(name, m.end()) for name, m in _vocab_all(line, values) if _TICK.search(line[max(0, m.start() - 6):m.start()])}
    names = {n for n, _ in ticked}
    if len(names) != 1:
        return None
    return min(ticked, key=lambda t: t[1])


def _in_option_list(h: Hit, values: dict[str, Optional[re.Pattern[str]]]) -> bool:
    a, b = line_bounds(h.segment.folded, h.start)
    return _is_option_list(h.segment.folded[a:b], values)


def _ticked_line(h: Hit, values: dict[str, Optional[re.Pattern[str]]]) -> bool:
    a, b = line_bounds(h.segment.folded, h.start)
    return _ticked(h.segment.folded[a:b], values) is not None


def vocabulary(segs: list[Segment], cs: Compiled, field: str, values: dict[str, Optional[re.Pattern[str]]],
               weak: Optional[dict[str, Optional[re.Pattern[str]]]] = None) -> Optional[Hit]:
    """A closed value: the labelled form field first ("Non renseigné" defers to the text), then the text."""
    c = cs.s.confidence

    def read(seg: Segment, start: int):
        _, b = line_bounds(seg.folded, start)
        line = seg.folded[start:b]
        if cs.not_stated is not None and cs.not_stated.match(line[:40].split("  ")[0]):
            return None
        got = _vocab_value(line[:80], values)
        if not got:
            return None
        # a flattened checkbox list names every option: only a tick mark before one of them tells
        if _is_option_list(line[:100], values):
            ticked = _ticked(line[:100], values)
            return (ticked[0], start + ticked[1]) if ticked else None
        return got[0], start + got[1].end()

    hits = labelled(segs, cs.labels.get(field), read, c.labelled, c.ocr_floor, kinds=("body", "form"))
    # a label word inside an option list ("Propriétaire occupant Locataire") is not a label
    hits = [h for h in hits if not _in_option_list(h, values) or h.tier == 0 and _ticked_line(h, values)]
    if hits:
        return hits[0]
    for seg in segs:
        if seg.kind == "subject":
            continue
        text = _scope(seg)
        for name, m in _vocab_scan(text, values, values):
            if seg.in_signature(m.start()):
                continue
            return Hit(name, c.labelled_weak, seg.text[m.start():m.end()], seg, m.start(), tier=1)
    for seg in segs:
        text = _scope(seg)
        for name, m in _vocab_scan(text, weak or {}, values):
            if seg.in_signature(m.start()):
                continue
            return Hit(name, c.unlabelled, seg.text[m.start():m.end()], seg, m.start(), tier=2)
    return None
