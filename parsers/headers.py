"""Cheap look at a raw message's headers (Message-ID, Date) without parsing the body.

Why: ingest orders messages by Date header before reading them, and the store indexes Message-ID, for
thousands of messages; a full MIME parse (attachments, OCR) is the pipeline's job, not this one's.
Anything that is not an RFC 822 message (a PDF, a fax image) gives (None, None).
"""
from __future__ import annotations

import email.utils
from datetime import datetime, timezone
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Optional

_HEAD_LIMIT = 256 * 1024
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"PK\x03\x04",
                 b"\xd0\xcf\x11\xe0", b"BM")


def _head(raw: bytes) -> Optional[bytes]:
    if not raw or raw.lstrip()[:4].startswith(_BINARY_MAGIC) or raw[:8].startswith(_BINARY_MAGIC):
        return None
    chunk = raw[:_HEAD_LIMIT]
    for sep in (b"\r\n\r\n", b"\n\n"):
        end = chunk.find(sep)
        if end >= 0:
            return chunk[:end + len(sep)]
    return chunk


def peek(raw: bytes) -> tuple[Optional[str], Optional[datetime]]:
    """(Message-ID, Date as an aware UTC datetime) of a raw message, each None when absent or unreadable."""
    head = _head(raw)
    if head is None:
        return None, None
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(head)
    except Exception:  # noqa: BLE001 - hostile headers: no date, no id
        return None, None
    return _message_id(headers.get("Message-ID")), parse_date(headers.get("Date"))


def _message_id(value) -> Optional[str]:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text[:998] or None


def parse_date(value) -> Optional[datetime]:
    """An RFC 2822 date as aware UTC; a date without a zone is taken as UTC; garbage gives None."""
    if value is None:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(" ".join(str(value).split()))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None
