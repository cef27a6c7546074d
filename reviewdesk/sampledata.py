"""Synthetic messages stored straight through the Store API: for the demo when the bundled samples are
absent, for the portal's tests and for the latency bench. The records are made here (no classifier run),
so what the portal shows is known exactly."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Optional

from foundation.models import (
    AttachmentOut, Document, FieldOut, Insured, MissionRecord, Page, ParsedMessage, SourceOut, SourceRef, Word,
)
from foundation.models import Processed


def make_email(subject: str, body: str, sender: str = "agence.lyon@allianz.example", html: Optional[str] = None,
               date: Optional[datetime] = None, attachment: Optional[tuple[str, str, bytes]] = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "odm@assistance.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid(domain="allianz.example")
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    if attachment is not None:
        name, ctype, data = attachment
        maintype, subtype = ctype.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def pdf_pages(data: bytes) -> list[Page]:
    """Text and word boxes (PDF points, top-left origin) of a PDF's text layer, as the parsers give them."""
    import io
    import pdfplumber
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            words = [Word(text=w["text"], x0=w["x0"], y0=w["top"], x1=w["x1"], y1=w["bottom"])
                     for w in page.extract_words()]
            pages.append(Page(number=number, text=page.extract_text() or "", words=words, width=float(page.width),
                              height=float(page.height)))
    return pages


def _words(text: str) -> list[Word]:
    """Fake word boxes on a 600-unit wide page, one line per text line, so highlights have boxes to draw."""
    out = []
    for row, line in enumerate(text.splitlines()):
        x = 20.0
        for token in line.split():
            width = 7.0 * len(token)
            out.append(Word(text=token, x0=x, y0=20 + 16 * row, x1=x + width, y1=32 + 16 * row))
            x += width + 7
    return out


def add_message(store, *, subject: str, body: str, channel: str = "allianz_agence", claim: Optional[str] = None,
                last_name: Optional[str] = None, phone: Optional[str] = None, postcode: Optional[str] = None,
                decision: str = "manual_review", reasons: Optional[list[str]] = None, queue: Optional[str] = None,
                peril: Optional[str] = "water_damage", html: Optional[str] = None, sender: Optional[str] = None,
                attachment: Optional[tuple[str, str, bytes]] = None, date: Optional[datetime] = None,
                uri: Optional[str] = None, confidence: float = 0.62) -> int:
    """Store one message and its record; returns the record id."""
    raw = make_email(subject, body, sender or "agence.lyon@allianz.example", html, date, attachment)
    digest = hashlib.sha256(raw).hexdigest()
    source = SourceRef(uri=uri or f"demo://{digest[:12]}.eml", received_at=date or datetime.now(timezone.utc))
    raw_id, _created = store.add_raw(raw, source, "upload")
    documents = [Document(name="body", content_type="text/plain", sha256=hashlib.sha256(body.encode()).hexdigest(),
                          size=len(body), is_body=True, pages=[Page(number=1, text=body, words=_words(body),
                                                                    width=600, height=800)])]
    attachments_out = []
    if attachment is not None:
        name, ctype, data = attachment
        pages = pdf_pages(data) if ctype == "application/pdf" else [Page(number=1, text=f"Pièce jointe {name}")]
        documents.append(Document(name=name, filename=name, content_type=ctype, sha256=hashlib.sha256(data).hexdigest(),
                                  size=len(data), pages=pages))
        attachments_out.append(AttachmentOut(filename=name, content_type=ctype, sha256=hashlib.sha256(data).hexdigest(),
                                             pages=len(pages)))
    message = ParsedMessage(kind="email", subject=subject, sender=sender, body=documents[0], attachments=documents[1:],
                            html=html)

    def located(value: Optional[str], conf: float) -> Optional[FieldOut]:
        for doc in reversed(documents):   # the attachment first: that is where a form's values are read
            for page in doc.pages:
                if value and value in page.text:
                    return FieldOut(confidence=conf, evidence=value, part=doc.name, page=page.number)
        return None

    fields = {name: f for name, f in (("claim_number", located(claim, confidence)),
                                      ("last_name", located(last_name, 0.9)),
                                      ("phone", located(phone, 0.7)),
                                      ("postcode", located(postcode, 0.95))) if f is not None}
    record = MissionRecord(
        source=SourceOut(uri=source.uri, sha256=digest, received_at=source.received_at.isoformat(), subject=subject,
                         sender=sender, attachments=attachments_out),
        document_type="mission_order", channel=channel, claim_number=claim,
        order_number="0" if channel in ("allianz_agence", "allianz_courtage") else None,
        intermediary_code="A1234" if channel == "allianz_agence" else None, peril=peril,
        insured=Insured(last_name=last_name, phone=None, postcode=postcode), decision=decision, queue=queue,
        reasons=sorted(reasons or []), fields=fields)
    return store.save_processed(raw_id, Processed(record, message)).record_id


DEMO_MESSAGES = [
    dict(subject="ODM dégât des eaux - sinistre B 123 4567", channel="allianz_agence", claim="B1234567",
         last_name="MARTIN", postcode="69003", phone="06 12 34 56 78", reasons=["dde_cause_not_confirmed_repaired"],
         body="Bonjour,\nMerci de missionner une entreprise.\nSinistre : B1234567\nAssuré : M. MARTIN Paul\n"
              "Adresse : 12 rue Garibaldi 69003 LYON\nTél : 06 12 34 56 78\nDégât des eaux dans la cuisine, "
              "fuite sous évier.\nCordialement,\nAgence Lyon Part-Dieu"),
    dict(subject="Mission recherche de fuite C0045123", channel="allianz_courtage", claim="C0045123",
         last_name="DE LA FONTAINE", postcode="75011", reasons=["low_confidence"], sender="cabinet@courtier.example",
         body="Madame, Monsieur,\nNous vous confions la recherche de fuite pour notre client DE LA FONTAINE.\n"
              "N° sinistre C0045123 (ou C0045128 ?)\n75011 PARIS\nBien à vous"),
    dict(subject="Demande CS2I dossier 2024/778812", channel="allianz_cs2i", claim="2024/778812", last_name="DURAND",
         reasons=["cs2i_allianz_team"], queue="allianz_team", sender="expert@cs2i.example",
         body="Rapport d'expertise joint.\nRéf. 2024/778812 - DURAND\nMerci de prendre contact avec l'assuré."),
    dict(subject="ODM bris de glace", channel="allianz_agence", claim=None, last_name="BERNARD",
         reasons=["missing_claim_number"], peril="glass_breakage",
         body="Bonjour,\nBris de glace baie vitrée chez Mme BERNARD.\nCode agent 4521.\nMerci."),
]


def add_demo_messages(store, now: Optional[datetime] = None) -> list[int]:
    now = now or datetime.now(timezone.utc)
    ids = []
    for age, spec in reversed(list(enumerate(DEMO_MESSAGES))):   # the oldest is stored first, as ingest does
        ids.append(add_message(store, date=now - timedelta(hours=5 * (age + 1)), **spec))
    return ids
