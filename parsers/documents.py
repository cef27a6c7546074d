"""One attachment's bytes to a Document: type detected from content, then the matching reader.

Every reader failure ends in `Document.error`; nothing here raises, so a broken attachment never costs
the rest of the message.
"""
from __future__ import annotations

from typing import Optional

from foundation.config import Limits
from foundation.errors import ReadReason
from foundation.models import Document, Page
from foundation.record import sha256_hex
from parsers import sniff as sn
from parsers.charsets import decode_bytes
from parsers.html import html_to_text
from parsers.ocr import DEFAULT_ENGINE, OcrEngine

TEXT_LIKE = {sn.TEXT, "text/enriched", "text/richtext", "text/csv", "text/x-csv", "message/delivery-status",
             "message/disposition-notification", "text/rfc822-headers", "message/rfc822-headers", sn.EMAIL}
NO_TEXT = {sn.CALENDAR, sn.VCARD, "text/x-vcard", "application/pkcs7-signature", "application/x-pkcs7-signature",
           "application/pgp-signature", "application/ics"}
MAX_TEXT_CHARS = 2_000_000


def normalise_newlines(text: str) -> str:
    """CRLF (kept by quoted-printable and 8-bit parts) and bare CR become LF: one line-end for the readers."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def text_document(name: str, text: str, data: bytes, content_type: str = sn.TEXT, **extra) -> Document:
    return Document(name=name, content_type=content_type, sha256=sha256_hex(data), size=len(data),
                    pages=[Page(number=1, text=normalise_newlines(text[:MAX_TEXT_CHARS]))], **extra)


def read_document(data: bytes, name: str, limits: Limits, *, filename: Optional[str] = None,
                  declared: Optional[str] = None, charset: Optional[str] = None, ocr: bool = True,
                  engine: OcrEngine = DEFAULT_ENGINE, content_type: Optional[str] = None) -> Document:
    """Read an attachment (PDF, image, text, HTML...) into a Document; unknown types keep no text."""
    ctype = content_type or sn.sniff(data, filename or name, declared)
    doc = Document(name=name, filename=filename, content_type=ctype, declared_type=declared,
                   sha256=sha256_hex(data), size=len(data))
    if not data:
        doc.error = ReadReason.empty_attachment.value
        return doc
    try:
        if ctype == sn.PDF or ctype in sn.OFFICE_TYPES:
            from parsers.pdf import read_pdf
            if ctype == sn.PDF:
                result = read_pdf(data, limits, engine, ocr=ocr)
            else:
                from parsers.office import read_office
                result = read_office(data, ctype, limits, engine)
            doc.pages, doc.error, doc.notes = result.pages, result.error, list(result.notes)
            doc.page_count = result.page_count or None
            doc.ocr = result.ocr
        elif ctype in sn.ARCHIVE_TYPES:
            pass  # its members are read by read_documents
        elif ctype in sn.IMAGE_TYPES:
            from parsers.images import read_image
            result = read_image(data, limits, engine, ocr=ocr)
            doc.pages, doc.error, doc.notes = result.pages, result.error, list(result.notes)
            doc.ocr = any(p.ocr for p in result.pages)
        elif ctype in NO_TEXT:
            pass
        elif ctype == sn.HTML or (declared or "").startswith("text/html"):
            html = decode_bytes(data[: limits.html_max_bytes], charset)
            doc.pages = [Page(number=1, text=html_to_text(html, limits.html_max_bytes))]
        elif ctype in TEXT_LIKE or ctype.startswith("text/"):
            doc.pages = [Page(number=1, text=normalise_newlines(decode_bytes(data[:MAX_TEXT_CHARS], charset)))]
        else:
            doc.error = ReadReason.unsupported_type.value
    except MemoryError:
        doc.error = ReadReason.too_large.value
    except Exception as error:  # last line of defence: a library bug costs this document only
        doc.error = ReadReason.read_failed.detail(f"{type(error).__name__}")
    return doc


class _Tree:
    """What is left to unpack for one attachment, nested archives included (they share one allowance)."""

    def __init__(self, limits: Limits):
        from parsers.unpack import Bounds
        self.bounds = Bounds.from_limits(limits)
        self.members_left = self.bounds.max_members
        self.bytes_left = self.bounds.max_total_bytes


def read_documents(data: bytes, name: str, limits: Limits, *, filename: Optional[str] = None,
                   declared: Optional[str] = None, charset: Optional[str] = None, ocr: bool = True,
                   engine: OcrEngine = DEFAULT_ENGINE, content_type: Optional[str] = None,
                   _depth: int = 1, _tree: Optional[_Tree] = None) -> list[Document]:
    """`read_document`, and for an archive (.zip, .7z) the archive's Document followed by one Document per
    member ("bundle.zip/ordre.docx"), read the same way. The archive bounds of foundation `limits` hold for
    the whole tree; a member or archive past them is noted (`archive_refused: ...`), never read."""
    doc = read_document(data, name, limits, filename=filename, declared=declared, charset=charset, ocr=ocr,
                        engine=engine, content_type=content_type)
    if doc.content_type not in sn.ARCHIVE_TYPES or doc.error:
        return [doc]
    from parsers.unpack import ArchiveError, Bounds, members
    tree = _tree or _Tree(limits)
    if _depth > tree.bounds.max_depth:
        doc.error = ReadReason.archive_refused.detail(f"archive nested deeper than {tree.bounds.max_depth} levels")
        return [doc]
    bounds = Bounds(min(tree.members_left, tree.bounds.max_members), tree.bounds.max_member_bytes,
                    max(0, tree.bytes_left), tree.bounds.max_ratio, tree.bounds.max_depth)
    out: list[Document] = []
    try:
        for member in members(data, "7z" if doc.content_type == sn.SEVEN_Z else "zip", bounds):
            inner = f"{name}/{member.name}"
            base = member.name.rsplit("/", 1)[-1]
            if member.refused:
                doc.notes.append(f"{member.refused} ({member.name})")
                out.append(Document(name=inner, filename=base, content_type=sn.type_from_name(base) or sn.UNKNOWN,
                                    sha256=sha256_hex(b""), size=0, error=member.refused))
                continue
            tree.members_left -= 1
            tree.bytes_left -= len(member.data)
            out.extend(read_documents(member.data, inner, limits, filename=base, ocr=ocr, engine=engine,
                                      _depth=_depth + 1, _tree=tree))
    except ArchiveError as error:
        doc.error = error.reason
    except MemoryError:
        doc.error = ReadReason.too_large.value
    except Exception as error:  # a library bug on a hostile archive costs this attachment only
        doc.error = ReadReason.read_failed.detail(f"archive: {type(error).__name__}")
    if not out and not doc.error:
        doc.error = ReadReason.empty_attachment.detail("empty archive")
    return [doc, *out]
