"""Message structure before fields: one body text split into typed parts.

A broker's or agency's mail often carries someone else's mail: the sender's cover note, then a forwarded message
(Outlook's "-----Message d'origine-----" / "De : … Envoyé : …", Gmail's "---------- Forwarded message ---------",
Apple Mail's "Début du message réexpédié :", Thunderbird's "-------- Message transféré --------"), or a quote
("Le … a écrit :" with ">" lines). Each message part keeps its own header (From, Date, Subject) so the roles step
can tell whose words, names and numbers they are; signatures and disclaimers are parts of their own.

Every marker and header field name lives in the `classifiers.structure` section of the configuration. Offsets point
into the segment's text (the folded text has the same length).
"""
from __future__ import annotations

import re
from enum import StrEnum
from typing import Optional

from pydantic import BaseModel

from classifiers.settings import Compiled

MAX_LINES = 4000              # a body is split on its first lines only (bounded work on hostile input)
MAX_MESSAGES = 40             # forwarded/quoted messages told apart in one body; the rest stays in the last one
_ADDRESS = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


class PartKind(StrEnum):
    COVER = "cover"                # what the sender of this message wrote
    FORWARDED = "forwarded"        # a forwarded message: marker and/or header block
    QUOTED = "quoted"              # a reply quote: "Le … a écrit :" and/or ">" lines
    SIGNATURE = "signature"        # the closing and the lines under it, inside one message part
    DISCLAIMER = "disclaimer"


class MailHeader(BaseModel):
    from_name: Optional[str] = None
    from_addr: Optional[str] = None
    date: Optional[str] = None
    subject: Optional[str] = None


class BodyPart(BaseModel):
    kind: PartKind
    start: int
    end: int
    depth: int = 0                     # 0: the cover note; 1: a message inside it; 2: one inside that...
    header: Optional[MailHeader] = None
    body_start: int = 0                # where the part's own text starts (after its marker and header lines)
    owner: int = 0                     # for signatures and disclaimers: the index of the message part they close


class Structure(BaseModel):
    parts: list[BodyPart]

    def messages(self) -> list[BodyPart]:
        return [p for p in self.parts if p.kind in (PartKind.COVER, PartKind.FORWARDED, PartKind.QUOTED)]

    def message_at(self, pos: int) -> int:
        """Index (in parts) of the message part that holds `pos`."""
        for i, p in enumerate(self.parts):
            if p.kind in (PartKind.COVER, PartKind.FORWARDED, PartKind.QUOTED) and p.start <= pos < p.end:
                return i
        return 0

    def closing_at(self, pos: int) -> Optional[BodyPart]:
        """The signature or disclaimer part that holds `pos`, if any."""
        for p in self.parts:
            if p.kind in (PartKind.SIGNATURE, PartKind.DISCLAIMER) and p.start <= pos < p.end:
                return p
        return None

    def in_header(self, pos: int) -> bool:
        """Whether `pos` is on a forwarded message's marker or header lines ("Objet : Sinistre – 10 rue X")."""
        return any(p.kind in (PartKind.FORWARDED, PartKind.QUOTED) and p.start <= pos < p.body_start for p in self.parts)

    @property
    def has_inner(self) -> bool:
        return any(p.kind in (PartKind.FORWARDED, PartKind.QUOTED) for p in self.parts)


class _Line(BaseModel):
    start: int
    end: int
    text: str          # folded


def _lines(folded: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for n, raw in enumerate(folded.split("\n")):
        if n >= MAX_LINES:
            break
        out.append(_Line(start=pos, end=pos + len(raw), text=raw))
        pos += len(raw) + 1
    return out


def _field(line: str, cs: Compiled) -> Optional[tuple[str, int]]:
    """("from", offset of the value) when the line is a mail header line."""
    for name, pat in cs.header_field.items():
        m = pat.match(line)
        if m and line[m.end():].strip():
            return name, m.end()
    return None


def parse_from(value: str) -> tuple[Optional[str], Optional[str]]:
    """'Marc Girard [mailto:marc.girard@orange.fr]' / '"Van Dijk, Peter" <p@x.fr>' -> (name, address)."""
    m = _ADDRESS.search(value)
    addr = m.group(0).lower() if m else None
    name = _ADDRESS.sub("", value)
    name = re.sub(r"\[mailto:\s*\]|mailto:|[<>\[\]()\"]", " ", name)
    name = re.sub(r"\s+", " ", name).strip(" ,;:'")
    if "," in name:                     # "Girard, Marc" (Outlook's directory order)
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip().upper()}".strip()
    return (name or None), addr


def _header_block(lines: list[_Line], i: int, text: str, cs: Compiled) -> tuple[Optional[MailHeader], int]:
    """The header lines from line i on (blank lines between them allowed, as HTML bodies give): (header, next line)."""
    header = MailHeader()
    seen: set[str] = set()
    j, blank = i, 0
    while j < len(lines) and j - i < 16:
        line = lines[j]
        if not line.text.strip(" >\t"):
            blank += 1
            if blank > 1 and seen:
                break
            j += 1
            continue
        got = _field(line.text, cs)
        if got is None or got[0] in seen and got[0] != "to":
            break
        blank = 0
        name, off = got
        seen.add(name)
        value = text[line.start + off:line.end].strip()
        if name == "from":
            header.from_name, header.from_addr = parse_from(value)
        elif name == "date":
            header.date = value
        elif name == "subject":
            header.subject = value
        j += 1
    if "from" not in seen or len(seen) < 2:
        return None, i
    return header, j


def _quote_author(line: str) -> MailHeader:
    """'Le lun. 9 mars 2026 à 11:02, Yannick Le Goff <y@free.fr> a écrit :' -> name and address."""
    body = re.sub(r"^\s*>?\s*(le|on)\b", "", line, flags=re.IGNORECASE)
    body = re.sub(r"\s*(a\s+[ée]crit|wrote)\s*:\s*$", "", body, flags=re.IGNORECASE)
    # the date comes first, up to the last comma or time before the name
    cut = max(body.rfind(","), max((m.end() for m in re.finditer(r"\d{1,2}[:h]\d{2}(:\d{2})?", body)), default=-1))
    who = body[cut + 1:] if cut >= 0 else body
    name, addr = parse_from(who)
    if name and re.search(r"\d", name):
        name = None
    return MailHeader(from_name=name, from_addr=addr, date=body[:cut].strip(" ,") if cut > 0 else None)


def _boundaries(lines: list[_Line], text: str, cs: Compiled) -> list[tuple[int, PartKind, Optional[MailHeader], int]]:
    """(line index where a message starts, kind, header, line index where its own text starts)."""
    out: list[tuple[int, PartKind, Optional[MailHeader], int]] = []
    i = 0
    while i < len(lines) and len(out) < MAX_MESSAGES:
        t = lines[i].text
        if cs.forward_marker is not None and cs.forward_marker.search(t):
            j = i + 1
            while j < len(lines) and j - i < 4 and not lines[j].text.strip():
                j += 1
            header, nxt = _header_block(lines, j, text, cs)
            out.append((i, PartKind.FORWARDED, header, nxt if header else i + 1))
            i = max(nxt, i + 1)
            continue
        if cs.quote_intro is not None and cs.quote_intro.search(t) or (
                cs.quote_intro is not None and i + 1 < len(lines) and re.match(r"^\s*(le|on)\b", t, re.IGNORECASE)
                and cs.quote_intro.search(t + " " + lines[i + 1].text.strip())):
            joined = t if cs.quote_intro.search(t) else t + " " + lines[i + 1].text.strip()
            src = text[lines[i].start:lines[i].end] + ("" if joined == t else " " + text[lines[i + 1].start:lines[i + 1].end].strip())
            nxt = i + (1 if joined == t else 2)
            out.append((i, PartKind.QUOTED, _quote_author(src), nxt))
            i = nxt
            while i < len(lines) and (lines[i].text.lstrip().startswith(">") or not lines[i].text.strip()):
                i += 1
            continue
        got = _field(t, cs)
        if got and got[0] == "from":
            header, nxt = _header_block(lines, i, text, cs)
            if header is not None:
                out.append((i, PartKind.FORWARDED, header, nxt))
                i = nxt
                continue
        if t.lstrip().startswith(">"):
            out.append((i, PartKind.QUOTED, None, i))
            while i < len(lines) and (lines[i].text.lstrip().startswith(">") or not lines[i].text.strip()):
                i += 1
            continue
        i += 1
    return out


def _closings(part_index: int, part: BodyPart, lines: list[_Line], cs: Compiled) -> list[BodyPart]:
    """The signature (from a closing line or "-- " to ~12 lines on) and disclaimers inside one message part."""
    out: list[BodyPart] = []
    inside = [ln for ln in lines if part.body_start <= ln.start < part.end]
    sig_from: Optional[int] = None
    for n, ln in enumerate(inside):
        t = ln.text.lstrip(" >")
        if cs.disclaimer is not None and cs.disclaimer.search(t):
            end = next((x.start for x in inside[n + 1:] if not x.text.strip()), part.end)
            out.append(BodyPart(kind=PartKind.DISCLAIMER, start=ln.start, end=min(end, part.end), depth=part.depth,
                                body_start=ln.start, owner=part_index))
            continue
        if sig_from is None and cs.signature is not None and cs.signature.search(t):
            sig_from = n
    if sig_from is not None:
        start = inside[sig_from].start
        last = inside[min(len(inside) - 1, sig_from + 12)]
        end = min(part.end, last.end + 1)
        out.append(BodyPart(kind=PartKind.SIGNATURE, start=start, end=end, depth=part.depth, body_start=start,
                            owner=part_index))
    return out


def split_body(text: str, folded: str, cs: Compiled, header: Optional[MailHeader] = None) -> Structure:
    """The parts of one body text; `header` is the message's own (the cover note's, or an attached mail's)."""
    lines = _lines(folded)
    bounds = _boundaries(lines, text, cs)
    msgs: list[BodyPart] = []
    starts = [(0, PartKind.COVER, header, 0)] + bounds if not bounds or bounds[0][0] > 0 else bounds
    if bounds and bounds[0][0] == 0:
        starts = [(0, bounds[0][1], bounds[0][2] or header, bounds[0][3])] + bounds[1:]
    for k, (li, kind, hdr, own) in enumerate(starts):
        start = lines[li].start if li < len(lines) else len(folded)
        nxt = starts[k + 1][0] if k + 1 < len(starts) else None
        end = lines[nxt].start if nxt is not None and nxt < len(lines) else len(folded)
        body_start = lines[own].start if own < len(lines) else end
        depth = 0 if kind == PartKind.COVER else k if starts[0][1] == PartKind.COVER else k + 1
        msgs.append(BodyPart(kind=kind, start=start, end=end, depth=depth, header=hdr, body_start=min(body_start, end)))
    parts: list[BodyPart] = list(msgs)
    for idx, part in enumerate(msgs):
        parts += _closings(idx, part, lines, cs)
    return Structure(parts=parts)
