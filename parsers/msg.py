"""Outlook .msg files (OLE2 compound documents), best effort, via olefile.

Agents sometimes drag a mail out of Outlook and forward the .msg. We read the MAPI string properties
that matter (subject, sender, body, attachments' names and data); anything more exotic is left out.
extract-msg would do more but is GPL, so this stays small.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

import olefile

from foundation.config import Limits
from foundation.models import Document
from parsers.ocr import OcrEngine

PR_SUBJECT = "0037"
PR_SENDER_NAME = "0C1A"
PR_SENDER_EMAIL = "0C1F"
PR_SENT_REPRESENTING_EMAIL = "0065"
PR_DISPLAY_TO = "0E04"
PR_BODY = "1000"
PR_BODY_HTML = "1013"
PR_TRANSPORT_HEADERS = "007D"
PR_ATTACH_LONG_FILENAME = "3707"
PR_ATTACH_FILENAME = "3704"
PR_ATTACH_DATA = "3701"
MAX_STREAM = 30_000_000


@dataclass
class MsgContent:
    subject: Optional[str] = None
    sender: Optional[str] = None
    sender_name: Optional[str] = None
    to: Optional[str] = None
    body: Optional[str] = None
    html: Optional[str] = None
    headers: Optional[str] = None
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def _read(ole: olefile.OleFileIO, prefix: str, prop: str) -> Optional[bytes]:
    for kind in ("001F", "001E", "0102"):
        path = f"{prefix}__substg1.0_{prop}{kind}"
        if ole.exists(path):
            size = ole.get_size(path)
            if size > MAX_STREAM:
                return None
            data = ole.openstream(path).read()
            if kind == "001F":
                return data.decode("utf-16-le", "replace").rstrip("\x00").encode("utf-8")
            return data
    return None


def _str(ole: olefile.OleFileIO, prop: str, prefix: str = "") -> Optional[str]:
    data = _read(ole, prefix, prop)
    if data is None:
        return None
    text = data.decode("utf-8", "replace") if data else ""
    return text.strip("\x00").strip() or None


def read_msg(data: bytes) -> Optional[MsgContent]:
    """The mail inside an Outlook .msg, or None when it is not one (or cannot be read)."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:
        return None
    try:
        out = MsgContent(
            subject=_str(ole, PR_SUBJECT), sender_name=_str(ole, PR_SENDER_NAME),
            sender=_str(ole, PR_SENDER_EMAIL) or _str(ole, PR_SENT_REPRESENTING_EMAIL),
            to=_str(ole, PR_DISPLAY_TO), body=_str(ole, PR_BODY), headers=_str(ole, PR_TRANSPORT_HEADERS),
        )
        html = _read(ole, "", PR_BODY_HTML)
        if html:
            out.html = html.decode("utf-8", "replace")
        storages = {entry[0] for entry in ole.listdir(streams=True, storages=True) if entry and entry[0].startswith("__attach_version1.0_")}
        for storage in sorted(storages)[:50]:
            prefix = storage + "/"
            name = _str(ole, PR_ATTACH_LONG_FILENAME, prefix) or _str(ole, PR_ATTACH_FILENAME, prefix) or storage
            payload = _read(ole, prefix, PR_ATTACH_DATA)
            if payload:
                out.attachments.append((name, payload))
        if not any((out.subject, out.sender, out.body, out.html, out.attachments)):
            return None
        return out
    except Exception:
        return None
    finally:
        ole.close()


class OutlookMessage(NamedTuple):
    """A .msg read for the pipeline: its properties, its body as text, its attachments as Documents."""
    content: MsgContent
    text: str
    sender: Optional[str]
    attachments: list[Document]


def read_outlook(data: bytes, limits: Limits, engine: OcrEngine) -> Optional[OutlookMessage]:
    """The one path from .msg bytes to documents, for a bare .msg file and a .msg attached to a mail."""
    content = read_msg(data)
    if content is None:
        return None
    from parsers.documents import read_documents
    from parsers.html import html_to_text
    text = content.body or html_to_text(content.html or "", limits.html_max_bytes)
    attachments = [doc for name, payload in content.attachments
                   for doc in read_documents(payload, name, limits, filename=name, engine=engine)]
    return OutlookMessage(content, text, (content.sender or "").strip().lower() or None, attachments)
