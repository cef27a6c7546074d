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
from intake.models import ParsedMessage

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
            # form field names ("code_agent: H23591", "n°_de_sinistre") read like their labels
            seg = Segment(doc.name, page.number if not doc.is_body else None, text, fold(text).replace("_", " "),
                          ocr_conf=page.ocr_confidence if page.ocr else None, kind=kind)
            _locate_blocks(seg, cs)
            out.append(seg)
    return out


def own_text(seg: Segment) -> str:
    """The folded text that speaks for this message: a reply's quoted history is left out, but a forward's quoted
    original IS the order ("TR:" with "-----Message d'origine-----")."""
    if seg.kind != "body" or seg.quote_start <= 0:
        return seg.folded
    head = seg.folded[seg.quote_start: seg.quote_start + 120]
    if re.search(r"transfer|forward|original|origine|de\s*:|from\s*:", head, re.IGNORECASE):
        return seg.folded
    return seg.new_text()


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
