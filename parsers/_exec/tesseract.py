"""The one place that runs the `tesseract` binary (after OCRmyPDF's `_exec/tesseract.py`).

Why a subprocess and not a binding: the binary is what Debian ships and tests, it can be killed on a
timeout without taking the worker down, and `OMP_THREAD_LIMIT=1` keeps it from fighting the other workers
for the two cores. Images go in on stdin (TIFF or PNG, `_stdin_image`), TSV comes out on stdout: no temporary files.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Optional

from PIL import Image

BINARY = "tesseract"


class TesseractError(RuntimeError):
    """Tesseract failed or is missing; `reason` is a short stable code ("timeout", "ocr_failed", "ocr_missing")."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class TsvWord:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float          # 0..100 as Tesseract reports it
    line_key: tuple[int, int, int]  # (block, paragraph, line)


def available() -> bool:
    return shutil.which(BINARY) is not None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def _stdin_image(image: Image.Image) -> bytes:
    """The image as Tesseract reads it on stdin. A 1-bit page (every binarised scan) goes as an uncompressed
    TIFF: five times quicker to write than even the fastest PNG (about 8 ms against 30-50 ms for a fax page)
    and read as fast; Tesseract's words are the same. Other modes go as PNG (a gray page is 8x larger)."""
    buf = io.BytesIO()
    if image.mode == "1":
        image.save(buf, format="TIFF")
    else:
        image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _run(args: list[str], stdin: bytes, timeout_s: float) -> str:
    if not available():
        raise TesseractError("ocr_missing", "tesseract binary not found")
    try:
        proc = subprocess.run(
            [BINARY, "stdin", "stdout", *args], input=stdin, capture_output=True, timeout=timeout_s, env=_env(), check=False
        )
    except subprocess.TimeoutExpired as error:
        raise TesseractError("timeout", f"tesseract ran past {timeout_s:.0f} s") from error
    except OSError as error:
        raise TesseractError("ocr_failed", str(error)) from error
    if proc.returncode != 0:
        raise TesseractError("ocr_failed", proc.stderr.decode("utf-8", "replace")[-300:])
    return proc.stdout.decode("utf-8", "replace")


def tsv_words(image: Image.Image, *, languages: str = "fra", psm: int = 3, dpi: Optional[int] = None,
              timeout_s: float = 40.0) -> list[TsvWord]:
    """Recognise `image` and return its words with boxes (pixels) and confidences."""
    args = ["-l", languages, "--psm", str(psm)]
    if dpi:
        args += ["--dpi", str(int(dpi))]
    out = _run(args + ["tsv"], _stdin_image(image), timeout_s)
    return parse_tsv(out)


def parse_tsv(out: str) -> list[TsvWord]:
    words: list[TsvWord] = []
    for line in out.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        try:
            left, top, width, height = (int(c) for c in cols[6:10])
            conf = float(cols[10])
            key = (int(cols[2]), int(cols[3]), int(cols[4]))
        except ValueError:
            continue
        words.append(TsvWord(text, left, top, width, height, max(conf, 0.0), key))
    return words


_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_ORIENT_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


@dataclass(frozen=True)
class Orientation:
    """What Tesseract's orientation detection (OSD, --psm 0) says of a page: the degrees to turn it clockwise
    to make it upright (0, 90, 180, 270) and its confidence (Tesseract's own scale: about 2 and more is sure;
    0.0 when OSD had too little text to say anything)."""
    rotate: int = 0
    confidence: float = 0.0


def parse_osd(out: str) -> Orientation:
    rot = _ROTATE.search(out)
    conf = _ORIENT_CONF.search(out)
    degrees = int(rot.group(1)) % 360 if rot else 0
    return Orientation(degrees if degrees in (0, 90, 180, 270) else 0, float(conf.group(1)) if conf else 0.0)


def osd(image: Image.Image, timeout_s: float = 20.0) -> Orientation:
    """Orientation of `image` (Debian package tesseract-ocr-osd). A page OSD cannot read gives Orientation()."""
    try:
        out = _run(["--psm", "0"], _stdin_image(image), timeout_s)
    except TesseractError as error:
        if error.reason == "timeout":
            raise
        return Orientation()
    return parse_osd(out)
