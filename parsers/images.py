"""Scans and fax images (multi-page TIFF incl. CCITT G3/G4, PNG, JPEG, GIF, BMP) to OCRed pages.

Pillow decodes; every hostile case is bounded here: a pixel ceiling checked before decoding (a 16-byte
header can claim gigapixels), a frame ceiling (TIFF IFD chains can loop), orientation from EXIF / the
TIFF Orientation tag applied before OCR, and giant pages downsampled rather than refused when possible.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import Optional

from PIL import Image, ImageOps, UnidentifiedImageError

from foundation.config import Limits
from foundation.models import Page
from foundation.errors import ReadReason
from parsers import budget
from parsers._exec.tesseract import TesseractError
from parsers.ocr import DEFAULT_ENGINE, OcrEngine, page_notes

# Pillow's own guard: raise rather than warn past twice the ceiling. We check sizes ourselves first.
Image.MAX_IMAGE_PIXELS = Limits().max_image_pixels


@dataclass
class ImageResult:
    pages: list[Page] = field(default_factory=list)
    error: Optional[str] = None
    notes: list[str] = field(default_factory=list)


def open_image(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Image.open(io.BytesIO(data))


def _load_frame(im: Image.Image, limits: Limits) -> Image.Image:
    """Decode the current frame within the pixel ceiling; upright it; downsample past the ceiling."""
    w, h = im.size
    pixels = w * h
    one_bit = im.mode == "1"
    # 1-bit pages (fax) cost 1 bit a pixel to decode, so allow more before refusing.
    hard = limits.max_image_pixels * (8 if one_bit else 2)
    if pixels > hard:
        if im.format == "JPEG":
            im.draft("L", (w // 4, h // 4))
        else:
            raise ValueError(ReadReason.image_too_large.value)
    dpi = im.info.get("dpi")
    Image.MAX_IMAGE_PIXELS = None
    try:
        im.load()
        frame = im.copy()
    finally:
        Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    try:
        frame = ImageOps.exif_transpose(frame) or frame
    except Exception:  # a broken EXIF block must not cost the page
        pass
    if frame.size[0] * frame.size[1] > limits.max_image_pixels:
        scale = (limits.max_image_pixels / (frame.size[0] * frame.size[1])) ** 0.5
        frame = frame.convert("L").resize((max(1, int(frame.size[0] * scale)), max(1, int(frame.size[1] * scale))), Image.Resampling.BOX)
        if dpi:
            dpi = (dpi[0] * scale, dpi[1] * scale)
    if dpi:
        frame.info["dpi"] = dpi
    return frame


def read_image(data: bytes, limits: Limits, engine: OcrEngine = DEFAULT_ENGINE, ocr: bool = True) -> ImageResult:
    """All frames of an image file, OCRed (at most limits.max_ocr_pages), each a Page."""
    result = ImageResult()
    try:
        im = open_image(data)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        result.error = ReadReason.truncated_image.value if ("truncated" in str(error).lower() or len(data) < 1024) else ReadReason.corrupt_image.value
        return result
    n_frames = 1
    try:
        n_frames = int(getattr(im, "n_frames", 1) or 1)
    except Exception:  # counting frames walks the IFD chain; a loop or a broken chain ends the count
        n_frames = 1
        result.notes.append(ReadReason.frame_count_failed.value)
    n_frames = max(1, min(n_frames, limits.max_pdf_pages))
    for index in range(n_frames):
        try:
            if index:
                im.seek(index)
            frame = _load_frame(im, limits)
        except EOFError:
            break
        except ValueError as error:
            if str(error) == ReadReason.image_too_large.value:
                result.error = result.error or ReadReason.image_too_large.value
                continue
            result.error = result.error or ReadReason.corrupt_image.value
            break
        except Exception as error:  # truncated data, decoder errors
            result.error = result.error or (ReadReason.truncated_image.value if "truncated" in str(error).lower() else ReadReason.corrupt_image.value)
            break
        page = Page(number=index + 1, text="", width=frame.size[0], height=frame.size[1])
        if ocr and index < limits.max_ocr_pages and budget.expired():
            result.notes.append(ReadReason.budget_spent.detail(f"page {index + 1} not OCRed"))
        elif ocr and index < limits.max_ocr_pages:
            try:
                page = engine.ocr_image(frame, limits).model_copy(update={"number": index + 1})
                result.notes += page_notes(page)
            except TesseractError as error:
                result.error = result.error or error.reason
            except Exception as error:  # an engine bug costs the page, not the message
                result.error = result.error or ReadReason.ocr_failed.detail(f"{type(error).__name__}")
        elif ocr:
            result.notes.append(ReadReason.pages_not_read.detail(f"page {index + 1} not OCRed (max_ocr_pages)"))
        result.pages.append(page)
    if result.pages and not result.error and not any(p.text for p in result.pages) \
            and any(ReadReason.of(n) is ReadReason.budget_spent for n in result.notes):
        result.error = ReadReason.timeout.value
    if result.pages and result.error and any(p.text for p in result.pages):
        result.notes.append(result.error)
        result.error = None
    return result
