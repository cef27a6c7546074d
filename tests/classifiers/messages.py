"""Build ParsedMessage objects directly (no parser): a body and/or attachment pages, as the parsers give them."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Optional

from foundation.models import Document, Page, ParsedMessage


def make_msg(body: Optional[str] = None, subject: Optional[str] = None, sender: Optional[str] = None,
             attachments: Optional[list[tuple[str, list[str]]]] = None, date: Optional[datetime] = None,
             automatic: Optional[str] = None, ocr_confidence: Optional[float] = None,
             in_reply_to: Optional[str] = None, kind: str = "email") -> ParsedMessage:
    """A message as the parsers would give it: body text, attachments as (name, [page texts])."""
    def doc(name: str, pages: list[str], is_body: bool) -> Document:
        data = "\f".join(pages).encode()
        ocr = ocr_confidence is not None and not is_body
        return Document(name=name, filename=None if is_body else name,
                        content_type="text/plain" if is_body else "application/pdf",
                        sha256=hashlib.sha256(data).hexdigest(), size=len(data), is_body=is_body, ocr=ocr,
                        pages=[Page(number=i + 1, text=t, ocr=ocr, ocr_confidence=ocr_confidence if ocr else None)
                               for i, t in enumerate(pages)])
    return ParsedMessage(
        kind=kind, subject=subject, sender=sender, in_reply_to=in_reply_to,
        date=date or datetime(2026, 3, 20, 10, 0, tzinfo=timezone.utc), automatic=automatic,
        body=doc("body", [body], True) if body is not None else None,
        attachments=[doc(n, p, False) for n, p in (attachments or [])],
    )

