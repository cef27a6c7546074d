"""Parsers: raw bytes to a ParsedMessage (MIME, PDF, OCR). No business knowledge here."""
from __future__ import annotations


def parse_message(raw, filename=None, limits=None):
    """Raw bytes of one message or file -> foundation.models.ParsedMessage. Implemented in parsers.message."""
    from parsers.message import parse_message as _parse
    return _parse(raw, filename=filename, limits=limits)
