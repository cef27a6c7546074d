"""winmail.dat (Outlook's TNEF): its plain/HTML body and its attachments, via tnefparse.

Outlook sends "rich text" mail as a single application/ms-tnef part; the real attachments (the ODM PDF)
are inside it, so they must be unpacked to be read at all.
"""
from __future__ import annotations

from foundation.errors import ReadReason
from dataclasses import dataclass, field
from typing import Optional

import tnefparse

from parsers.charsets import decode_bytes
from parsers.html import html_to_text

MAX_ATTACHMENTS = 50


@dataclass
class TnefContent:
    body: Optional[str] = None
    html: Optional[str] = None
    attachments: list[tuple[str, bytes]] = field(default_factory=list)  # (file name, bytes)
    error: Optional[str] = None


def _text(value, codepage: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bytes):
        return decode_bytes(value.rstrip(b"\x00"), codepage)
    return str(value)


def read_tnef(data: bytes) -> TnefContent:
    out = TnefContent()
    try:
        tnef = tnefparse.TNEF(data, do_checksum=False)
    except Exception as error:  # corrupt TNEF: tnefparse raises many kinds
        out.error = ReadReason.corrupt_tnef.detail(f"{type(error).__name__}")
        return out
    codepage = f"cp{tnef.codepage}" if isinstance(tnef.codepage, int) else None
    out.body = _text(getattr(tnef, "body", None), codepage)
    html = _text(getattr(tnef, "htmlbody", None), codepage)
    if html:
        out.html = html
        if not (out.body or "").strip():
            out.body = html_to_text(html)
    for index, att in enumerate(getattr(tnef, "attachments", [])[:MAX_ATTACHMENTS]):
        try:
            name = att.long_filename() or _text(att.name, codepage) or f"tnef-{index + 1}.bin"
        except Exception:
            name = f"tnef-{index + 1}.bin"
        payload = getattr(att, "data", b"") or b""
        if isinstance(payload, str):
            payload = payload.encode("latin-1", "replace")
        out.attachments.append((str(name).strip("\x00 ") or f"tnef-{index + 1}.bin", payload))
    if not (out.body or out.html or out.attachments):
        out.error = ReadReason.empty_tnef.value
    return out
