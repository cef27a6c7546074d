"""Entry point: raw bytes of one message or file -> ParsedMessage. Pure: reads bytes, writes nothing.

The kind is decided from the bytes (a fax TIFF named ".pdf" is still a TIFF); the file name only breaks
ties. Bare PDFs and images get the same shape as a mail with one attachment (no body, one Document), so
the classifiers have one shape to read.
"""
from __future__ import annotations

from typing import Optional

from foundation.config import Limits
from foundation.models import Document, Page, ParsedMessage
from foundation.record import sha256_hex
from foundation.errors import ReadReason
from parsers import budget
from parsers import sniff as sn
from parsers.charsets import decode_bytes
from parsers.documents import read_document, read_documents, text_document
from parsers.html import html_to_text
from parsers.ocr import DEFAULT_ENGINE, OcrEngine


def parse_message(raw: bytes, filename: Optional[str] = None, limits: Optional[Limits] = None,
                  engine: OcrEngine = DEFAULT_ENGINE) -> ParsedMessage:
    limits = limits or Limits()
    raw = raw or b""
    if not raw.strip():
        return ParsedMessage(kind="unknown", unreadable=ReadReason.empty_input.value)
    try:
        with budget.opened(limits.document_timeout_s):
            return _parse(raw, filename, limits, engine)
    except MemoryError:
        return ParsedMessage(kind="unknown", unreadable=ReadReason.too_large.value)
    except RecursionError:
        return ParsedMessage(kind="unknown", unreadable=ReadReason.too_deeply_nested.value)
    except Exception as error:  # never crash on hostile input: say why instead
        return ParsedMessage(kind="unknown", unreadable=ReadReason.parse_failed.detail(f"{type(error).__name__}"))


def _parse(raw: bytes, filename: Optional[str], limits: Limits, engine: OcrEngine) -> ParsedMessage:
    kind = sn.sniff(raw, filename)
    if kind in sn.OFFICE_TYPES or kind in sn.ARCHIVE_TYPES:
        return _office(raw, kind, filename, limits, engine)
    if kind == sn.PDF or kind in sn.IMAGE_TYPES:
        name = filename or ("document.pdf" if kind == sn.PDF else "document" + sn.extension_for(kind, ""))
        doc = read_document(raw, name, limits, filename=filename, engine=engine, content_type=kind)
        usable = doc.error is None or any(p.text.strip() for p in doc.pages)
        return ParsedMessage(kind="pdf" if kind == sn.PDF else "image", attachments=[doc],
                             unreadable=None if usable else doc.error)
    if kind == sn.EMAIL or (kind == sn.TEXT and sn.type_from_name(filename) == sn.EMAIL):
        from parsers.mime import parse_email
        parsed = parse_email(raw, limits, engine)
        if parsed.unreadable and kind == sn.TEXT:
            return _text(raw, unreadable_reason=ReadReason.not_a_message.value)
        return parsed
    if kind == sn.OLE:
        return _outlook(raw, filename, limits, engine)
    if kind == sn.TNEF:
        from parsers.mime import Walker
        walker = Walker(limits, engine, 0)
        walker.add_tnef(raw, filename)
        body = text_document("body", walker.plain.strip(), raw, is_body=True) if walker.plain else None
        return ParsedMessage(kind="email", body=body, html=walker.html, attachments=walker.attachments)
    if kind == sn.HTML:
        html = decode_bytes(raw[: limits.html_max_bytes])
        text = html_to_text(html, limits.html_max_bytes)
        return ParsedMessage(kind="text", body=text_document("body", text, raw, is_body=True), html=html,
                             unreadable=None if text.strip() else ReadReason.empty_input.value)
    named = sn.type_from_name(filename)
    if kind == sn.TEXT and (named == sn.PDF or named in sn.IMAGE_TYPES):
        # A ".pdf" or ".tif" holding a few bytes of text is a broken transfer, not a text message.
        label = "PDF" if named == sn.PDF else "image"
        return ParsedMessage(kind="pdf" if named == sn.PDF else "image",
                             unreadable=ReadReason.corrupt_file.detail(f"named as {label} but holds no {label} data"))
    if kind == sn.TEXT:
        return _text(raw)
    return ParsedMessage(kind="unknown", unreadable=ReadReason.unsupported_format.detail(f"{kind}"))


def _office(raw: bytes, kind: str, filename: Optional[str], limits: Limits, engine: OcrEngine) -> ParsedMessage:
    """A bare Office file (or an archive of documents) has the shape of a mail with that attachment: no body."""
    name = filename or "document" + sn.extension_for(kind, "")
    docs = read_documents(raw, name, limits, filename=filename, engine=engine, content_type=kind)
    usable = any(p.text.strip() for d in docs for p in d.pages)
    reason = next((d.error for d in docs if d.error), None) or ReadReason.empty_input.detail("no text")
    return ParsedMessage(kind="text", attachments=docs, unreadable=None if usable else reason)


def _text(raw: bytes, unreadable_reason: str = ReadReason.empty_input.value) -> ParsedMessage:
    text = decode_bytes(raw)
    usable = any(c.isalnum() for c in text)
    return ParsedMessage(kind="text", body=text_document("body", text.strip(), raw, is_body=True),
                         unreadable=None if usable else unreadable_reason)


def _outlook(raw: bytes, filename: Optional[str], limits: Limits, engine: OcrEngine) -> ParsedMessage:
    from parsers.msg import read_outlook
    outlook = read_outlook(raw, limits, engine)
    if outlook is None:
        return ParsedMessage(kind="unknown", unreadable=ReadReason.unsupported_format.detail("outlook_msg"))
    content = outlook.content
    return ParsedMessage(
        kind="email", subject=" ".join((content.subject or "").split()) or None,
        sender=outlook.sender, sender_name=content.sender_name,
        recipients=[a.strip().lower() for a in (content.to or "").split(";") if "@" in a],
        body=Document(name="body", content_type=sn.TEXT, sha256=sha256_hex(raw), size=len(raw), is_body=True,
                      pages=[Page(number=1, text=outlook.text.strip())]),
        html=content.html, attachments=outlook.attachments, defects=["outlook_msg_best_effort"],
    )
