"""RFC 822 / MIME messages to ParsedMessage: headers decoded, body chosen, attachments read by content.

The stdlib parser in compat32 mode is the most forgiving one Python has (it never raises on broken
boundaries or headers); everything after parsing is defensive: 8-bit headers, bogus charsets, garbage
transfer encodings, message/rfc822 parts parsed recursively to a bounded depth, and a part budget.
"""
from __future__ import annotations

import base64
import binascii
import email
import email.header
import email.utils
import re
from datetime import timezone
from email.message import Message
from email.policy import compat32
from typing import Optional

from foundation.config import Limits
from foundation.models import Document, Page, ParsedMessage
from foundation.record import sha256_hex
from foundation.errors import ReadReason
from parsers import sniff as sn
from parsers.charsets import decode_bytes, recover_8bit
from parsers.documents import NO_TEXT, read_document, text_document
from parsers.html import html_to_text
from parsers.ocr import DEFAULT_ENGINE, OcrEngine

MAX_DEPTH = 5
MAX_PARTS = 300
MAX_HEADER_CHARS = 20_000
MAX_RECIPIENTS = 200
TINY_IMAGE_BYTES = 10_000
TINY_IMAGE_SIDE = 200
KEPT_HEADERS = ("Auto-Submitted", "Precedence", "X-Autoreply", "X-Autorespond", "Return-Path", "Content-Type",
                "X-Mailer", "List-Id", "List-Unsubscribe", "X-Failed-Recipients", "Authentication-Results",
                "Received-SPF", "X-Auto-Response-Suppress")


# --------------------------------------------------------------------------- headers


def decode_header(value) -> str:
    """RFC 2047 encoded words and raw 8-bit bytes to text, whitespace normalised; never raises."""
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        try:
            value = str(value)
        except Exception:
            value = value.encode()
    value = recover_8bit(str(value))[:MAX_HEADER_CHARS]
    if "=?" in value:
        try:
            parts = email.header.decode_header(value)
            out = []
            for chunk, charset in parts:
                out.append(decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk)
            value = "".join(out)
        except Exception:
            pass
    return " ".join(value.replace("\x00", "").split())


def _raw_all(msg: Message, name: str) -> list[str]:
    """Header values as parsed, 8-bit bytes still there as surrogates (msg.get would turn them into "?")."""
    lname = name.lower()
    try:
        return [v if isinstance(v, str) else str(v) for k, v in msg.raw_items() if str(k).lower() == lname]
    except Exception:
        return []


def _get(msg: Message, name: str) -> Optional[str]:
    values = _raw_all(msg, name)
    if not values:
        return None
    text = decode_header(values[0])
    return text or None


def _addresses(msg: Message, *names: str) -> list[tuple[str, str]]:
    values = []
    for name in names:
        try:
            values += [decode_header(v) for v in _raw_all(msg, name)]
        except Exception:
            continue
    try:
        pairs = email.utils.getaddresses(values)
    except Exception:
        pairs = []
    return [(n.strip(), a.strip().strip("<>")) for n, a in pairs[:MAX_RECIPIENTS]]


def _date(msg: Message):
    value = _get(msg, "Date")
    if not value:
        return None
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except Exception:
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def _msgid(value: Optional[str]) -> Optional[str]:
    if not value:
        return None
    found = re.search(r"<[^<>\s]+>", value)
    return found.group() if found else value.strip() or None


def automatic_kind(msg: Message, sender: Optional[str], headers: dict[str, str]) -> Optional[str]:
    ctype = (msg.get_content_type() or "").lower()
    report = (msg.get_param("report-type") or "") if ctype == "multipart/report" else ""
    report = str(report).lower()
    local = (sender or "").split("@")[0]
    if report == "disposition-notification" or any(p.get_content_type() == "message/disposition-notification" for p in _safe_walk(msg)):
        return "read_receipt"
    if report == "delivery-status" or ctype == "message/delivery-status" or "X-Failed-Recipients" in headers \
            or local in ("mailer-daemon", "postmaster") or local.startswith("mailer-daemon"):
        return "bounce"
    auto = headers.get("Auto-Submitted", "").lower().strip()
    precedence = headers.get("Precedence", "").lower().strip()
    # an automatic answer to a person's mail (out-of-office, vacation responder): RFC 3834 auto-replied
    if auto.startswith("auto-replied") or "X-Autoreply" in headers or "X-Autorespond" in headers \
            or precedence == "auto_reply":
        return "auto_replied"
    # machine-made mail (a platform's notification, a mailing list, bulk): a fact the classifier weighs, never a verdict
    if auto and not auto.startswith("no"):
        return "auto_generated"
    if precedence in ("bulk", "junk", "list") or "List-Unsubscribe" in headers or "List-Id" in headers:
        return "bulk"
    return None


def _safe_walk(msg: Message, limit: int = MAX_PARTS):
    stack = [msg]
    seen = 0
    while stack and seen < limit:
        part = stack.pop()
        seen += 1
        yield part
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend(reversed([p for p in payload if isinstance(p, Message)]))


# --------------------------------------------------------------------------- parts


_NOT_B64 = re.compile(rb"[^A-Za-z0-9+/]")


def _lenient_b64(raw: str) -> Optional[bytes]:
    """Base64 with junk in it (line noise, a truncated tail): decode what is decodable."""
    data = _NOT_B64.sub(b"", raw.encode("ascii", "ignore"))
    data = data[: len(data) - len(data) % 4] if len(data) % 4 == 1 else data + b"=" * (-len(data) % 4)
    try:
        return base64.b64decode(data)
    except (binascii.Error, ValueError):
        return None


def _payload_bytes(part: Message) -> bytes:
    cte = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    raw = part.get_payload()
    if cte == "base64" and isinstance(raw, str):
        decoded = _lenient_b64(raw)
        if decoded is not None:
            return decoded
    try:
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            return data
    except Exception:
        pass
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def _filename(part: Message) -> Optional[str]:
    try:
        name = part.get_filename() or part.get_param("name")
    except Exception:
        name = None
    if isinstance(name, tuple):  # RFC 2231 triple left undecoded
        try:
            name = email.utils.collapse_rfc2231_value(name)
        except Exception:
            name = str(name[-1])
    if not name:
        return None
    name = decode_header(name).replace("/", "_").replace("\\", "_").strip()
    return name[:255] or None


def _image_is_tiny(data: bytes) -> bool:
    if len(data) < TINY_IMAGE_BYTES:
        return True
    try:
        from parsers.images import open_image
        im = open_image(data)
        return min(im.size) < TINY_IMAGE_SIDE
    except Exception:
        return False


class Walker:
    """Collects body candidates and attachments from one message tree."""

    def __init__(self, limits: Limits, engine: OcrEngine, depth: int):
        self.limits, self.engine, self.depth = limits, engine, depth
        self.plain: Optional[str] = None
        self.html: Optional[str] = None
        self.attachments: list[Document] = []
        self.defects: list[str] = []
        self.parts = 0
        self.forwards = 0
        self.html_mail = False

    def walk(self, part: Message, in_alternative: bool = False) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            if "too_many_parts" not in self.defects:
                self.defects.append("too_many_parts")
            return
        ctype = (part.get_content_type() or "text/plain").lower()
        payload = part.get_payload()
        if ctype in ("message/delivery-status", "message/disposition-notification") and isinstance(payload, list):
            text = "\n".join(p.as_string() for p in payload[:50] if isinstance(p, Message))
            data = text.encode("utf-8", "surrogateescape")
            self.attachments.append(text_document(ctype.split("/")[1] + ".txt", recover_8bit(text), data, content_type=ctype))
            return
        if ctype.startswith("message/") and ctype not in ("message/partial", "message/external-body"):
            self._forward(part, payload)
            return
        if part.is_multipart() and isinstance(payload, list):
            if ctype == "multipart/alternative" or ctype == "multipart/related":
                self.html_mail = self.html_mail or any(
                    isinstance(p, Message) and p.get_content_type() == "text/html" for p in payload)
            for sub in payload:
                if isinstance(sub, Message):
                    self.walk(sub, in_alternative or ctype == "multipart/alternative")
            return
        self._leaf(part, ctype)

    def _forward(self, part: Message, payload) -> None:
        inner: Optional[Message] = None
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            inner = payload[0]
        else:
            data = _payload_bytes(part)
            if data.strip():
                inner = email.message_from_bytes(data, policy=compat32)
        if inner is None:
            return
        self.forwards += 1
        name = _filename(part) or f"forwarded-{self.forwards}.eml"
        if self.depth + 1 > MAX_DEPTH:
            self.defects.append("forward_depth_exceeded")
            return
        try:
            data = inner.as_bytes(policy=compat32)
        except Exception:
            data = b""
        self.absorb(message_from_tree(inner, self.limits, self.engine, self.depth + 1), name, data)

    def absorb(self, sub: ParsedMessage, name: str, data: bytes) -> None:
        """A forwarded/attached message: its body becomes a Document, its attachments follow it."""
        text = sub.body.text if sub.body else ""
        self.attachments.append(Document(
            name=name, filename=name, content_type=sn.EMAIL, declared_type=sn.EMAIL, sha256=sha256_hex(data), size=len(data),
            pages=[Page(number=1, text=text)], forwarded_subject=sub.subject, forwarded_sender=sub.sender,
            forwarded_sender_name=sub.sender_name, forwarded_date=sub.date))
        self.attachments.extend(sub.attachments)
        self.defects.extend(sub.defects)

    def _leaf(self, part: Message, ctype: str) -> None:
        filename = _filename(part)
        disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        charset = part.get_content_charset() or part.get_param("charset")
        if isinstance(charset, tuple):
            charset = str(charset[-1])
        data = _payload_bytes(part)
        is_attachment = disposition == "attachment" or bool(filename)
        if ctype in ("text/plain", "text/html") and not is_attachment:
            if ctype == "text/plain":
                text = decode_bytes(data, charset)
                if self.plain is None:
                    self.plain = text
                elif text.strip():
                    self.plain = self.plain + "\n\n" + text
            else:
                html = decode_bytes(data[: self.limits.html_max_bytes], charset)
                if self.html is None:
                    self.html = html
                elif not in_alt_duplicate(self.html, html):
                    self.html = self.html + "\n" + html
            return
        if not data and ctype not in NO_TEXT:
            if ctype in ("message/external-body", "message/partial"):
                self.defects.append(ctype.replace("message/", "unsupported_"))
            return
        detected = sn.sniff(data, filename, ctype)
        if detected == sn.EMAIL and ctype not in ("text/plain", "text/html", "text/rfc822-headers") and self.depth < MAX_DEPTH:
            self.forwards += 1
            name = filename or f"forwarded-{self.forwards}.eml"
            inner = email.message_from_bytes(data, policy=compat32)
            self.absorb(message_from_tree(inner, self.limits, self.engine, self.depth + 1), name, data)
            return
        if detected == sn.TNEF or ctype == "application/ms-tnef":
            self.add_tnef(data, filename)
            return
        if detected == sn.OLE:
            from parsers.msg import read_outlook
            outlook = read_outlook(data, self.limits, self.engine)
            if outlook is not None:
                self.forwards += 1
                name = filename or f"forwarded-{self.forwards}.msg"
                self.attachments.append(Document(
                    name=name, filename=filename, content_type=sn.OLE, declared_type=ctype, sha256=sha256_hex(data),
                    size=len(data), pages=[Page(number=1, text=outlook.text)],
                    forwarded_subject=outlook.content.subject, forwarded_sender=outlook.sender))
                self.attachments.extend(outlook.attachments)
                return
        name = filename or f"part-{len(self.attachments) + 1}{sn.extension_for(detected)}"
        ocr = True
        if detected in sn.IMAGE_TYPES and not filename and disposition != "attachment":
            ocr = not (self.html_mail and _image_is_tiny(data))
        elif detected in sn.IMAGE_TYPES and self.html_mail and disposition == "inline" and _image_is_tiny(data):
            ocr = False
        self.attachments.append(read_document(data, name, self.limits, filename=filename, declared=ctype,
                                              charset=charset, ocr=ocr, engine=self.engine, content_type=detected))

    def add_tnef(self, data: bytes, filename: Optional[str], nesting: int = 0) -> None:
        from parsers.tnef import read_tnef
        content = read_tnef(data)
        doc = Document(name=filename or "winmail.dat", filename=filename, content_type=sn.TNEF, declared_type="application/ms-tnef",
                       sha256=sha256_hex(data), size=len(data), error=content.error)
        self.attachments.append(doc)
        if content.body and content.body.strip() and not (self.plain or "").strip():
            self.plain = (self.plain or "") + content.body
        if content.html and self.html is None:
            self.html = content.html
        for name, payload in content.attachments:
            if nesting < 3 and sn.sniff(payload, name) == sn.TNEF:  # an embedded Outlook item
                self.add_tnef(payload, name, nesting + 1)
                continue
            self.attachments.append(read_document(payload, name, self.limits, filename=name, engine=self.engine))


def in_alt_duplicate(first: str, second: str) -> bool:
    return first.strip() == second.strip()


def choose_body(plain: Optional[str], html_text: Optional[str]) -> Optional[str]:
    """Prefer the plain part unless it is empty or much shorter than the HTML's text (a "see HTML" stub)."""
    plain_s = (plain or "").strip()
    html_s = (html_text or "").strip()
    if plain_s and (not html_s or len(plain_s) * 3 >= len(html_s) or len(html_s) < 200):
        return plain
    if html_s:
        return html_text
    return plain


# --------------------------------------------------------------------------- message


def parse_email(raw: bytes, limits: Limits, engine: OcrEngine = DEFAULT_ENGINE) -> ParsedMessage:
    msg = email.message_from_bytes(raw, policy=compat32)
    parsed = message_from_tree(msg, limits, engine, 0)
    if not any((parsed.subject, parsed.sender, parsed.message_id, parsed.date, parsed.automatic)) and not parsed.attachments \
            and not (parsed.body and parsed.body.text.strip()):
        parsed.unreadable = ReadReason.not_a_message.value
    return parsed


def message_from_tree(msg: Message, limits: Limits, engine: OcrEngine, depth: int) -> ParsedMessage:
    senders = _addresses(msg, "From") or _addresses(msg, "Sender")
    sender_name, sender = (senders[0] if senders else ("", ""))
    sender = sender.lower() if "@" in sender else None
    headers: dict[str, str] = {}
    for name in KEPT_HEADERS:
        value = _get(msg, name)
        if value is not None:
            headers[name] = value[:2000]
    walker = Walker(limits, engine, depth)
    defects: list[str] = []
    try:
        walker.walk(msg)
    except RecursionError:
        defects.append("mime_too_deep")
    except Exception as error:  # the stdlib on a hostile tree: keep what was collected
        defects.append(f"mime_error: {type(error).__name__}")
    for d in getattr(msg, "defects", [])[:20]:
        defects.append(type(d).__name__)
    html_text = html_to_text(walker.html, limits.html_max_bytes) if walker.html else None
    text = choose_body(walker.plain, html_text)
    body = None
    if text is not None:
        data = text.encode("utf-8", "replace")
        body = text_document("body", text.strip(), data, is_body=True)
    references = re.findall(r"<[^<>\s]+>", _get(msg, "References") or "")[:100]
    return ParsedMessage(
        kind="email", message_id=_msgid(_get(msg, "Message-ID")), subject=_get(msg, "Subject"),
        sender=sender, sender_name=sender_name or None,
        recipients=[a.lower() for _, a in _addresses(msg, "To", "Cc") if a][:MAX_RECIPIENTS],
        date=_date(msg), in_reply_to=_msgid(_get(msg, "In-Reply-To")), references=references, headers=headers,
        automatic=automatic_kind(msg, sender, headers), body=body, html=walker.html, attachments=walker.attachments,
        defects=defects + walker.defects,
    )
