"""Detect what a blob of bytes is from its content; the file name is only a hint.

Senders lie about types (application/octet-stream, "scan.PDF" that is a TIFF, no extension at all), so
every attachment and every bare file goes through `sniff` before a reader is chosen.
"""
from __future__ import annotations

import re
from typing import Optional

PDF = "application/pdf"
TIFF = "image/tiff"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
BMP = "image/bmp"
WEBP = "image/webp"
EMAIL = "message/rfc822"
OLE = "application/vnd.ms-outlook"      # OLE2 compound file (.msg, also old .doc/.xls)
TNEF = "application/ms-tnef"
HTML = "text/html"
TEXT = "text/plain"
CALENDAR = "text/calendar"
VCARD = "text/vcard"
ZIP = "application/zip"
SEVEN_Z = "application/x-7z-compressed"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
RTF = "application/rtf"
ENCRYPTED_OFFICE = "application/x-encrypted-office"   # OOXML with a password: an OLE file holding EncryptedPackage
UNKNOWN = "application/octet-stream"

IMAGE_TYPES = frozenset({TIFF, PNG, JPEG, GIF, BMP, WEBP})
OFFICE_TYPES = frozenset({DOCX, XLSX, PPTX, ODT, ODS, DOC, XLS, RTF, ENCRYPTED_OFFICE})
ARCHIVE_TYPES = frozenset({ZIP, SEVEN_Z})

_HEADER_LINE = re.compile(rb"^(?:[!-9;-~]{1,76}):[ \t]*\S?", re.ASCII)
_MAIL_HEADERS = re.compile(
    rb"^(from|to|subject|date|message-id|received|return-path|mime-version|content-type|delivered-to|"
    rb"x-[a-z0-9-]+|reply-to|cc|sender|references|in-reply-to|thread-topic|thread-index)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
_EXTENSIONS = {
    ".pdf": PDF, ".tif": TIFF, ".tiff": TIFF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".gif": GIF,
    ".bmp": BMP, ".eml": EMAIL, ".msg": OLE, ".txt": TEXT, ".htm": HTML, ".html": HTML, ".ics": CALENDAR,
    ".vcf": VCARD, ".dat": TNEF, ".zip": ZIP, ".webp": WEBP, ".7z": SEVEN_Z, ".docx": DOCX, ".xlsx": XLSX,
    ".pptx": PPTX, ".odt": ODT, ".ods": ODS, ".doc": DOC, ".xls": XLS, ".rtf": RTF,
}
# The inner part that tells an OOXML package apart (checked in this order), and ODF's `mimetype` member.
_OOXML_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))
_ODF_TYPES = {ODT.encode(): ODT, ODS.encode(): ODS, b"application/vnd.oasis.opendocument.text-template": ODT,
              b"application/vnd.oasis.opendocument.spreadsheet-template": ODS}
# The extension a made-up file name gets for a detected type (the first one listed above for that type).
_SUFFIXES = {ctype: ext for ext, ctype in reversed(list(_EXTENSIONS.items()))}


def extension_for(ctype: str, default: str = ".bin") -> str:
    """The usual extension of a content type (".pdf", ".tif"...), `default` for a type we do not name."""
    return _SUFFIXES.get(ctype, default)


def type_from_name(name: Optional[str]) -> Optional[str]:
    """The type a file name suggests (a hint only)."""
    if not name:
        return None
    lower = name.strip().lower()
    if lower == "winmail.dat":
        return TNEF
    dot = lower.rfind(".")
    return _EXTENSIONS.get(lower[dot:]) if dot >= 0 else None


def looks_like_email(head: bytes) -> bool:
    """RFC 822 headers at the start: the first line is a header (or an mbox "From " line) and known
    mail headers appear before the first blank line."""
    text = head[:8192].lstrip(b"\r\n")
    if text.startswith(b"From "):
        nl = text.find(b"\n")
        text = text[nl + 1:] if nl >= 0 else b""
    if not _HEADER_LINE.match(text):
        return False
    blank = re.search(rb"\r?\n\r?\n", text)
    block = text[: blank.start()] if blank else text
    return len(_MAIL_HEADERS.findall(block)) >= (1 if blank else 2) or bool(
        re.match(rb"(from|subject|date|received|return-path|message-id)\s*:", text, re.IGNORECASE)
    )


def sniff(data: bytes, name: Optional[str] = None, declared: Optional[str] = None) -> str:
    """The content type of `data`, from its bytes first, then the declared type, then the name."""
    head = data[:1024]
    if b"%PDF" in head:
        return PDF
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return TIFF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"BM") and len(head) > 26 and head[14] in (12, 40, 52, 56, 64, 108, 124):
        return BMP
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_kind(data)
    if head.startswith(b"\x78\x9f\x3e\x22"):
        return TNEF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return SEVEN_Z
    if head.startswith(b"{\\rtf"):
        return RTF
    hint = (declared or "").lower().split(";")[0].strip() or None
    by_name = type_from_name(name)
    stripped = head.lstrip()
    low = stripped[:256].lower()
    if low.startswith(b"begin:vcalendar"):
        return CALENDAR
    if low.startswith(b"begin:vcard"):
        return VCARD
    if low.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<table", b"<p>")):
        return HTML
    if looks_like_email(data):
        return EMAIL
    if _is_text(head):
        if hint in (HTML, CALENDAR, VCARD, "text/x-vcard", "text/enriched", "text/richtext") or by_name in (HTML, CALENDAR, VCARD):
            return hint if hint and hint.startswith("text/") else by_name or TEXT
        return TEXT
    if hint and hint not in (UNKNOWN, "application/unknown", "binary/octet-stream") and not hint.startswith(("image/", "application/pdf")):
        return hint  # e.g. application/msword: we cannot read it, but keep what the sender said
    return by_name if by_name and by_name not in (PDF,) and by_name not in IMAGE_TYPES else UNKNOWN


def _zip_kind(data: bytes) -> str:
    """A zip file, or the Office/OpenDocument package it is, told from its inner parts (names only read)."""
    import io
    import zipfile

    if data[30:38] == b"mimetype":  # ODF stores `mimetype` first and uncompressed: read it in place
        for raw, kind in _ODF_TYPES.items():
            if data[38:38 + len(raw) + 8].find(raw) >= 0:
                return kind
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist()[:5000])
            if "[Content_Types].xml" in names:
                for part, kind in _OOXML_PARTS:
                    if part in names:
                        return kind
            if "mimetype" in names and "content.xml" in names:
                info = archive.getinfo("mimetype")
                if info.file_size < 200:
                    return _ODF_TYPES.get(archive.read(info).strip(), ZIP)
    except Exception:  # a damaged package: the central directory may be gone; judge by the local headers
        for part, kind in _OOXML_PARTS:
            if part.encode() in data[:200_000]:
                return kind
    return ZIP


def _ole_kind(data: bytes) -> str:
    """An OLE2 compound file: Word (.doc), Excel (.xls), a password-protected OOXML package, else Outlook/other."""
    try:
        import olefile

        with olefile.OleFileIO(data) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=False)}
    except Exception:
        return OLE
    if "worddocument" in streams:
        return DOC
    if "workbook" in streams or "book" in streams:
        return XLS
    if "encryptedpackage" in streams:
        return ENCRYPTED_OFFICE
    return OLE


def _is_text(head: bytes) -> bool:
    """Mostly printable bytes with no NULs (UTF-16 with a BOM counts as text)."""
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control <= len(head) // 50
