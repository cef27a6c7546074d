"""Who is who: each message part of the structure gets its author's role, and the insured gets a name.

A broker or agency that forwards or quotes the insured's own mail is the intermediary: its cover note, letterhead
and signature are its own (their names and numbers are never the insured's). The forwarded mail whose author writes
from a consumer mailbox, or that the cover note presents ("notre client", "mon assuré", "ci-dessous"), is the
insured's: its From name and signature name the insured, its prose holds their address and phone. Inside it, a
person named after a cue such as "mon propriétaire" is a third party, and a name in a greeting is the addressee.

Cue phrases live in the `classifiers.roles` section of the configuration.
"""
from __future__ import annotations

import re
from enum import StrEnum
from typing import Optional

from pydantic import BaseModel

from classifiers.first_names import FIRST_NAMES
from classifiers.person import parse_person
from classifiers.settings import Compiled, fold
from classifiers.structure import BodyPart, MailHeader, PartKind
from classifiers.text import Segment
from foundation.models import ParsedMessage


class Role(StrEnum):
    SENDER = "sender"                  # a message with nothing forwarded: its author's role is not told here
    INTERMEDIARY = "intermediary"      # broker, agency, their colleagues
    INSURED = "insured"
    THIRD_PARTY = "third_party"        # landlord, neighbour, trustee, craftsman...
    EXPERT = "expert"
    PLATFORM = "platform"


class Person(BaseModel):
    civility: Optional[str] = None
    last_name: str
    first_name: Optional[str] = None


class Party(BaseModel):
    role: Role
    name: Optional[Person] = None
    email: Optional[str] = None
    source: str                        # header | signature | header+signature | address
    segment: int                       # index in the segment list
    part: int                          # index in that segment's structure parts
    evidence: str = ""


class MessageRole(BaseModel):
    segment: int
    part: int
    role: Role
    author: Optional[MailHeader] = None


class Roles(BaseModel):
    messages: list[MessageRole]
    parties: list[Party]

    def role_at(self, segs: list[Segment], seg: Segment, pos: int) -> Role:
        if seg.structure is None:
            return Role.SENDER
        idx = next((i for i, s in enumerate(segs) if s is seg), -1)
        part = seg.structure.message_at(pos)
        for m in self.messages:
            if m.segment == idx and m.part == part:
                return m.role
        return Role.SENDER

    @property
    def has_insured_mail(self) -> bool:
        return any(m.role == Role.INSURED for m in self.messages) and any(
            m.role == Role.INTERMEDIARY for m in self.messages)

    def insured(self) -> Optional[Party]:
        named = [p for p in self.parties if p.role == Role.INSURED and p.name is not None]
        return named[0] if named else None

    def family_names(self, role: Role) -> set[str]:
        return {fold(p.name.last_name).upper() for p in self.parties if p.role == role and p.name is not None}


def _domain(addr: Optional[str]) -> Optional[str]:
    return addr.rsplit("@", 1)[1].lower() if addr and "@" in addr else None


def _personal(addr: Optional[str], cs: Compiled) -> bool:
    dom = _domain(addr)
    return bool(dom and cs.personal_sender is not None and cs.personal_sender.search(dom))


def _author_role(author: Optional[MailHeader], cs: Compiled, own_domains: set[str]) -> Optional[Role]:
    """The role an author's own header gives (None: it does not tell)."""
    if author is None:
        return None
    addr, name = author.from_addr or "", fold(author.from_name or "")
    dom = _domain(addr)
    if dom and dom in own_domains:
        return Role.INTERMEDIARY
    who = f"{name} {addr}"
    banned = {d.lower() for d in cs.s.excluded_email_domains}
    if dom and (dom in banned or any(dom.endswith("." + d) for d in banned)) or (
            cs.platform_cue is not None and cs.platform_cue.search(who)):
        return Role.PLATFORM
    if cs.expert_cue is not None and cs.expert_cue.search(who):
        return Role.EXPERT
    if _personal(addr, cs):
        return Role.INSURED
    if cs.foreign_context is not None and cs.foreign_context.search(who) or re.search(
            r"courtage|courtier|assurance|agence|cabinet", who, re.IGNORECASE):
        return Role.INTERMEDIARY
    return None


_FIRST_PERSON = re.compile(r"\b(je|j'|mon|ma|mes|moi|my|I)\b")


def _is_message(p: BodyPart) -> bool:
    return p.kind in (PartKind.COVER, PartKind.FORWARDED, PartKind.QUOTED)


def assign(msg: ParsedMessage, segs: list[Segment], cs: Compiled) -> Roles:
    """The role of every message part's author, and the parties named by headers and signatures."""
    structured = [(i, s) for i, s in enumerate(segs) if s.structure is not None]
    inner = any(s.attached_mail or s.structure.has_inner for _, s in structured)
    own_domains = {d for d in (_domain(msg.sender),) if d and not _personal(msg.sender, cs)}
    cover_cue = any(cs.insured_cue is not None and cs.insured_cue.search(
        s.folded[p.body_start:p.end]) for _, s in structured for p in s.structure.parts
        if p.kind == PartKind.COVER and not s.attached_mail)
    messages: list[MessageRole] = []
    pending: list[tuple[int, int, Optional[MailHeader]]] = []
    for i, seg in structured:
        for j, part in enumerate(seg.structure.parts):
            if not _is_message(part):
                continue
            main_cover = part.kind == PartKind.COVER and not seg.attached_mail
            if main_cover:
                role = (Role.INSURED if _personal(msg.sender, cs) else Role.INTERMEDIARY) if inner else Role.SENDER
                messages.append(MessageRole(segment=i, part=j, role=role, author=part.header))
                continue
            role = _author_role(part.header, cs, own_domains)
            if role is None:
                pending.append((i, j, part.header))
                continue
            messages.append(MessageRole(segment=i, part=j, role=role, author=part.header))
    # an author the header does not tell: the insured when the cover note presents the mail as the client's and the
    # mail speaks in the first person (a quoted reply of the receiving office speaks for "nous")
    for i, j, header in pending:
        part = segs[i].structure.parts[j]
        first_person = _FIRST_PERSON.search(segs[i].folded, part.body_start, part.end)
        role = Role.INSURED if cover_cue and first_person else Role.SENDER
        messages.append(MessageRole(segment=i, part=j, role=role, author=header))
    roles = Roles(messages=messages, parties=[])
    for m in messages:
        if m.role in (Role.INSURED, Role.INTERMEDIARY):
            party = _party(segs[m.segment], m, cs)
            if party is not None:
                roles.parties.append(party)
    return roles


# ----------------------------------------------------------------------------------------- names of a message part
_NAME_LINE = re.compile(r"^[ \t>]*([A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’.\- ]{1,60})[ \t]*$")


def _signature_names(seg: Segment, part: BodyPart) -> list[str]:
    """Lines near the end of a message part that can only be a name ("Marc GIRARD", "> Yannick LE GOFF")."""
    text = seg.text[part.body_start:part.end]
    lines = [ln for ln in text.split("\n") if ln.strip(" >\t")]
    out = []
    for ln in reversed(lines[-6:]):
        m = _NAME_LINE.match(ln)
        if m and 1 <= len(m.group(1).split()) <= 4 and not re.search(r"(?i)envoy|sent from|iphone|android", ln):
            out.append(m.group(1).strip())
    return out


def _from_address(addr: Optional[str]) -> Optional[str]:
    """'denis.roussel@sfr.fr' -> 'Denis ROUSSEL' when the local part is a known first name and a family name."""
    local = (addr or "").split("@")[0]
    bits = re.split(r"[._-]", local)
    if len(bits) == 2 and all(b.isalpha() and len(b) >= 2 for b in bits) and fold(bits[0]).lower() in FIRST_NAMES:
        return f"{bits[0].title()} {bits[1].upper()}"
    return None


def _party(seg: Segment, m: MessageRole, cs: Compiled) -> Optional[Party]:
    part = seg.structure.parts[m.part]
    header = m.author or MailHeader()
    head = parse_person(header.from_name, cs) if header.from_name and "@" not in header.from_name else None
    head_tokens = {fold(t).upper() for t in re.split(r"[\s\-]+", header.from_name or "") if t}
    best: Optional[dict] = None
    source = "header"
    for line in _signature_names(seg, part):
        sig = parse_person(line, cs)
        if not sig:
            continue
        sig_tokens = {fold(t).upper() for t in re.split(r"[\s\-]+", line) if t}
        if head is not None and sig_tokens & head_tokens and len(sig_tokens) >= 2:
            best, source = sig, "header+signature"
            if not best.get("first_name") and head.get("first_name"):
                best = dict(best, first_name=head["first_name"])
            break
        if head is None and len(sig_tokens) >= 2 and (any(t.isupper() and len(t) > 1 for t in line.split())
                                                      or fold(line.split()[0]).lower() in FIRST_NAMES):
            best, source = sig, "signature"
            break
    if best is None and head is not None and (len(head_tokens) >= 2 or head.get("civility")):
        best = head
    if best is None and m.role == Role.INSURED:
        guess = _from_address(header.from_addr)
        if guess:
            best, source = parse_person(guess, cs), "address"
    if best is None and not header.from_addr:
        return None
    name = Person(**best) if best else None
    return Party(role=m.role, name=name, email=header.from_addr, source=source, segment=m.segment, part=m.part,
                 evidence=(header.from_name or header.from_addr or "")[:120])
