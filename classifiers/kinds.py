"""What a message is: document type (mission order, follow-up, other), 05I notice, channel and peril.

Scores add the weights of configured signals, and every signal that counted is kept for the reviewer.
Precedence (DOMAIN.md): automatic mail is never a follow-up; a 05I notice is flagged whatever else it is.
"""
from __future__ import annotations

import re
from typing import Optional

from classifiers.settings import Compiled, fold
from classifiers.text import Segment, own_text, unwrapped
from foundation.models import ParsedMessage, Signal


def _first(pattern: Optional[re.Pattern[str]], text: str) -> Optional[re.Match[str]]:
    return pattern.search(text) if pattern is not None and text else None


def subject_parts(msg: ParsedMessage, cs: Compiled) -> tuple[str, bool, bool]:
    """(subject without RE:/TR: prefixes, is a reply, is a forward); prefixes may be stacked ("TR: RE:")."""
    subject = fold(msg.subject or "")
    reply = forward = False
    for _ in range(5):
        m = cs.reply_prefix.match(subject)
        if m:
            if not forward:
                reply = True
            subject = subject[m.end():]
            continue
        m = cs.forward_prefix.match(subject)
        if m:
            if not reply:
                forward = True
            subject = subject[m.end():]
            continue
        break
    return subject.strip(), reply, forward


def document_type(msg: ParsedMessage, segs: list[Segment], cs: Compiled, has_claim: bool,
                  signals: list[Signal], claim: Optional[str] = None) -> str:
    dt = cs.s.document_types
    if msg.automatic in dt.automatic_never_order:
        signals.append(Signal(name="automatic_mail", detail=msg.automatic, weight=1.0))
        return "other"
    subject, reply, forward = subject_parts(msg, cs)
    bodies = [s for s in segs if s.kind != "subject"]
    new_text = unwrapped("\n".join(s.new_text() for s in bodies if s.kind == "body"))
    all_text = unwrapped("\n".join(s.folded for s in bodies))
    # an automatic header is one signal among others: a platform's notification carries one as well as an
    # out-of-office does; it weighs against the order evidence, it does not decide
    automatic = dt.automatic_weights.get(msg.automatic or "", 0.0)
    if automatic:
        signals.append(Signal(name="automatic_mail", detail=msg.automatic, weight=automatic))
    answer = msg.automatic == "auto_replied"      # an automatic answer: only its own text can order anything
    m = _first(cs.not_order_subject, subject)
    if m:
        signals.append(Signal(name="not_order_subject", detail=m.group(0), weight=1.0))
        return "other"
    mailing = cs.mailing_text.search(new_text) if cs.mailing_text is not None else None
    if mailing and not any(s.kind == "form" for s in segs):
        signals.append(Signal(name="mailing_text", detail=mailing.group(0), weight=1.0))
        return "other"
    m = _first(cs.not_order_text, new_text[:3000])
    if m and (not has_claim or answer):
        signals.append(Signal(name="not_order_text", detail=m.group(0), weight=1.0))
        return "other"
    order = automatic
    follow = 0.0
    m = _first(cs.order_subject, subject)
    if m:
        order += 2
        signals.append(Signal(name="order_subject", detail=m.group(0), weight=2))
    order_scope = new_text if reply or answer else all_text
    hits = [p.search(order_scope) for p in cs.order_text]
    hits = [h for h in hits if h]
    if hits:
        order += 2 + 0.5 * min(len(hits) - 1, 2)
        signals.append(Signal(name="order_text", detail=hits[0].group(0), weight=2))
    if any(s.kind == "form" for s in segs) and any(p.search(s.folded) for s in segs if s.kind == "form" for p in cs.order_text):
        order += 2
        signals.append(Signal(name="order_form_attached", weight=2))
    if reply and hits and claim and not any(p.search(new_text) for p in cs.follow_up_text) \
            and _new_order_in_reply(segs, claim, new_text):
        # "RE: Disponibilité serrurier ?" answered with the order itself: the claim appears for the first time in the
        # thread, with the insured and the job; a follow-up names a claim the quoted history already holds
        signals.append(Signal(name="order_in_reply", detail=claim, weight=3))
        return "mission_order"
    if reply:
        follow += 3
        signals.append(Signal(name="reply_subject", detail=(msg.subject or "")[:60], weight=3))
    elif msg.in_reply_to and not forward:
        follow += 1.5
        signals.append(Signal(name="in_reply_to", weight=1.5))
    m = _first(cs.follow_up_subject, subject)
    if m:
        follow += 2.5
        signals.append(Signal(name="follow_up_subject", detail=m.group(0), weight=2.5))
    fhits = [p.search(new_text) for p in cs.follow_up_text]
    fhits = [h for h in fhits if h]
    if fhits:
        follow += 1.5 + 1.0 * min(len(fhits) - 1, 2)   # two distinct follow-up phrases are strong evidence
        signals.append(Signal(name="follow_up_text", detail=fhits[0].group(0), weight=1.5))
    if forward:
        order += 1
        follow -= 1
    # a follow-up refers to something known: a claim, or the thread it answers. An automatic answer
    # (out-of-office) is never one (DOMAIN.md); a platform's notification about a dossier is
    refers = has_claim or bool(msg.in_reply_to)
    # a word of the subject alone ("… - demande de devis") does not outweigh an order written in the body: a
    # follow-up also answers a thread or says so in its text
    subject_only = not reply and not msg.in_reply_to and not fhits and bool(hits)
    if follow >= 2.5 and follow >= order + (1 if subject_only else -1) and (refers or order < 2):
        if answer or not refers:
            signals.append(Signal(name="follow_up_of_nothing" if not refers else "automatic_answer", weight=1.0))
            return "other"
        return "follow_up"
    if order >= 2 or (has_claim and order >= 1 and not answer):
        return "mission_order"
    if follow >= 1.5 and has_claim:
        return "other" if answer else "follow_up"
    if has_claim and not msg.automatic and _looks_like_order_content(all_text):
        signals.append(Signal(name="order_content", weight=1))
        return "mission_order"
    return "other"


_POSTCODE_CITY = re.compile(r"\b\d{5}\s+[a-z]{2,}", re.IGNORECASE)
_NATIONAL_PHONE = re.compile(r"(?<!\d)0[1-9](?:[ .\-]?\d{2}){4}(?!\d)")


def _squeezed(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text).upper()


def _new_order_in_reply(segs: list[Segment], claim: str, new_text: str) -> bool:
    """The reply's own text states the claim with order content, and no quoted part of the thread holds it."""
    if claim not in _squeezed(new_text):
        return False
    kinds_seen = len(set(m.group(1).lower()[:4] for m in _CONTENT.finditer(new_text[:5000])))
    kinds_seen += bool(_POSTCODE_CITY.search(new_text)) + bool(_NATIONAL_PHONE.search(new_text))
    if kinds_seen < 3:
        return False
    quoted = "".join(s.folded[s.quote_start:] for s in segs if s.kind == "body" and s.quote_start >= 0)
    quoted += "".join(s.folded for s in segs if s.kind == "form")
    return claim not in _squeezed(quoted)


_CONTENT = re.compile(r"(assur[eé]|degat|sinistre|fuite|bris|intervention|adresse|t[eé]l)", re.IGNORECASE)


def _looks_like_order_content(text: str) -> bool:
    return len(set(m.group(1).lower()[:4] for m in _CONTENT.finditer(text[:5000]))) >= 3


def is_gestion_integrale(msg: ParsedMessage, segs: list[Segment], cs: Compiled) -> Optional[str]:
    if cs.gestion_integrale is None:
        return None
    for seg in segs:
        if seg.kind == "form":
            continue
        m = cs.gestion_integrale.search(seg.new_text() if seg.kind == "body" else seg.folded)
        if m:
            return seg.text[m.start():m.end()]
    return None


def channel(msg: ParsedMessage, segs: list[Segment], cs: Compiled, claim: Optional[str],
            signals: list[Signal]) -> tuple[str, float]:
    sender = fold((msg.sender or "").lower())
    fwd_senders = [fold(d.forwarded_sender.lower()) for d in msg.attachments if d.forwarded_sender]
    subject = fold(msg.subject or "")
    text = "\n".join(s.folded[:20000] for s in segs if s.kind != "subject")
    best, best_score = "unknown", 0.0
    for name, prof in cs.s.channels.items():
        score = 0.0
        details: list[str] = []
        for who in [sender] + fwd_senders:
            if who and any(p.search(who) for p in prof.sender_re):
                score += prof.sender_weight
                details.append(f"sender {who}")
                break
        for p in prof.subject_re:
            m = p.search(subject)
            if m:
                score += 1
                details.append(f"subject '{m.group(0)}'")
                break
        n = 0
        for p in prof.text_re:
            m = p.search(text)
            if m:
                n += 1
                if n <= 3:
                    details.append(f"text '{m.group(0)}'")
        score += prof.text_weight * min(n, 3)
        if prof.claim_prefix and claim and claim.startswith(prof.claim_prefix):
            score += prof.claim_prefix_weight
            details.append(f"claim prefix {prof.claim_prefix}")
        if prof.fax_weight and _is_fax(msg):
            score += prof.fax_weight
            details.append("fax/scan")
        if score >= prof.min_score and score > best_score:
            best, best_score = name, score
            signals[:] = [s for s in signals if s.name != "channel"]
            signals.append(Signal(name="channel", detail=f"{name}: " + "; ".join(details), weight=score))
    return best, best_score


def _is_fax(msg: ParsedMessage) -> bool:
    """A bare fax file, or a scanned TIFF/PDF attached to a mail; photos (JPEG, PNG) from a phone are no fax."""
    if msg.kind in ("image", "pdf"):
        return True
    return any(d.ocr and ("tif" in (d.content_type or "") or "pdf" in (d.content_type or "")
                          or (d.filename or "").lower().endswith((".tif", ".tiff", ".pdf"))) for d in msg.attachments)


# a ticked box before an option of a form's list: "X Incendie", "[X] Bris de glace", "☒ Tempête"
_TICKED = re.compile(r"(?:^|(?<=[ \t]))(?:\[\s*[xX✗✘☒■]\s*\]|[xX☒✗✘■])[ \t]+(?=(?P<opt>[^\n]{3,28}))", re.MULTILINE)


def ticked_peril(segs: list[Segment], cs: Compiled) -> Optional[tuple[str, str]]:
    """The one peril whose option is ticked in a form's list of natures, if exactly one is (name, evidence)."""
    found: dict[str, str] = {}
    for seg in segs:
        if seg.kind != "form":
            continue
        for m in _TICKED.finditer(seg.folded):
            option = m.group("opt")
            for prof in cs.s.perils:
                if any(weight >= 4 and pattern.match(option) for pattern, weight in prof.compiled):
                    found.setdefault(prof.name, seg.text[m.start():m.end("opt")].strip())
    return next(iter(found.items())) if len(found) == 1 else None


def peril(segs: list[Segment], cs: Compiled, description: Optional[str], signals: list[Signal]) -> Optional[str]:
    """Peril with the highest keyword score (subject and description count double); ties follow config order.
    A form's ticked nature box, when exactly one peril's is ticked, decides."""
    ticked = ticked_peril(segs, cs)
    if ticked:
        signals.append(Signal(name="peril", detail=f"{ticked[0]}: ticked '{ticked[1]}'", weight=10))
        return ticked[0]
    scored: list[tuple[float, int, str, str]] = []
    texts = [(own_text(s), 2.0 if s.kind == "subject" else 1.0) for s in segs]
    if description:
        texts.append((fold(description), 1.0))
    for rank, prof in enumerate(cs.s.perils):
        total = 0.0
        first = ""
        for pattern, weight in prof.compiled:
            for text, factor in texts:
                count = len(pattern.findall(text[:20000]))
                if count:
                    total += weight * factor * min(count, 3)
                    if not first:
                        m = pattern.search(text)
                        first = m.group(0) if m else ""
        if total:
            scored.append((total, -rank, prof.name, first))
    if not scored:
        return None
    scored.sort(reverse=True)
    total, _, name, first = scored[0]
    signals.append(Signal(name="peril", detail=f"{name}: '{first}'", weight=total))
    return name
