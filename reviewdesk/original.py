"""The original message as the reviewer sees it: headers, text, HTML made safe, attachments.

Read again from the raw bytes the store keeps (never from what the pipeline understood), so the reviewer
judges the machine against the source. Hostile input never raises: the worst case is an empty view.
"""
from __future__ import annotations

import email
import email.header
import email.policy
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import Message
from typing import Optional

import nh3

_BINARY_MAGIC = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg",
                 b"II*\x00": "image/tiff", b"MM\x00*": "image/tiff", b"GIF8": "image/gif"}
SHOWN_HEADERS = ("From", "To", "Cc", "Date", "Subject", "Message-ID", "Reply-To")
MAX_TEXT = 500_000

# Tags a business mail needs to be read; no images (remote images track the reader), no style, no forms.
SAFE_TAGS = {"a", "b", "i", "u", "em", "strong", "p", "br", "div", "span", "ul", "ol", "li", "table", "thead",
             "tbody", "tr", "td", "th", "h1", "h2", "h3", "h4", "blockquote", "pre", "code", "hr", "font", "small",
             "sub", "sup", "center"}
SAFE_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


@dataclass
class Attachment:
    index: int
    filename: str              # safe for display and for Content-Disposition
    content_type: str
    size: int
    sha256: str


@dataclass
class OriginalMessage:
    is_email: bool
    headers: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""
    safe_html: Optional[str] = None
    attachments: list[Attachment] = field(default_factory=list)
    error: Optional[str] = None


def sanitize_html(html: str) -> str:
    """Mail HTML without scripts, handlers, styles, images, forms; links get rel=noopener noreferrer."""
    return nh3.clean(html[:2_000_000], tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow",
                     strip_comments=True)


def safe_filename(name: Optional[str], fallback: str) -> str:
    """A display and download name: no folders, no control characters, bounded length."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        name = fallback
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:100] + dot + ext[:15]) if dot and len(ext) <= 15 else name[:120]
    return name


def binary_type(raw: bytes) -> Optional[str]:
    """The content type of a raw input that is a document rather than a message (a fax, a scan, a PDF)."""
    head = raw[:8].lstrip() if raw[:1].isspace() else raw[:8]
    for magic, kind in _BINARY_MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def _leaf_parts(message: Message) -> list[Message]:
    try:
        return [part for part in message.walk() if not part.is_multipart()]
    except Exception:  # noqa: BLE001 - deeply nested or broken structures
        return []


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        return b""
    return data if isinstance(data, bytes) else b""


def _decode_text(part: Message, data: bytes) -> str:
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _is_attachment(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").lower()
    return "attachment" in disposition or bool(part.get_filename()) or \
        part.get_content_maintype() not in ("text", "multipart", "message")


def _parse(raw: bytes) -> Message:
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def load_original(raw: bytes, filename: Optional[str] = None) -> OriginalMessage:
    kind = binary_type(raw)
    if kind:
        return OriginalMessage(is_email=False, attachments=[Attachment(
            0, safe_filename(filename, "document"), kind, len(raw), hashlib.sha256(raw).hexdigest())])
    try:
        message = _parse(raw)
    except Exception as error:  # noqa: BLE001
        return OriginalMessage(is_email=False, text=raw[:MAX_TEXT].decode("utf-8", "replace"), error=str(error))
    headers = []
    for name in SHOWN_HEADERS:
        value = message.get(name)
        if value is not None:
            try:
                decoded = str(email.header.make_header(email.header.decode_header(str(value))))
            except Exception:  # noqa: BLE001
                decoded = str(value)
            headers.append((name, decoded[:2000]))
    out = OriginalMessage(is_email=bool(headers), headers=headers)
    if not headers:  # a bare text file
        out.text = raw[:MAX_TEXT].decode("utf-8", "replace")
        return out
    html_parts: list[str] = []
    for index, part in enumerate(_leaf_parts(message)):
        data = _payload(part)
        if _is_attachment(part):
            name = _decoded_filename(part)
            out.attachments.append(Attachment(index, safe_filename(name, f"piece-jointe-{index}"),
                                              _safe_type(part.get_content_type()), len(data),
                                              hashlib.sha256(data).hexdigest()))
        elif part.get_content_type() == "text/plain" and not out.text:
            out.text = _decode_text(part, data)[:MAX_TEXT]
        elif part.get_content_type() == "text/html":
            html_parts.append(_decode_text(part, data))
    if html_parts:
        out.safe_html = sanitize_html("\n".join(html_parts))
    return out


def _decoded_filename(part: Message) -> Optional[str]:
    try:
        name = part.get_filename()
        if name:
            return str(email.header.make_header(email.header.decode_header(name)))
    except Exception:  # noqa: BLE001
        return None
    return None


def _safe_type(content_type: str) -> str:
    return content_type if re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", content_type or "") else "application/octet-stream"


def attachment_bytes(raw: bytes, index: int) -> Optional[bytes]:
    """The decoded bytes of leaf part `index` (as listed by load_original), or the whole file for a document."""
    if binary_type(raw):
        return raw if index == 0 else None
    try:
        parts = _leaf_parts(_parse(raw))
    except Exception:  # noqa: BLE001
        return None
    return _payload(parts[index]) if 0 <= index < len(parts) else None


def bytes_by_sha256(raw: bytes, sha256: str) -> Optional[bytes]:
    """The part whose decoded bytes have this digest (the store's documents name their bytes this way)."""
    if hashlib.sha256(raw).hexdigest() == sha256:
        return raw
    if binary_type(raw):
        return None
    try:
        parts = _leaf_parts(_parse(raw))
    except Exception:  # noqa: BLE001
        return None
    for part in parts:
        data = _payload(part)
        if data and hashlib.sha256(data).hexdigest() == sha256:
            return data
    return None
