"""decide(msg, extraction, config) -> Decision: the rules of DOMAIN.md, every applicable reason at once.

Order of precedence: automatic mail and non-orders are ignored (never follow-ups); a 05I notice is ignored
even for a known claim; follow-ups are attached (routing finds the dossier); everything else is a mission
order that is auto-opened only when every required field is present and trusted and no rule fires.
Duplicates are routing's business (rulestage.routing), after this stage.
"""
from __future__ import annotations

from typing import Any, Optional

from foundation.models import Decision, Extraction, ParsedMessage
from rulestage.settings import ExpertiseRule, RuleSettings, rule_settings


def _format_amount(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".replace(".", ",")


def expertise(extraction: Extraction, rules: RuleSettings) -> tuple[bool, Optional[str], Optional[float]]:
    """04P on-site expertise for glass, vehicle impact and keys, on any channel: (on site, note, limit)."""
    rule: Optional[ExpertiseRule] = rules.expertise.get(extraction.peril or "")
    if rule is None:
        return False, None, None
    limit = rule.limit_eur
    if rule.limit_from_order:
        stated = extraction.value("key_limit_eur") or extraction.value("management_limit_eur")
        if stated is not None:
            try:
                limit = float(stated)
            except (TypeError, ValueError):
                pass
    note = rule.note.format(limit=_format_amount(limit) if limit is not None else "")
    return True, note, limit


def _trusted(extraction: Extraction, name: str, threshold: float) -> bool:
    f = extraction.fields.get(name)
    return f is not None and f.value is not None and f.confidence >= threshold


def review_reasons(extraction: Extraction, rules: RuleSettings) -> list[str]:
    """Every review reason that applies to a mission order (a set: order does not matter)."""
    reasons: list[str] = []
    channel = extraction.channel
    team = rules.always_review.get(channel)
    if team is not None:
        reasons.append(team.reason)
    required = rules.required_fields.get(channel, rules.required_fields.get("unknown", ["claim_number"]))
    for name in required:
        if extraction.value(name) in (None, ""):
            reasons.append(rules.missing_reasons.get(name, f"missing_{name}"))
        elif name in rules.trusted_fields and not _trusted(extraction, name, rules.trust_threshold):
            reasons.append("low_confidence")
    if extraction.value("sender_trust") == "untrusted":
        reasons.append(rules.untrusted_sender_reason)
    claim = extraction.value("claim_number")
    if claim:
        fmt = rules.claim_format(channel)
        if fmt is not None and not fmt.match(str(claim)):
            reasons.append("invalid_claim_number")
        if extraction.conflicts.get("claim_number"):
            reasons.append("low_confidence")
    for name in rules.trusted_fields:
        if name in required or name == "peril":
            continue
        f = extraction.fields.get(name)
        if f is not None and f.value is not None and f.confidence < rules.trust_threshold:
            reasons.append("low_confidence")
    if any(s.name == "ocr_low_confidence" for s in extraction.signals):   # a key value OCR could not read surely
        reasons.append("low_confidence")
    if extraction.peril is None and "peril" in rules.trusted_fields:
        reasons.append("low_confidence")
    if extraction.peril == "water_damage" and extraction.value("cause_repaired") is not True:
        reasons.append("dde_cause_not_confirmed_repaired")
    if extraction.value("leak_repair_requested"):
        reasons.append("leak_repair_not_covered")
    leak_search = extraction.peril == "leak_search" or bool(extraction.value("leak_search_requested"))
    if leak_search and extraction.value("occupancy") == "owner_occupier" and extraction.value("dwelling") == "house":
        reasons.append("leak_search_owner_occupied_house")
    if extraction.value("aesthetic_repair_requested"):
        reasons.append("aesthetic_repair_not_covered")
    return sorted(set(reasons))


def decide(msg: ParsedMessage, extraction: Extraction, config: Any) -> Decision:
    rules = rule_settings(config)
    on_site, note, limit = expertise(extraction, rules)
    if extraction.value("gestion_integrale_05i"):
        return Decision(decision="ignore", reasons=["gestion_integrale_05i"])
    if extraction.document_type == "other" and (msg.automatic or extraction.value("is_automatic")):
        # automatic mail that orders nothing (out-of-office, bounce, acknowledgement); the classifier already
        # made an automatic answer "other", never a follow-up, while a platform's notice about a dossier is one
        return Decision(decision="ignore", reasons=["not_mission_order"])
    if extraction.document_type == "follow_up":
        return Decision(decision="attach", reasons=["follow_up"])
    if extraction.document_type != "mission_order":
        return Decision(decision="ignore", reasons=["not_mission_order"])
    reasons = review_reasons(extraction, rules)
    if extraction.channel == "unknown" and rules.unknown_channel_order == "manual_review" and not reasons:
        reasons = ["low_confidence"]
    if not reasons:
        return Decision(decision="auto_open", expertise_on_site=on_site, expertise_note=note, management_limit_eur=limit)
    team = rules.always_review.get(extraction.channel)
    queue = team.queue if team is not None and team.reason in reasons else rules.review_queue
    return Decision(decision="manual_review", queue=queue, reasons=reasons, expertise_on_site=on_site,
                    expertise_note=note, management_limit_eur=limit)
