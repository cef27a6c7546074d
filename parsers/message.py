"""Entry point: raw bytes of one message or file -> ParsedMessage. Pure: reads bytes, writes nothing.

The kind is decided from the bytes (a fax TIFF named ".pdf" is still a TIFF); the file name only breaks
ties. Bare PDFs and images get the same shape as a mail with one attachment (no body, one Document), so
the classifiers have one shape to read.
"""
from __future__ import annotations

from typing import Optional

from intake.config import Limits
from intake.models import Document, Page, ParsedMessage
from parsers import budget
from parsers import sniff as sn
from parsers.charsets import decode_bytes
from parsers.documents import read_document, sha256, text_document
from parsers.html import html_to_text
from parsers.ocr import DEFAULT_ENGINE, OcrEngine


def parse_message(raw: bytes, filename: Optional[str] = None, limits: Optional[Limits] = None,
                  engine: OcrEngine = DEFAULT_ENGINE) -> ParsedMessage:
    limits = limits or Limits()
    raw = raw or b""
    if not raw.strip():
        return ParsedMessage(kind="unknown", unreadable="empty_input")
    try:
        with budget.opened(limits.document_timeout_s):
            return _parse(raw, filename, limits, engine)
    except MemoryError:
        return ParsedMessage(kind="unknown", unreadable="too_large")
    except RecursionError:
        return ParsedMessage(kind="unknown", unreadable="too_deeply_nested")
    except Exception as error:  # never crash on hostile input: say why instead
        return ParsedMessage(kind="unknown", unreadable=f"parse_failed: {type(error).__name__}")


def _parse(raw: bytes, filename: Optional[str], limits: Limits, engine: OcrEngine) -> ParsedMessage:
    kind = sn.sniff(raw, filename)
    if kind == sn.PDF or kind in sn.IMAGE_TYPES:
        name = filename or ("document.pdf" if kind == sn.PDF else "document" + _suffix(kind))
        doc = read_document(raw, name, limits, filename=filename, engine=engine, content_type=kind)
        usable = doc.error is None or any(p.text.strip() for p in doc.pages)
        return ParsedMessage(kind="pdf" if kind == sn.PDF else "image", attachments=[doc],
                             unreadable=None if usable else doc.error)
    if kind == sn.EMAIL or (kind == sn.TEXT and sn.type_from_name(filename) == sn.EMAIL):
        from parsers.mime import parse_email
        parsed = parse_email(raw, limits, engine)
        if parsed.unreadable and kind == sn.TEXT:
            return _text(raw, unreadable_reason="not_a_message")
        return parsed
    if kind == sn.OLE:
        return _outlook(raw, filename, limits, engine)
    if kind == sn.TNEF:
        from parsers.mime import _Walker
        walker = _Walker(limits, engine, 0)
        walker._tnef(raw, filename)
        body = text_document("body", walker.plain.strip(), raw, is_body=True) if walker.plain else None
        return ParsedMessage(kind="email", body=body, html=walker.html, attachments=walker.attachments)
    if kind == sn.HTML:
        html = decode_bytes(raw[: limits.html_max_bytes])
        text = html_to_text(html, limits.html_max_bytes)
        return ParsedMessage(kind="text", body=text_document("body", text, raw, is_body=True), html=html,
                             unreadable=None if text.strip() else "empty_input")
    named = sn.type_from_name(filename)
    if kind == sn.TEXT and (named == sn.PDF or named in sn.IMAGE_TYPES):
        # A ".pdf" or ".tif" holding a few bytes of text is a broken transfer, not a text message.
        label = "PDF" if named == sn.PDF else "image"
        return ParsedMessage(kind="pdf" if named == sn.PDF else "image",
                             unreadable=f"corrupt_file: named as {label} but holds no {label} data")
    if kind == sn.TEXT:
        return _text(raw)
    return ParsedMessage(kind="unknown", unreadable=f"unsupported_format: {kind}")


def _text(raw: bytes, unreadable_reason: str = "empty_input") -> ParsedMessage:
    text = decode_bytes(raw)
    usable = any(c.isalnum() for c in text)
    return ParsedMessage(kind="text", body=text_document("body", text.strip(), raw, is_body=True),
                         unreadable=None if usable else unreadable_reason)


def _outlook(raw: bytes, filename: Optional[str], limits: Limits, engine: OcrEngine) -> ParsedMessage:
    from parsers.msg import read_msg
    content = read_msg(raw)
    if content is None:
        return ParsedMessage(kind="unknown", unreadable="unsupported_format: outlook_msg")
    text = content.body or html_to_text(content.html or "", limits.html_max_bytes)
    attachments = [read_document(data, name, limits, filename=name, engine=engine) for name, data in content.attachments]
    return ParsedMessage(
        kind="email", subject=" ".join((content.subject or "").split()) or None,
        sender=(content.sender or "").strip().lower() or None, sender_name=content.sender_name,
        recipients=[a.strip().lower() for a in (content.to or "").split(";") if "@" in a],
        body=Document(name="body", content_type=sn.TEXT, sha256=sha256(raw), size=len(raw), is_body=True,
                      pages=[Page(number=1, text=text.strip())]),
        html=content.html, attachments=attachments, defects=["outlook_msg_best_effort"],
    )


def _suffix(kind: str) -> str:
    return {sn.TIFF: ".tif", sn.PNG: ".png", sn.JPEG: ".jpg", sn.GIF: ".gif", sn.BMP: ".bmp", sn.WEBP: ".webp"}.get(kind, "")
