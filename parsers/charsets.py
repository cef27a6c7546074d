"""Bytes to text under whatever charset a sender declared, right or wrong.

Mail clients declare charsets Python does not know (ks_c_5601-1987, x-unknown, "charset=utf8\"), or
declare one and send another. Order: the declared charset (through an alias table), then utf-8, then
cp1252, which maps almost every byte, with replacement as the last resort. Never raises.
"""
from __future__ import annotations

import codecs
import re
from typing import Optional

ALIASES = {
    "ks_c_5601-1987": "cp949", "ks_c_5601": "cp949", "ksc5601": "cp949", "euc-kr": "cp949",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "chinese": "gb18030",
    "iso-8859-8-i": "iso-8859-8", "iso-8859-6-i": "iso-8859-6", "windows-874": "cp874",
    "x-sjis": "shift_jis", "shift-jis": "shift_jis", "sjis": "shift_jis", "ms932": "cp932",
    "unicode-1-1-utf-7": "utf-7", "x-user-defined": "cp1252", "us-ascii": "ascii", "ansi_x3.4-1968": "ascii",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "iso_8859-1": "cp1252",  # what senders really mean
    "utf8": "utf-8", "unicode": "utf-16", "ucs-2": "utf-16", "x-mac-roman": "mac_roman", "macintosh": "mac_roman",
}


def codec_for(charset: Optional[str]) -> Optional[str]:
    """A Python codec name for a declared charset, None when unknown."""
    if not charset:
        return None
    name = re.sub(r"[\"'\\\s]", "", str(charset)).lower()
    name = ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, charset: Optional[str] = None) -> str:
    """Decode with the declared charset, else utf-8, else cp1252 with replacement."""
    if not data:
        return ""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    codec = codec_for(charset)
    if codec and codec != "ascii":
        try:
            text = data.decode(codec)
            if codec.startswith("utf-16") or "\x00" not in text:
                return text
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if codec and codec not in ("ascii", "utf-8", "cp1252"):
        try:
            return data.decode(codec, "replace")
        except (LookupError, ValueError):
            pass
    return data.decode("cp1252", "replace")


def recover_8bit(value: str) -> str:
    """Header values parsed with surrogateescape keep raw 8-bit bytes as surrogates: decode them as utf-8,
    else cp1252."""
    if not any("\udc80" <= c <= "\udcff" for c in value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    return decode_bytes(raw, None)
