"""OCR on a rendered French fax page: G4 TIFF at 200 dpi, skewed and noisy."""
import io

import numpy as np
from PIL import Image

from foundation.config import Limits
from parsers import parse_message
from parsers.ocr import binarize, otsu_threshold, skew_angle, square_and_scale

from .conftest import fax_image, g4_tiff


def test_otsu_splits_two_levels():
    arr = np.array([[30] * 10 + [220] * 10], dtype=np.uint8)
    assert 30 <= otsu_threshold(arr) < 220
    out = binarize(Image.fromarray(arr))
    assert out.mode == "1"
    assert np.asarray(out).tolist() == [[False] * 10 + [True] * 10]


def test_skew_is_measured():
    im = fax_image(skew=3.0, noise=0.0)
    assert abs(skew_angle(im) + 3.0) < 0.7 or abs(skew_angle(im) - 3.0) < 0.7


def test_fax_standard_mode_gets_square_pixels():
    im = Image.new("L", (1728, 1100), 255)
    prepared = square_and_scale(im, (204.0, 98.0), Limits())
    w, h = prepared.image.size
    assert abs(h / w - (1100 * 204 / 98) / 1728) < 0.02


def test_g4_tiff_fax_is_read(fax_tiff):
    parsed = parse_message(fax_tiff, "fax.tif")
    assert parsed.kind == "image" and parsed.unreadable is None
    doc = parsed.attachments[0]
    assert doc.ocr and doc.content_type == "image/tiff"
    text = doc.text
    assert "sinistre" in text.lower()
    assert "B1234567" in text.replace(" ", "")
    page = doc.pages[0]
    assert page.ocr_confidence and page.ocr_confidence > 0.5
    assert all(w.conf is not None for w in page.words)


def test_upside_down_page_is_turned():
    im = fax_image(skew=0.0, noise=0.0).rotate(180)
    buf = io.BytesIO()
    im.save(buf, format="PNG", dpi=(200, 200))
    text = parse_message(buf.getvalue(), "scan.png").attachments[0].text
    assert "sinistre" in text.lower()


def test_truncated_and_oversized_images():
    tiff = g4_tiff(fax_image())
    assert parse_message(tiff[:40], "fax.tif").unreadable in ("truncated_image", "corrupt_image")
    parsed = parse_message(tiff, "fax.tif", limits=Limits(max_image_pixels=100_000))
    assert parsed.unreadable == "image_too_large"


def test_ocr_stops_when_the_time_budget_is_spent():
    tiff = g4_tiff(fax_image(), pages=3)
    parsed = parse_message(tiff, "fax.tif", limits=Limits(document_timeout_s=0.001))
    doc = parsed.attachments[0]
    assert len(doc.pages) == 3 and not any(p.text for p in doc.pages)
    assert doc.error == "timeout" and parsed.unreadable == "timeout"


def test_layout_lines_put_a_label_and_its_value_on_one_row():
    from parsers._exec.tesseract import TsvWord

    words = [  # Tesseract puts the label and the value in different blocks
        TsvWord("N°", 100, 200, 30, 20, 95, (1, 1, 1)), TsvWord("de", 140, 200, 25, 20, 95, (1, 1, 1)),
        TsvWord("sinistre", 175, 200, 90, 20, 95, (1, 1, 1)), TsvWord("B1234567", 600, 203, 120, 20, 90, (2, 1, 1)),
        TsvWord("Nom", 100, 240, 50, 20, 95, (1, 1, 2)), TsvWord("DUPONT", 600, 238, 100, 20, 93, (2, 1, 2)),
        TsvWord("|", 80, 230, 4, 60, 30, (3, 1, 1)),
        TsvWord("Description", 100, 400, 140, 20, 96, (4, 1, 1)),
    ]
    from parsers.ocr import words_to_page
    page = words_to_page(words, (1000, 600))
    assert page.text.splitlines() == ["N° de sinistre B1234567", "Nom DUPONT", "", "Description"]
    assert "|" not in [w.text for w in page.words]
