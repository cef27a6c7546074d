"""Builders for store tests: records made directly (no classifier needed) and raw messages with a Date."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from foundation.models import Document, FieldOut, Insured, MissionRecord, Page, ParsedMessage, SourceOut, SourceRef, Word
from foundation.models import Processed
from foundation.record import sha256_hex


def eml(claim: str, date: str, subject: str = "Ordre de mission", body: str = "", message_id: Optional[str] = None) -> bytes:
    """A small RFC 822 message; the claim number and text go in the body."""
    mid = message_id or f"<{abs(hash((claim, date, subject, body)))}@agence.example>"
    return (f"From: agence@allianz.example\r\nTo: odm@intake.example\r\nSubject: {subject}\r\n"
            f"Date: {date}\r\nMessage-ID: {mid}\r\n\r\nSinistre: {claim}\r\n{body}\r\n").encode()


def record_for(raw: bytes, source: SourceRef, *, claim: Optional[str], document_type: str = "mission_order",
               decision: str = "auto_open", channel: str = "allianz_agence", last_name: str = "DUPONT",
               received_at: Optional[str] = None, reasons: Optional[list[str]] = None,
               queue: Optional[str] = None) -> MissionRecord:
    return MissionRecord(
        source=SourceOut(uri=source.uri, sha256=sha256_hex(raw), received_at=received_at),
        document_type=document_type, channel=channel, claim_number=claim, order_number="0",
        intermediary_code="A123", peril="water_damage", insured=Insured(last_name=last_name, first_name="Jean"),
        decision=decision, queue=queue, reasons=reasons or [],
        fields={"claim_number": FieldOut(confidence=0.9, evidence=f"Sinistre: {claim}", part="body", page=1),
                "last_name": FieldOut(confidence=0.8, evidence=last_name, part="body")})


def message_for(raw: bytes) -> ParsedMessage:
    text = raw.decode("utf-8", "replace")
    words = [Word(text=w, x0=10.0 * i, y0=0, x1=10.0 * i + 8, y1=10) for i, w in enumerate(text.split()[:5])]
    body = Document(name="body", content_type="text/plain", sha256=sha256_hex(raw), size=len(raw), is_body=True,
                    pages=[Page(number=1, text=text, words=words)])
    scan = Document(name="odm.pdf", filename="odm.pdf", content_type="application/pdf", sha256="0" * 64, size=10,
                    ocr=True, pages=[Page(number=1, text="page un", ocr=True), Page(number=2, text="page deux", ocr=True)])
    return ParsedMessage(kind="email", subject="Ordre de mission", body=body, attachments=[scan])


def processed(raw: bytes, source: SourceRef, **kwargs) -> Processed:
    return Processed(record_for(raw, source, **kwargs), message_for(raw))


def src(uri: str, when: Optional[datetime] = None) -> SourceRef:
    return SourceRef(uri=uri, received_at=when or datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc),
                     filename=uri.rsplit("/", 1)[-1])
