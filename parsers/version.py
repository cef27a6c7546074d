"""The version of what the readers produce, for the store's document cache (outputs.cache).

A cached parse (text, word boxes, OCR) is reused only while this string is the same: bump
`PARSER_VERSION` when a parser changes what it produces; the installed Tesseract's version is part of
the key too, so an OCR upgrade makes every cached OCR stale (or run `intake reprocess --reread`).
"""
from __future__ import annotations

import functools
import shutil
import subprocess

PARSER_VERSION = "2"   # 2: Office files and archives attached are read (issue 13, class 2)


@functools.lru_cache(maxsize=1)
def tesseract_version() -> str:
    exe = shutil.which("tesseract")
    if not exe:
        return "none"
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    first = (out.stdout or out.stderr).strip().splitlines()
    return first[0].split()[-1] if first else "unknown"


def reader_version() -> str:
    """e.g. "parsers-1+tesseract-5.3.0"."""
    return f"parsers-{PARSER_VERSION}+tesseract-{tesseract_version()}"
