"""The message as a list of text segments (subject, body, each attachment page), with folded twins.

Extractors search the folded text (accents removed, same length) and report evidence from the original,
so a reviewer sees exactly what was read. Quoted history and signature blocks are located once here,
because several extractors must skip them (a handler's phone in a signature is never the insured's).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional

from classifiers.settings import Compiled, fold
from classifiers.structure import MailHeader, Structure, split_body
from foundation.models import FieldValue, ParsedMessage, Word

_LINE_END = re.compile(r"\n")


@dataclass
class Segment:
    part: str                  # "subject", "body" or the attachment's name
    page: Optional[int]
    text: str
    folded: str
    ocr_conf: Optional[float] = None   # mean OCR word confidence, None for text layers
    kind: str = "body"                 # subject | body | form
    quote_start: int = -1              # offset where quoted history starts (-1: none)
    signatures: list[tuple[int, int]] = field(default_factory=list)
    structure: Optional[Structure] = None   # cover note, forwarded/quoted messages, signatures (body kinds only)
    attached_mail: bool = False             # the body of a forwarded message/rfc822 (or .msg) attachment

    def in_signature(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.signatures)

    def in_quote(self, pos: int) -> bool:
        return self.quote_start >= 0 and pos >= self.quote_start

    def new_text(self) -> str:
        """The text the sender wrote, without quoted history."""
        return self.folded[: self.quote_start] if self.quote_start >= 0 else self.folded


@dataclass
class Hit:
    """One candidate value with where it was read."""
    value: object
    confidence: float
    evidence: str
    segment: Segment
    start: int
    tier: int = 0          # 0: strong label, 1: weak label, 2: unlabelled
    # a value's key read on another line than the hit's own ("Nom : DUPONT" then "Prénom : Jean"): that line's hit,
    # so the key's evidence is the span its value was read from, not the hit's
    read_from: dict[str, "Hit"] = field(default_factory=dict)


def field_value(hit: Hit, value: object = None, key: Optional[str] = None) -> FieldValue:
    """A hit as the field value stored in the extraction (its part and page as evidence); with `key`, the value
    of that key is evidenced by the hit it was read from when that is another one (`Hit.read_from`)."""
    if key is not None and key in hit.read_from:
        hit = hit.read_from[key]
        value = hit.value if value is None else value
    seg = hit.segment
    return FieldValue(value=hit.value if value is None else value, confidence=round(min(1.0, max(0.0, hit.confidence)), 3),
                      evidence=(hit.evidence or None) and hit.evidence[:300], part=seg.part, page=seg.page,
                      reason=hit_reason(hit))


def hit_reason(hit: Hit) -> Optional[str]:
    """Why a hit is less sure than a labelled reading (foundation.models.FIELD_REASONS): the OCR of its page,
    a weak or no label, a name only guessed from the text."""
    if hit.segment.ocr_conf is not None and hit.segment.ocr_conf < 1.0:
        return "ocr_uncertain"
    return {1: "weak_label", 2: "unlabelled", 3: "guessed"}.get(hit.tier)


def _locate_blocks(seg: Segment, cs: Compiled) -> None:
    text = seg.folded
    if cs.quote_headers is not None:
        m = cs.quote_headers.search(text)
        # a quote marker on the first line is the whole message (a forward with no comment): keep it readable
        if m and m.start() > 0:
            seg.quote_start = m.start()
    if cs.signature is not None:
        for m in cs.signature.finditer(text):
            end = len(text)
            if seg.quote_start > m.start():
                end = seg.quote_start
            else:
                # a signature ends at the next quote header or after ~12 lines
                nl = m.end()
                for _ in range(12):
                    nxt = text.find("\n", nl + 1)
                    if nxt < 0:
                        nl = len(text)
                        break
                    nl = nxt
                end = min(end, nl)
            seg.signatures.append((m.start(), end))


_LABEL_WORD = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ°'’/().&-]+|N°|n°|[/&:-])$")


MAX_LAYOUT_WORDS = 3000


def _median_height(words: list[Word]) -> float:
    hs = sorted(w.y1 - w.y0 for w in words)
    return hs[len(hs) // 2] if hs else 0.0


def _is_leader(w: Word, median: float) -> bool:
    """Dotted leaders ("NOM ........ DUPONT") that OCR reads as a flat, wide word of junk letters ("sonenesesnnere"):
    far lower than the page's text and several times wider than high."""
    h = w.y1 - w.y0
    return w.conf is not None and h < 0.45 * median and (w.x1 - w.x0) > max(3 * h, 2 * median)


def _word_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into visual lines, left to right. A word joins the line whose right-most word is level with
    it (within half a line height), so a line is followed across a skewed scan rather than cut by it."""
    lines: list[list[Word]] = []
    median = _median_height(words)
    for w in sorted(words, key=lambda w: (w.x0, w.y0)):
        if not w.text.strip() or _is_leader(w, median):
            continue
        mid, h = (w.y0 + w.y1) / 2, max(1.0, w.y1 - w.y0)
        best, best_d = None, 0.0
        for line in lines:
            last = line[-1]
            d = abs((last.y0 + last.y1) / 2 - mid)
            if d <= 0.5 * max(h, last.y1 - last.y0) and last.x1 <= w.x0 + h and (best is None or d < best_d):
                best, best_d = line, d
        if best is None:
            lines.append([w])
        else:
            best.append(w)
    return sorted(lines, key=lambda line: sum((w.y0 + w.y1) / 2 for w in line) / len(line))


def _label_groups(line: list[Word]) -> Optional[list[list[Word]]]:
    """A row of upper-case labels split at wide gaps ("N° SINISTRE      CODE AGENT      N° DE CONTRAT"), or None."""
    if len(line) < 2 or not all(_LABEL_WORD.match(w.text) for w in line):
        return None
    if sum(any(c.isalpha() for c in w.text) for w in line) < 2:
        return None
    height = sorted(w.y1 - w.y0 for w in line)[len(line) // 2]
    groups = [[line[0]]]
    for prev, w in zip(line, line[1:]):
        if w.x0 - prev.x1 > 2.0 * height:
            groups.append([w])
        else:
            groups[-1].append(w)
    if len(groups) < 2 or any(not any(any(c.isalpha() for c in w.text) for w in g) for g in groups):
        return None
    return groups


def _gutters(line: list[Word]) -> list[tuple[float, float]]:
    """Wide horizontal gaps inside one line (more than four line heights): where a column may end."""
    height = sorted(w.y1 - w.y0 for w in line)[len(line) // 2]
    return [(a.x1, b.x0) for a, b in zip(line, line[1:]) if b.x0 - a.x1 > 4.0 * height]


def _text(line: list[Word]) -> str:
    return " ".join(w.text for w in line)


def _has_value(part: list[Word]) -> bool:
    """Whether a line's left part is itself "LABEL value": dotted leaders, or a wide gap, between two words.
    A bare label ("N° de sinistre", the left column of a label | value table) has neither."""
    if len(part) < 2:
        return False
    if any(re.fullmatch(r"[.…_]{4,}", w.text) for w in part):
        return True
    height = sorted(w.y1 - w.y0 for w in part)[len(part) // 2]
    return any(b.x0 - a.x1 > 2.5 * max(height, 1.0) for a, b in zip(part, part[1:]))


def _opens_with_label(part: list[Word], is_label: Optional[Callable[[str], bool]]) -> bool:
    """Whether a line's right part reads "LABEL value": a known label, or an upper-case word and more after it."""
    if not part:
        return False
    if is_label is not None and is_label(_text(part)):
        return True
    first = part[0].text
    return len(part) >= 2 and bool(_LABEL_WORD.match(first)) and sum(c.isalpha() for c in first) >= 2


def _split_columns(lines: list[list[Word]],
                   is_label: Optional[Callable[[str], bool]] = None) -> tuple[list[list[Word]], bool]:
    """Two blocks printed side by side (ASSURÉ | SINISTRE) read line by line mix a field of the left block with
    one of the right: three or more consecutive lines sharing one wide gap at the same place become the left
    block, then the right block."""
    out: list[list[Word]] = []
    changed = False
    i = 0
    while i < len(lines):
        run: list[list[Word]] = []
        cuts: list[tuple[float, float]] = []
        j = i
        while j < len(lines):
            gaps = _gutters(lines[j])
            common = gaps if not run else [(max(a, c[0]), min(b, c[1])) for a, b in gaps for c in cuts
                                           if min(b, c[1]) > max(a, c[0])]
            if not common:
                break
            cuts = common
            run.append(lines[j])
            j += 1
        cut = max(cuts, key=lambda c: c[1] - c[0]) if cuts else (0.0, 0.0)
        x = (cut[0] + cut[1]) / 2
        # two "LABEL value" blocks side by side: most lines hold a value on the left and open with a label on the
        # right; a column of labels with their values far to the right ("Nom        M. MICHEL") is one block
        valued = sum(_has_value([w for w in line if w.x0 < x]) for line in run)
        right_labels = sum(_opens_with_label([w for w in line if w.x0 >= x], is_label) for line in run)
        if len(run) >= 3 and valued * 2 > len(run) and right_labels * 2 > len(run):
            out += [[w for w in line if w.x0 < x] for line in run]
            out += [[w for w in line if w.x0 >= x] for line in run]
            changed = True
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out, changed


def _inline_labels(lower: list[Word], groups: list[list[Word]], height: float) -> list[list[Word]]:
    """The words of `lower` under each label group."""
    cols: list[list[Word]] = [[] for _ in groups]
    for w in lower:
        col = 0
        for k, g in enumerate(groups):
            if g[0].x0 <= w.x0 + height:
                col = k
        cols[col].append(w)
    return cols


def _value_row(upper: list[Word], lower: Optional[list[Word]],
               is_label: Optional[Callable[[str], bool]] = None) -> Optional[list[str]]:
    """"LABEL : value" lines when `upper` is a row of labels and `lower` the row of their values, else None.
    A lower row that itself reads "LABEL value" in two columns is two side-by-side blocks, not values."""
    groups = _label_groups(upper)
    if groups is None or not lower or _label_groups(lower) is not None:
        return None
    height = sorted(w.y1 - w.y0 for w in lower)[len(lower) // 2]
    if min(w.y0 for w in lower) - max(w.y1 for w in upper) > 3.0 * height:
        return None
    cols = _inline_labels(lower, groups, height)
    inline = sum(len(c) >= 2 and (is_label is not None and is_label(_text(c))
                                  or bool(_LABEL_WORD.match(c[0].text)) and any(ch.isalpha() for ch in c[0].text)
                                  and any(not _LABEL_WORD.match(w.text) for w in c[1:])) for c in cols)
    if inline >= 2 or sum(bool(c) for c in cols) < 2:
        return None
    if is_label is not None and cols[0] and is_label(_text(cols[0])):
        return None     # "NOM    NGUYEN" over "PRÉNOM    Thi": a label | value table whose values are in capitals
    return [f"{_text(g)} : {_text(c)}" for g, c in zip(groups, cols)]


def rebuild_layout(words: list[Word], is_label: Optional[Callable[[str], bool]] = None) -> Optional[str]:
    """The page text rebuilt from word positions when the form is laid out in a way flat text loses, else None.

    Forms that print a row of labels with the values in the row UNDER them (boxes, table headers) come out of OCR
    or text extraction as two flat lines, the labels then the values, so no value follows its label: each such
    pair becomes one "LABEL : value" line per column, matched by horizontal position. Side-by-side blocks are
    read one after the other (see _split_columns)."""
    if len(words) > MAX_LAYOUT_WORDS:
        return None     # a form page holds a few hundred words; a giant page keeps its flat text (bounded work)
    lines = _word_lines(words)
    out: list[str] = []
    pending: list[list[Word]] = []
    median = _median_height(words)
    changed = any(_is_leader(w, median) for w in words)

    def flush() -> None:
        nonlocal changed
        split, did = _split_columns(pending, is_label)
        changed |= did
        out.extend(_text(line) for line in split if line)
        pending.clear()

    i = 0
    while i < len(lines):
        rows = _value_row(lines[i], lines[i + 1] if i + 1 < len(lines) else None, is_label)
        if rows is not None:
            flush()
            out.extend(rows)
            changed = True
            i += 2
            continue
        pending.append(lines[i])
        i += 1
    flush()
    return "\n".join(out) if changed else None


def _starts_with_label(text: str, cs: Compiled) -> bool:
    """Whether a field label opens `text` ("NOM .... MOREAU", "N° SINISTRE B123"): a block's line, not a value."""
    folded = fold(text)
    return any(p is not None and p.match(folded) for p in cs.labels.values())


def segments_of(msg: ParsedMessage, cs: Compiled) -> list[Segment]:
    """Subject, body pages, then attachments' pages (forwarded mails included), in reading order."""
    out: list[Segment] = []
    if msg.subject:
        out.append(Segment("subject", None, msg.subject, fold(msg.subject), kind="subject"))
    for doc in msg.documents():
        if doc.forwarded_subject and not doc.is_body:
            out.append(Segment(doc.name, None, doc.forwarded_subject, fold(doc.forwarded_subject), kind="subject"))
        for page in doc.pages:
            if not page.text or not page.text.strip():
                continue
            kind = "body" if doc.is_body or doc.name == "body" or doc.forwarded_subject else "form"
            text = page.text.replace("\r\n", "\n").replace("\r", "\n")
            if kind == "form" and page.words:
                text = rebuild_layout(page.words, lambda t: _starts_with_label(t, cs)) or text
            # form field names ("code_agent: H23591", "n°_de_sinistre") read like their labels
            seg = Segment(doc.name, page.number if not doc.is_body else None, text, fold(text).replace("_", " "),
                          ocr_conf=page.ocr_confidence if page.ocr else None, kind=kind)
            _locate_blocks(seg, cs)
            if kind == "body":
                seg.attached_mail = not doc.is_body and doc.name != "body"
                header = MailHeader(from_name=doc.forwarded_sender_name, from_addr=doc.forwarded_sender,
                                    subject=doc.forwarded_subject) if seg.attached_mail else \
                    MailHeader(from_name=msg.sender_name, from_addr=msg.sender, subject=msg.subject)
                seg.structure = split_body(seg.text, seg.folded, cs, header)
            out.append(seg)
    return out


_SOFT_WRAP = re.compile(r"(?<=[a-z,'])([ \t]*)\n(?=[ \t]*[a-z])")


def unwrapped(text: str) -> str:
    """A hard-wrapped sentence on one line, same length (offsets hold): a line break between a lower-case word and a
    line going on in lower case is a space ("nous vous remercions de\nprendre contact")."""
    return _SOFT_WRAP.sub(lambda m: m.group(1) + " ", text) if "\n" in text else text


def own_text(seg: Segment) -> str:
    """The folded text that speaks for this message, hard-wrapped sentences joined: a reply's quoted history is left
    out, but a forward's quoted original IS the order ("TR:" with "-----Message d'origine-----")."""
    if seg.kind != "body" or seg.quote_start <= 0:
        return unwrapped(seg.folded)
    head = seg.folded[seg.quote_start: seg.quote_start + 120]
    if re.search(r"transfer|forward|original|origine|de\s*:|from\s*:", head, re.IGNORECASE):
        return unwrapped(seg.folded)
    return unwrapped(seg.new_text())


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b < 0 else b)


def after_label(seg: Segment, end: int, max_lines: int = 2) -> Iterator[int]:
    """Offsets where a labelled value may start: right after the label, else the next non-empty lines."""
    text = seg.folded
    _, eol = line_bounds(text, end)
    rest = text[end:eol]
    if rest.strip(" \t|:;-_.") and not re.fullmatch(r"[\s|:;_.\-]*", rest):
        skip = len(rest) - len(rest.lstrip(" \t|:;_.'‘’\"“”"))
        yield end + skip
        return
    pos = eol
    for _ in range(max_lines):
        if pos >= len(text):
            return
        a = pos + 1
        _, b = line_bounds(text, a)
        line = text[a:b]
        if line.strip():
            yield a + (len(line) - len(line.lstrip(" \t|:;_.'‘’\"“”")))
            return
        pos = b


def ocr_scale(seg: Segment, conf: float, floor: float) -> float:
    """Values read by OCR are only as sure as the OCR was."""
    if seg.ocr_conf is None:
        return conf
    return max(floor, min(conf, conf * (0.5 + 0.5 * seg.ocr_conf)))


def labelled(segments: list[Segment], label: Optional[re.Pattern[str]],
             read: Callable[[Segment, int], Optional[tuple[object, int]]],
             confidence: float, floor: float, kinds: tuple[str, ...] = ("subject", "body", "form"),
             tier: int = 0, skip_signature: bool = False) -> list[Hit]:
    """Every value `read` finds after a match of `label`; read(seg, start) -> (value, end) or None."""
    hits: list[Hit] = []
    if label is None:
        return hits
    for seg in segments:
        if seg.kind not in kinds:
            continue
        for m in label.finditer(seg.folded):
            if skip_signature and seg.in_signature(m.start()):
                continue
            for start in after_label(seg, m.end()):
                got = read(seg, start)
                if got is None:
                    continue
                value, end = got
                evidence = seg.text[m.start():end].strip()
                evidence = re.sub(r"\s*\n\s*", " ", evidence)
                hits.append(Hit(value, ocr_scale(seg, confidence, floor), evidence, seg, m.start(), tier))
    return hits


# the order in which parts are believed: a form, then the body, then the subject
KIND_RANK = {"form": 0, "body": 1, "subject": 2}


def reading_order(hit: "Hit") -> tuple[int, int]:
    """Sort key of candidate hits: form before body before subject, then by position."""
    return KIND_RANK[hit.segment.kind], hit.start
