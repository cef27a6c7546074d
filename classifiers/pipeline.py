"""classify(msg, config) -> Extraction: document type, channel, peril, and every field with confidence and
evidence. Regexes come from configuration, compiled once per Config object; spaCy runs only as a fallback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Optional

from classifiers import channel_refs, flags, insured, kinds, ner, references, trust
from classifiers.dates_amounts import find_amounts, find_dates
from classifiers.settings import Compiled, classifier_settings, fold
from classifiers.text import Hit, Segment, field_value, labelled, line_bounds, reading_order, segments_of
from foundation.models import Extraction, FieldValue, ParsedMessage, Signal



def warm_up(config: Any) -> None:
    """Compile the configured patterns and load spaCy once, before workers fork."""
    classifier_settings(config)
    ner.load()


_fv = field_value


def _ref_date(msg: ParsedMessage) -> date:
    if msg.date:
        return msg.date.date()
    return datetime.now().date()


# ----------------------------------------------------------------------------------------- claim choice
def _same_shape(a: Hit, b: Hit) -> bool:
    """Two readings of one reference: same leading letter, lengths within one (not a contract beside a claim)."""
    va, vb = str(a.value), str(b.value)
    return a.segment.kind != "subject" and va[:1] == vb[:1] and abs(len(va) - len(vb)) <= 1


def _choose_claim(hits: list[Hit], cs: Compiled) -> tuple[Optional[FieldValue], list[FieldValue]]:
    if not hits:
        return None, []
    best_tier = min(h.tier for h in hits)
    pool = [h for h in hits if h.tier == best_tier and h.segment.kind != "subject"] or \
           [h for h in hits if h.tier == best_tier]
    pool.sort(key=reading_order)
    chosen = pool[0]
    # another way of writing it in the same message: strong labels anywhere, anything in the subject
    # "C 725 3789 ou C7253889": two different candidates of the chosen one's own tier in the message's own text
    rivals = [h for h in hits if h.value != chosen.value and (h.tier == 0 or h.segment.kind == "subject"
                                                              or (_same_shape(h, chosen) and not h.segment.in_quote(h.start)))
              and not (h.segment.kind == "body" and h.segment.in_quote(h.start) and chosen.segment.kind != "body")]
    # a longer number that merely contains the chosen one is the same reference, read with its neighbour
    rivals = [h for h in rivals if not (str(chosen.value) in str(h.value) or str(h.value) in str(chosen.value)) or h.tier == 0]
    fv = _fv(chosen)
    conflicts: list[FieldValue] = []
    if rivals:
        fv.confidence = min(fv.confidence, cs.s.confidence.conflict)
        # the subject says one number and the attachment (or body) another: the reviewer is told which
        fv.reason = "conflicting_values"
        if chosen.segment.kind != "subject" and any(h.segment.kind == "subject" for h in rivals):
            fv.reason = "subject_body_mismatch" if chosen.segment.part == "body" else "subject_attachment_mismatch"
        seen = set()
        for h in rivals:
            if h.value not in seen:
                seen.add(h.value)
                conflicts.append(_fv(h))
    return fv, conflicts


# ----------------------------------------------------------------------------------------- description
_GREETING = re.compile(r"^\s*(bonjour|bonsoir|madame|monsieur|cher|chere|hello|goedendag|beste)\b[^\n]{0,40}$", re.IGNORECASE | re.MULTILINE)


def _description(segs: list[Segment], cs: Compiled) -> Optional[Hit]:
    c = cs.s.confidence

    def read(seg: Segment, start: int):
        text = seg.text
        _, eol = line_bounds(text, start)
        if eol - start < 30 and not re.search(r"[a-z]{3,}.*\s[a-z]{3,}", text[start:eol]):
            start = min(len(text), eol + 1)   # the rest of the label line is more label ("/ OBSERVATIONS")
        m = re.compile(r"\n\s*\n|\n\s*(fait a|fait à|cachet|signature|cordialement|bien a vous|bien à vous)\b",
                       re.IGNORECASE).search(text, start)
        end = m.start() if m else len(text)
        nxt = re.search(r"\n\s*[A-ZÉ][\w'’ .°/()-]{2,25}\s*:\s*\S[^\n]{0,40}(?=\n|$)", text[start:end])
        if nxt and nxt.start() > 10:
            end = start + nxt.start()
        block = text[start:end].strip()
        if len(block) < 5:
            return None
        return re.sub(r"[ \t]+", " ", block)[:1500], end

    hits = labelled(segs, cs.labels.get("description"), read, c.labelled, c.ocr_floor, kinds=("body", "form"),
                    skip_signature=True)
    if hits:
        hits.sort(key=lambda h: -len(str(h.value)))
        best = hits[0]
        best.evidence = str(best.value)[:300]
        return best
    for seg in segs:
        if seg.kind != "body":
            continue
        text = seg.text[: seg.quote_start] if seg.quote_start > 0 else seg.text
        if seg.signatures:
            first_sig = min(a for a, _ in seg.signatures)
            text = text[:first_sig] if first_sig > 0 else text
        text = _GREETING.sub("", text).strip()
        text = re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n", text))
        if len(text) >= 15:
            return Hit(text[:1000], c.unlabelled, text[:300], seg, 0, 2)
    return None


# ----------------------------------------------------------------------------------------- dates & amounts
_LOSS_CONTEXT = re.compile(r"(sinistre|degat|fuite|survenu|produit|constat|depuis|incident|evenement|dommage|casse|vol\b|"
                           r"cambriol|tempete|incendie|infiltration|choc|bris|perdu|perte|arrive|"
                           # what happened, told as a story: "un camion a percuté la façade le 12/03", "a égaré ses clés le 1er mars"
                           r"percut|heurt|egare|oubli|\bfeu\b|fele|fissur|fractur|force|arrach|tombe|foudre|grele|orage|"
                           r"court-circuit|surtension|inond|deborde|rupture|eclat|\bla nuit du\b)", re.IGNORECASE)
# a bare "Date :" / "Date | ..." line of an order form; the same line in a quoted mail header block is the mail's date
_BARE_DATE = re.compile(r"^[ \t>]*date\s*[:|]\s*", re.IGNORECASE | re.MULTILINE)
_MAIL_HEADER_LINE = re.compile(r"^[ \t>]*(de|from|envoye|sent|objet|subject|a|to|cc|pour)\s*:", re.IGNORECASE)
_NOT_LOSS = re.compile(r"(declar|effet|contrat|naissance|\bne\b|\bnee\b|envoye|sent|date\s*:|echeance|rendez|rdv|visite|mission du)",
                       re.IGNORECASE)


def _loss_date(segs: list[Segment], cs: Compiled, ref: date) -> Optional[FieldValue]:
    c = cs.s.confidence

    def read(seg: Segment, start: int):
        _, b = line_bounds(seg.folded, start)
        found = find_dates(seg.folded, ref, start, min(b, start + 60))
        if not found:
            return None
        d, a, e = found[0]
        return d, e

    hits = labelled(segs, cs.labels.get("loss_date"), read, c.labelled, c.ocr_floor, kinds=("body", "form"))
    hits = [h for h in hits if h.value <= ref or h.value.year == ref.year]
    if hits:
        hits.sort(key=reading_order)
        return _fv(hits[0])
    bare = _bare_date(segs, cs, ref)
    if bare:
        return bare
    for seg in segs:
        if seg.kind != "body" and seg.kind != "form":
            continue
        for d, a, e in find_dates(seg.folded, ref)[:200]:      # a loss date is stated early, not as the 200th date
            la, lb = line_bounds(seg.folded, a)
            before = seg.folded[max(la, a - 60):a]
            # the story may follow the date in its sentence: "Hier matin (26/11), un camion a percuté le portail"
            after = re.split(r"[.;!?](?:\s|$)|\n(?![ \t]*[a-z])", seg.folded[e:e + 80])[0]
            if seg.in_signature(a) or _NOT_LOSS.search(before) or _letter_date(seg.text[max(la, a - 60):a]) or not (
                    _LOSS_CONTEXT.search(before) or _LOSS_CONTEXT.search(after) and not _NOT_LOSS.search(after)):
                continue
            if re.match(r"^\s*(le|on)\s.{0,60}(a ecrit|wrote)", seg.folded[la:lb], re.IGNORECASE) or d > ref:
                continue
            hit = Hit(d, c.unlabelled, seg.text[max(la, a - 40):e].strip(), seg, a, 2)
            return _fv(hit)
    return None


_PLACE_COMMA_LE = re.compile(r"(?:^|\s)(?P<place>[A-ZÀ-Ý][a-zà-ÿ'\-]+(?:[ \-][A-ZÀ-Ý][a-zà-ÿ'\-]+)*),\s+le\s*$")


def _letter_date(before: str) -> bool:
    """A letter's own date, "Chalon, le 01/12/2026": a place name before ", le", not a loss ("Incendie, le 28/11")."""
    m = _PLACE_COMMA_LE.search(before)
    return m is not None and not _LOSS_CONTEXT.search(m.group("place"))


def _bare_date(segs: list[Segment], cs: Compiled, ref: date) -> Optional[FieldValue]:
    """An order's "Date : 11/03/2026" line with no other date label: the loss date, unless the line belongs to a
    quoted mail header block (its neighbours are "De :", "Envoyé :", "Objet :"), where it is the mail's date."""
    c = cs.s.confidence
    for seg in segs:
        if seg.kind not in ("body", "form"):
            continue
        for m in _BARE_DATE.finditer(seg.folded):
            if seg.in_signature(m.start()):
                continue
            la, lb = line_bounds(seg.folded, m.start())
            found = find_dates(seg.folded, ref, m.end(), min(lb, m.end() + 30))
            if not found or found[0][1] != m.end() or found[0][0] > ref:
                continue
            prev_a, _ = line_bounds(seg.folded, max(0, la - 1))
            next_a = min(len(seg.folded), lb + 1)
            _, next_b = line_bounds(seg.folded, next_a)
            neighbours = (seg.folded[prev_a:max(prev_a, la - 1)], seg.folded[next_a:next_b])
            if any(_MAIL_HEADER_LINE.match(line) for line in neighbours):
                continue
            d, _, e = found[0]
            return _fv(Hit(d, c.labelled_weak, seg.text[la:e].strip(), seg, m.start(), 1))
    return None


_ESTIMATE = re.compile(r"(estim|devis|evalu|montant)", re.IGNORECASE)
_AMOUNT_CONTEXT = re.compile(r"(estim|devis|plafond|limite|montant|budget|maximum|max\.|jusqu.a|enveloppe|cout|evalu)", re.IGNORECASE)
_NOT_AMOUNT = re.compile(r"(franchise|tva|capital|cotisation|prime|acompte|deja (verse|regle|paye))", re.IGNORECASE)


def _amount(segs: list[Segment], cs: Compiled) -> Optional[FieldValue]:
    c = cs.s.confidence

    def read(seg: Segment, start: int):
        _, b = line_bounds(seg.folded, start)
        end = min(b, start + 80)
        found = find_amounts(seg.folded, start, end) or [
            a for a in find_amounts(seg.folded, start, min(end, start + 25), need_currency=False) if a[0] >= 10]
        if not found:
            return None
        if _NOT_AMOUNT.search(seg.folded[start:found[0][1]]):
            return None
        return found[0][0], found[0][2]

    hits = labelled(segs, cs.labels.get("amount"), read, c.labelled, c.ocr_floor, kinds=("body", "form"),
                    skip_signature=True)
    hits = [h for h in hits if not _NOT_AMOUNT.search(h.segment.folded[max(0, h.start - 30):h.start + 5])]
    if hits:
        hits.sort(key=reading_order)
        return _fv(hits[0])
    for seg in segs:
        if seg.kind == "subject":
            continue
        for value, a, e in find_amounts(seg.folded):
            before = seg.folded[max(0, a - 50):a]
            if seg.in_signature(a) or _NOT_AMOUNT.search(before) or not _AMOUNT_CONTEXT.search(before + seg.folded[e:e + 10]):
                continue
            la, _ = line_bounds(seg.folded, a)
            return _fv(Hit(value, c.labelled_weak, seg.text[max(la, a - 40):e].strip(), seg, a, 1))
    return None


# ----------------------------------------------------------------------------------------- classify
@dataclass
class Reading:
    """What the steps of classify share: the message, its segments, and what has been read so far."""
    msg: ParsedMessage
    cs: Compiled
    segs: list[Segment]
    signals: list[Signal] = field(default_factory=list)
    fields: dict[str, FieldValue] = field(default_factory=dict)
    conflicts: dict[str, list[FieldValue]] = field(default_factory=dict)
    claim: Optional[str] = None
    gi: Optional[str] = None
    doc_type: str = "other"
    chan: str = "unknown"
    peril: Optional[str] = None

    def extraction(self) -> Extraction:
        return Extraction(document_type=self.doc_type, channel=self.chan, peril=self.peril, signals=self.signals,
                          fields=self.fields, conflicts=self.conflicts)


def _claim(r: Reading) -> None:
    """The claim number, and the other ways it is written in the message (a conflict lowers its confidence)."""
    claim_fv, claim_conflicts = _choose_claim(references.claim_hits(r.segs, r.cs), r.cs)
    if claim_fv:
        r.fields["claim_number"] = claim_fv
        r.claim = claim_fv.value
    if claim_conflicts:
        r.conflicts["claim_number"] = claim_conflicts
        r.signals.append(Signal(name="claim_conflict", detail=", ".join(str(f.value) for f in claim_conflicts),
                                weight=1))


def _kind_and_channel(r: Reading) -> None:
    """Document type (05I notices are never orders), then the channel with the best profile score."""
    msg, segs, cs = r.msg, r.segs, r.cs
    r.gi = kinds.is_gestion_integrale(msg, segs, cs)
    if r.gi:
        r.fields["gestion_integrale_05i"] = FieldValue(value=True, confidence=0.95, evidence=r.gi)
        r.signals.append(Signal(name="gestion_integrale_05i", detail=r.gi, weight=1))
    r.doc_type = "other" if r.gi else kinds.document_type(msg, segs, cs, r.claim is not None, r.signals, r.claim)
    if msg.automatic:
        r.fields["is_automatic"] = FieldValue(value=True, confidence=1.0, evidence=msg.automatic)
    r.chan, _ = kinds.channel(msg, segs, cs, r.claim, r.signals)
    if r.doc_type == "follow_up" and _own_document(r):
        r.doc_type = "mission_order"
        r.signals.append(Signal(name="channel_own_document", detail=r.chan, weight=1))
    if r.doc_type == "other" and not r.gi and msg.automatic:
        # automatic mail (out-of-office, read receipt, bounce) quoting a claim is about nothing: no channel, no claim
        r.chan = "unknown"
        r.fields.pop("claim_number", None)
        r.conflicts.pop("claim_number", None)
        r.claim = None
    elif r.doc_type == "follow_up" and _personal_sender(msg, cs):
        # the insured's own mail about the claim (photos, questions): the insured is no channel
        r.chan = "unknown"
    elif r.doc_type == "other" and not r.gi and not _profile_keeps_channel(cs, r.chan):
        # anything that is not an order is unknown unless it clearly comes from a channel
        r.chan = r.chan if _clear_channel(r.signals) else "unknown"


def _own_document(r: Reading) -> bool:
    """A follow-up only by a subject word that names the channel's own order document (an expert firm's "Rapport")."""
    profile = r.cs.s.channels.get(r.chan)
    if profile is None or not profile.own_documents:
        return False
    names = {s.name for s in r.signals}
    if names & {"reply_subject", "in_reply_to", "follow_up_text"}:
        return False
    words = [s.detail for s in r.signals if s.name == "follow_up_subject"]
    return bool(words) and all(any(p.fullmatch(fold(w)) for p in profile.own_documents_re) for w in words)


def _peril_and_requests(r: Reading) -> None:
    """The peril, the explicit requests (leak search or repair, cosmetic repair) and whether the cause is repaired."""
    segs, cs, fields = r.segs, r.cs, r.fields
    desc = _description(segs, cs)
    if desc:
        fields["description"] = _fv(desc)
    r.peril = kinds.peril(segs, cs, None, r.signals) if r.doc_type != "other" else None
    leak_search = flags.request(segs, cs, cs.leak_search)
    leak_repair = flags.request(segs, cs, cs.leak_repair)
    if leak_repair:
        fields["leak_repair_requested"] = _fv(leak_repair)
    if leak_search:
        fields["leak_search_requested"] = _fv(leak_search)
        # the mission IS a leak search; with a repair request too it stays one when the order states the leak
        # search as its nature or does not name water damage (else: water damage, both rules apply)
        own = "\n".join(kinds.own_text(sg) for sg in segs)
        stated = cs.leak_search_stated is not None and cs.leak_search_stated.search(own) is not None
        named = cs.water_damage_named is not None and cs.water_damage_named.search(own) is not None
        if r.peril in ("water_damage", "leak_search", None) and r.doc_type != "other" \
                and (not leak_repair or stated or not named):
            r.peril = "leak_search"
    aesthetic = flags.request(segs, cs, cs.aesthetic)
    if aesthetic:
        fields["aesthetic_repair_requested"] = _fv(aesthetic)
    cause = flags.cause_repaired(segs, cs) if r.peril == "water_damage" else None
    fields["cause_repaired"] = _fv(cause) if cause else FieldValue(value=None, confidence=0.0)


def _references(r: Reading) -> None:
    """Order number and intermediary code, as the channel's profile says (classifiers/channel_refs.py)."""
    channel_refs.read(r.segs, r.cs, r.chan, r.claim, r.fields)


def _details(r: Reading) -> None:
    """The insured (by segment and role), the loss date, the amount (and a key limit), occupancy and dwelling."""
    if r.doc_type == "other":
        return
    segs, cs, fields = r.segs, r.cs, r.fields
    insured.read(r.msg, segs, cs, fields)
    loss = _loss_date(segs, cs, _ref_date(r.msg))
    if loss:
        fields["loss_date"] = loss
    amount = _amount(segs, cs)
    if amount:
        fields["amount_eur"] = amount
        evidence = fold(amount.evidence or "")
        if r.peril == "key_loss" and cs.key_limit_context is not None and cs.key_limit_context.search(evidence) \
                and not (_ESTIMATE.search(evidence) and float(amount.value) != int(float(amount.value))):
            # the insurer's stated limit for keys ("Limite de prise en charge : 450 €"), not a quote or estimate; under
            # a label naming both ("Estimation / plafond 2804,34 €") a sum with cents is the estimate (limits are round)
            fields["key_limit_eur"] = amount.model_copy()
    occ = flags.vocabulary(segs, cs, "occupancy", cs.occupancy_values, cs.occupancy_weak)
    if occ:
        fields["occupancy"] = _fv(occ)
    dwell = flags.vocabulary(segs, cs, "dwelling", cs.dwelling_values)
    if dwell:
        fields["dwelling"] = _fv(dwell)


def _sender_trust(r: Reading) -> None:
    """May this sender send the channel's orders (classifiers/trust.py)? Evidence for the rules stage."""
    if r.doc_type != "mission_order":
        return
    verdict = trust.sender_trust(r.msg, r.chan, r.cs)
    r.fields["sender_trust"] = FieldValue(value=verdict.verdict, confidence=1.0, evidence=verdict.reason)
    if verdict.verdict == "untrusted":
        r.signals.append(Signal(name="untrusted_sender", detail=verdict.reason, weight=-1))


STEPS = (_claim, _kind_and_channel, _peril_and_requests, _references, _details, _sender_trust)


def classify(msg: ParsedMessage, config: Any) -> Extraction:
    """The steps in order, each reading what the previous ones found (the way OCRmyPDF runs a page)."""
    cs = classifier_settings(config)
    reading = Reading(msg=msg, cs=cs, segs=segments_of(msg, cs))
    for step in STEPS:
        step(reading)
    return reading.extraction()


def _profile_keeps_channel(cs: Compiled, chan: str) -> bool:
    """A channel whose every mail is its own (a platform's notices) keeps its name on mail that orders nothing."""
    profile = cs.s.channels.get(chan)
    return profile is not None and profile.keeps_channel_when_not_order


def _personal_sender(msg: ParsedMessage, cs: Compiled) -> bool:
    """Sent from a consumer mailbox (orange.fr, gmail.com...), not forwarded by anyone else."""
    if cs.personal_sender is None or not msg.sender or "@" not in msg.sender:
        return False
    if any(d.forwarded_sender for d in msg.attachments):
        return False
    return bool(cs.personal_sender.search(msg.sender.rsplit("@", 1)[1]))


def _clear_channel(signals: list[Signal]) -> bool:
    """A channel's own sender address, confirmed by its subject or text: a loose sender pattern alone
    ("expert" in a software vendor's newsletter address) does not make a newsletter come from that channel."""
    for s in signals:
        if s.name == "channel" and ("sender" in s.detail) and s.weight >= 3 and ("text '" in s.detail or "subject '" in s.detail):
            return True
    return False
