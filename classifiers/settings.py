"""Typed view of the `classifiers` section of the business configuration (foundation/default_config.yaml).

Every keyword, label and threshold the classifiers use lives in YAML so an operator can adapt them to a new
sender or phrasing without a release; this module only gives them types and compiles them once per config.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cached_property
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

from foundation.config import register_section, section_view

FLAGS = re.IGNORECASE | re.MULTILINE


def fold_char(c: str) -> str:
    """One character without its accent, same length (so offsets in folded text point into the original)."""
    if c in "’‘´`ʼ":
        return "'"
    if c in "\u00a0\u202f\u2007\t":
        return " "
    if c in "–—‑":
        return "-"
    if c == "º":
        return "°"
    if ord(c) < 128:
        return c
    base = unicodedata.normalize("NFD", c)[0]
    return base if len(base) == 1 else c


class _FoldTable(dict):
    """str.translate table filled on first sight of each character (one C-level pass per text afterwards)."""
    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Text with accents removed and apostrophes/spaces/dashes straightened; len(fold(t)) == len(t)."""
    if text.isascii() and "\t" not in text:
        return text
    return text.translate(_FOLD_TABLE)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A configured regex, accent-folded like the text it is matched against."""
    return re.compile(fold(pattern), FLAGS)


def one_line(pattern: str) -> str:
    """The pattern with every `\\s` kept on one line: a label and its separator never run over a line end
    (a "SINISTRE" heading must not swallow the "N°" of the next line's "N° de sinistre")."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            pair = pattern[i:i + 2]
            if pair == "\\s":
                out.append(" \\t" if in_class else "[ \\t]")
            else:
                out.append(pair)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def compile_any(patterns: list[str]) -> Optional[re.Pattern[str]]:
    """One alternation of configured regexes (None for an empty list, which matches nothing)."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fold(p)})" for p in patterns), FLAGS)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class References(_Model):
    """How a channel's orders give their references (classifiers/channel_refs.py)."""
    order_number: Optional[str] = None        # a fixed value ("0" for agencies and brokers); None: read it
    order_may_be_claim: bool = False          # the platform's order number may repeat the claim's digits
    code_labels: list[str] = Field(default_factory=list)   # label names tried in order for the intermediary code
    code_default: Optional[str] = None        # when no code is read ("000" for brokers)
    code_default_confidence: float = 0.9


class ChannelProfile(_Model):
    min_score: float = 2.0
    sender: list[str] = Field(default_factory=list)
    sender_weight: float = 2.0
    subject: list[str] = Field(default_factory=list)
    text: list[str] = Field(default_factory=list)
    text_weight: float = 1.0
    claim_prefix: Optional[str] = None
    claim_prefix_weight: float = 1.0
    fax_weight: float = 0.0
    # senders that may send this channel's orders (regexes on the address); empty: any sender that neither
    # looks like the insurer's domains nor fails the receiving server's authentication checks
    trusted_senders: list[str] = Field(default_factory=list)
    references: References = Field(default_factory=References)
    keeps_channel_when_not_order: bool = False   # its notices that order nothing still carry the channel
    # subject words that name this channel's own order documents ("rapport" of an expert firm), not a follow-up,
    # when nothing else (a reply, a follow-up phrase) says the mail follows up
    own_documents: list[str] = Field(default_factory=list)

    @cached_property
    def own_documents_re(self) -> list[re.Pattern[str]]:
        return [compile_pattern(p) for p in self.own_documents]

    @cached_property
    def trusted_re(self) -> list[re.Pattern[str]]:
        return [compile_pattern(p) for p in self.trusted_senders]

    @cached_property
    def sender_re(self) -> list[re.Pattern[str]]:
        return [compile_pattern(p) for p in self.sender]

    @cached_property
    def subject_re(self) -> list[re.Pattern[str]]:
        return [compile_pattern(p) for p in self.subject]

    @cached_property
    def text_re(self) -> list[re.Pattern[str]]:
        return [compile_pattern(p) for p in self.text]


class DocumentTypes(_Model):
    gestion_integrale: list[str] = Field(default_factory=list)
    not_order_subject: list[str] = Field(default_factory=list)
    not_order_text: list[str] = Field(default_factory=list)
    # a mailing's own words (unsubscribe links): never an order, even when it quotes a claim number as an example
    mailing_text: list[str] = Field(default_factory=list)
    reply_prefix: str = r"^\s*(re\s*:\s*)+"
    forward_prefix: str = r"^\s*((tr|fw|fwd)\s*:\s*)+"
    follow_up_subject: list[str] = Field(default_factory=list)
    follow_up_text: list[str] = Field(default_factory=list)
    order_text: list[str] = Field(default_factory=list)
    order_subject: list[str] = Field(default_factory=list)
    quote_headers: list[str] = Field(default_factory=list)
    signature_markers: list[str] = Field(default_factory=list)
    # what an automatic-mail header weighs against the order evidence (parsers.mime.automatic_kind's kinds);
    # kinds listed in automatic_never_order (bounces, read receipts) are never orders whatever they quote
    automatic_weights: dict[str, float] = Field(default_factory=lambda: {"auto_generated": -1.0, "bulk": -1.5,
                                                                         "auto_replied": -3.0})
    automatic_never_order: list[str] = Field(default_factory=lambda: ["bounce", "read_receipt"])


class TrustSettings(_Model):
    """Who may be believed: the insurer's own domains, and the signs of a look-alike or forged sender."""
    brand_tokens: list[str] = Field(default_factory=list)      # a domain carrying one of these claims to be the insurer
    brand_domains: list[str] = Field(default_factory=list)     # regexes: domains that may carry the brand (insurer, agencies)
    internal_domains: list[str] = Field(default_factory=list)  # our own: a forward by a colleague is judged on its original
    authentication: bool = True                                # read Authentication-Results (SPF, DKIM, DMARC) as evidence


class PerilProfile(_Model):
    name: str
    keywords: dict[str, float] = Field(default_factory=dict)

    @cached_property
    def compiled(self) -> list[tuple[re.Pattern[str], float]]:
        return [(compile_pattern(p), float(w)) for p, w in self.keywords.items()]


class CauseRepaired(_Model):
    labelled: list[str] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)
    positive: list[str] = Field(default_factory=list)


class ValueVocabulary(_Model):
    """A form field (its labels) and the closed values it can take (each a list of regexes)."""
    labels: list[str] = Field(default_factory=list)
    values: dict[str, list[str]] = Field(default_factory=dict)
    weak_values: dict[str, list[str]] = Field(default_factory=dict)


class Confidence(_Model):
    labelled: float = 0.95
    labelled_weak: float = 0.8
    unlabelled: float = 0.6
    guessed: float = 0.45
    conflict: float = 0.4
    ocr_floor: float = 0.3
    ocr_word_low: float = 0.3    # a key value whose OCR words are read under this is not trusted (classifiers.ocr_doubt)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HeaderFields(_Strict):
    """The field names of a forwarded message's header lines ("De :", "Envoyé :", "Objet :"), per field."""
    from_: list[str] = Field(default_factory=list, alias="from")
    date: list[str] = Field(default_factory=list)
    subject: list[str] = Field(default_factory=list)
    to: list[str] = Field(default_factory=list)


class StructureSettings(_Strict):
    forward_markers: list[str] = Field(default_factory=list)
    quote_intro: list[str] = Field(default_factory=list)
    header_fields: HeaderFields = Field(default_factory=HeaderFields)
    disclaimer: list[str] = Field(default_factory=list)
    greetings: list[str] = Field(default_factory=list)


class RolesSettings(_Strict):
    insured_cues: list[str] = Field(default_factory=list)
    third_party_cues: list[str] = Field(default_factory=list)
    expert_cues: list[str] = Field(default_factory=list)
    platform_cues: list[str] = Field(default_factory=list)
    prose_address_cues: list[str] = Field(default_factory=list)


class ClassifierSettings(_Model):
    channels: dict[str, ChannelProfile] = Field(default_factory=dict)
    unknown_channel_references: References = Field(default_factory=References)  # an order whose channel is unknown
    document_types: DocumentTypes = Field(default_factory=DocumentTypes)
    perils: list[PerilProfile] = Field(default_factory=list)
    cause_repaired: CauseRepaired = Field(default_factory=CauseRepaired)
    leak_repair_request: list[str] = Field(default_factory=list)
    aesthetic_request: list[str] = Field(default_factory=list)
    leak_search_request: list[str] = Field(default_factory=list)
    request_negators_before: list[str] = Field(default_factory=list)
    request_done_after: list[str] = Field(default_factory=list)
    occupancy: ValueVocabulary = Field(default_factory=ValueVocabulary)
    dwelling: ValueVocabulary = Field(default_factory=ValueVocabulary)
    not_stated: list[str] = Field(default_factory=list)
    labels: dict[str, list[str]] = Field(default_factory=dict)
    label_separator: str = r"\s*[:=#.\-]*\s*"
    insured_context: list[str] = Field(default_factory=list)
    foreign_context: list[str] = Field(default_factory=list)
    excluded_phones: list[str] = Field(default_factory=list)
    excluded_email_domains: list[str] = Field(default_factory=list)
    personal_sender_domains: list[str] = Field(default_factory=list)  # consumer mailboxes: the insured writes from these
    civilities: dict[str, list[str]] = Field(default_factory=dict)
    name_particles: list[str] = Field(default_factory=list)
    confidence: Confidence = Field(default_factory=Confidence)
    ocr_checked_fields: list[str] = Field(default_factory=list)  # key fields matched back to their OCR words
    trust: TrustSettings = Field(default_factory=TrustSettings)
    key_limit_context: list[str] = Field(default_factory=list)
    leak_search_stated: list[str] = Field(default_factory=list)   # the order's nature is a leak search
    water_damage_named: list[str] = Field(default_factory=list)   # the order names water damage   # an amount read with these words is the keys' limit
    structure: StructureSettings = Field(default_factory=StructureSettings)
    roles: RolesSettings = Field(default_factory=RolesSettings)


register_section("classifiers", ClassifierSettings)


class Compiled:
    """Every regex of the settings, compiled once per Config object (cached by identity)."""

    def __init__(self, s: ClassifierSettings) -> None:
        self.s = s
        dt = s.document_types
        self.gestion_integrale = compile_any(dt.gestion_integrale)
        self.not_order_subject = compile_any(dt.not_order_subject)
        self.not_order_text = compile_any(dt.not_order_text)
        self.mailing_text = compile_any(dt.mailing_text)
        self.reply_prefix = compile_pattern(dt.reply_prefix)
        self.forward_prefix = compile_pattern(dt.forward_prefix)
        self.follow_up_subject = compile_any(dt.follow_up_subject)
        self.follow_up_text = [compile_pattern(p) for p in dt.follow_up_text]
        self.order_text = [compile_pattern(p) for p in dt.order_text]
        self.order_subject = compile_any(dt.order_subject)
        self.quote_headers = compile_any(dt.quote_headers)
        self.signature = compile_any(dt.signature_markers)
        cr = s.cause_repaired
        self.cause_labelled = [compile_pattern(p) for p in cr.labelled]
        self.cause_negative = compile_any(cr.negative)
        self.cause_positive = compile_any(cr.positive)
        self.leak_repair = compile_any(s.leak_repair_request)
        self.aesthetic = compile_any(s.aesthetic_request)
        self.leak_search = compile_any(s.leak_search_request)
        self.negators_before = compile_any(s.request_negators_before)
        self.done_after = compile_any(s.request_done_after)
        self.occupancy_values = {k: compile_any(v) for k, v in s.occupancy.values.items()}
        self.occupancy_weak = {k: compile_any(v) for k, v in s.occupancy.weak_values.items()}
        self.dwelling_values = {k: compile_any(v) for k, v in s.dwelling.values.items()}
        self.not_stated = re.compile(r"^\s*(?:" + "|".join(f"(?:{fold(p)})" for p in s.not_stated) + r")\s*[.]?\s*$",
                                     FLAGS) if s.not_stated else None
        sep = one_line(fold(s.label_separator))
        self.labels: dict[str, re.Pattern[str]] = {}
        for name, pats in list(s.labels.items()) + [("occupancy", s.occupancy.labels), ("dwelling", s.dwelling.labels)]:
            if pats:
                alt = "|".join(f"(?:{one_line(fold(p))})" for p in pats)
                # a label starts a line or follows a separator, and is followed by a separator
                self.labels[name] = re.compile(rf"(?:^|(?<=[\s|;,(\[.“\"]))(?:{alt}){sep}", FLAGS)
        self.insured_context = compile_any(s.insured_context)
        self.foreign_context = compile_any(s.foreign_context)
        self.personal_sender = compile_any(s.personal_sender_domains)
        self.civility_re: list[tuple[str, re.Pattern[str]]] = [
            (canon, re.compile(r"(?:" + "|".join(fold(p) for p in pats) + r")", re.IGNORECASE))
            for canon, pats in s.civilities.items()
        ]
        self.civility_any = re.compile(
            r"(?<![\w])(?:" + "|".join(f"(?:{fold(p)})" for pats in s.civilities.values() for p in pats) + r")(?![\w])",
            re.IGNORECASE)
        self.key_limit_context = compile_any(s.key_limit_context)
        self.leak_search_stated = compile_any(s.leak_search_stated)
        self.water_damage_named = compile_any(s.water_damage_named)
        self.brand_domains = [compile_pattern(p) for p in s.trust.brand_domains]
        self.internal_domains = [compile_pattern(p) for p in s.trust.internal_domains]
        st, ro = s.structure, s.roles
        self.forward_marker = compile_any(st.forward_markers)
        self.quote_intro = compile_any(st.quote_intro)
        hf = st.header_fields
        self.header_field = {name: re.compile(r"^[ \t>]*(?:\*\*?)?(?:" + "|".join(fold(p) for p in pats) + r")\s*(?:\*\*?)?\s*:\s*",
                                              re.IGNORECASE) for name, pats in
                             (("from", hf.from_), ("date", hf.date), ("subject", hf.subject), ("to", hf.to)) if pats}
        self.disclaimer = compile_any(st.disclaimer)
        self.greeting = re.compile(r"^[ \t>]*(?:" + "|".join(fold(p) for p in st.greetings) + r")\b[ \t,]*",
                                   re.IGNORECASE) if st.greetings else None
        self.insured_cue = compile_any(ro.insured_cues)
        self.third_party_cue = compile_any(ro.third_party_cues)
        self.expert_cue = compile_any(ro.expert_cues)
        self.platform_cue = compile_any(ro.platform_cues)
        self.prose_address_cue = compile_any(ro.prose_address_cues)
        self.particles = sorted((p.lower() for p in s.name_particles), key=len, reverse=True)


def classifier_settings(config: Any) -> Compiled:
    """The compiled classifier settings of this Config (built once per config object)."""
    return section_view(config, "classifiers", lambda raw: Compiled(ClassifierSettings.model_validate(raw)))
