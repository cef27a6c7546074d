"""Assemble the export record from what the stages produced."""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any, Optional

from foundation.models import (
    AttachmentOut, Decision, Extraction, FieldOut, Insured, MissionRecord, ParsedMessage, SourceOut, SourceRef,
)

from foundation.fields import EXTRACTED_FIELDS as TOP_FIELDS
from foundation.fields import INSURED_FIELDS


def sha256_hex(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _iso(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat() if value else None


def source_out(source: SourceRef, sha256: str, msg: Optional[ParsedMessage]) -> SourceOut:
    received = msg.date if msg and msg.date else source.received_at
    out = SourceOut(uri=source.uri, sha256=sha256, received_at=_iso(received))
    if msg is None:
        return out
    out.message_id = msg.message_id
    out.subject = msg.subject or None
    out.sender = msg.sender or None
    out.attachments = [
        AttachmentOut(filename=d.filename or d.name, content_type=d.content_type, sha256=d.sha256,
                      pages=len(d.pages) if d.pages else None, ocr=d.ocr, error=(d.error or None) and d.error[:300])
        for d in msg.attachments
    ]
    return out


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def build_record(source: SourceRef, sha256: str, msg: ParsedMessage, extraction: Extraction,
                 decision: Decision) -> MissionRecord:
    values = {name: _clean(extraction.value(name)) for name in TOP_FIELDS}
    loss_date = values["loss_date"]
    if isinstance(loss_date, datetime):
        loss_date = loss_date.date()
    if isinstance(loss_date, str):
        loss_date = date.fromisoformat(loss_date)
    amount = values["amount_eur"]
    insured = Insured(**{name: _clean(extraction.value(name)) for name in INSURED_FIELDS})
    fields = {
        name: FieldOut(confidence=max(0.0, min(1.0, float(f.confidence))), evidence=f.evidence, part=f.part,
                       page=f.page, corrected_by=f.corrected_by, reason=f.reason)
        for name, f in extraction.fields.items()
        if f.value is not None or f.evidence
    }
    return MissionRecord(
        source=source_out(source, sha256, msg),
        document_type=extraction.document_type,
        channel=extraction.channel,
        peril=extraction.peril,
        claim_number=values["claim_number"],
        order_number=values["order_number"],
        intermediary_code=values["intermediary_code"],
        insured=insured,
        occupancy=values["occupancy"],
        dwelling=values["dwelling"],
        loss_date=loss_date,
        amount_eur=float(amount) if amount is not None else None,
        cause_repaired=values["cause_repaired"],
        description=values["description"],
        expertise_on_site=decision.expertise_on_site,
        expertise_note=decision.expertise_note,
        management_limit_eur=decision.management_limit_eur,
        decision=decision.decision,
        queue=decision.queue,
        reasons=sorted(set(decision.reasons)),
        dossier_id=decision.dossier_id,
        fields=fields,
    )


def unreadable_record(source: SourceRef, sha256: str, detail: str, msg: Optional[ParsedMessage] = None) -> MissionRecord:
    """A file that cannot be read still gives a record: other / manual_review / unreadable_input."""
    return MissionRecord(
        source=source_out(source, sha256, msg),
        document_type="other",
        channel="unknown",
        decision="manual_review",
        reasons=["unreadable_input"],
        fields={"input": FieldOut(confidence=0.0, evidence=detail[:500] or None)},
    )
