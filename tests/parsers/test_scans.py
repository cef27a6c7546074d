"""Scans that are not clean faxes (issue 13, class 4): pages turned 90/180/270 degrees, phone photos of a paper
form, values written by hand. The set is tests/parsers/scans/ (make_scans.py; README.md there has the first run).

Fast tests check each step on its own (orientation profile, OSD parsing, photo detection and unwarping, word
confidence of a value); the slow one runs the real pipeline over the set with floors."""
from __future__ import annotations

import email
import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from classifiers import ocr_doubt
from foundation.config import Limits, load_config
from foundation.models import Extraction, FieldValue, Page, Signal, Word
from parsers import orientation, photo
from parsers._exec import tesseract
from parsers.ocr import DEFAULT_ENGINE, preprocess
from rulestage.rules import review_reasons
from rulestage.settings import rule_settings
from tests.classifiers.heldout_sets import fields_below_floor, run, wrong_auto_opens

SET = Path(__file__).parent / "scans"
FORMS3 = Path(__file__).parents[1] / "classifiers" / "forms3"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _attachment(path: Path) -> bytes:
    for part in email.message_from_bytes(path.read_bytes()).walk():
        if part.get_filename():
            return part.get_payload(decode=True)
    raise AssertionError(path)


def _text_page() -> Image.Image:
    """A 1-bit A4-ish page at 200 dpi with lines of French text, like a typed letter."""
    img = Image.new("L", (1650, 2300), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    lines = ["ORDRE DE MISSION", "N° de sinistre : B4471209", "Assuré : Monsieur Gérard PICHON",
             "Adresse : 18 rue de la Scellerie, 37000 TOURS", "Téléphone : 06 72 18 40 55",
             "Nature du sinistre : dégât des eaux dans la salle de bains", "Merci de prendre contact avec l'assuré.",
             "Cause réparée par le plombier le 04/11/2026.", "Cordialement, l'agence de Tours Nationale"]
    for i, line in enumerate(lines * 2):
        d.text((120, 160 + 70 * i), line, fill=0, font=font)
    img = img.point(lambda v: 255 if v > 128 else 0).convert("1")
    img.info["dpi"] = (200, 200)
    return img


def test_osd_output_is_parsed_into_a_typed_orientation() -> None:
    out = "Page number: 0\nOrientation in degrees: 90\nRotate: 270\nOrientation confidence: 7.31\nScript: Latin\n"
    assert tesseract.parse_osd(out) == tesseract.Orientation(270, 7.31)
    assert tesseract.parse_osd("nothing here") == tesseract.Orientation(0, 0.0)


def test_quarter_turn_is_seen_without_ocr_and_upright_pages_are_not() -> None:
    limits = Limits()
    page = _text_page()
    assert not orientation.quarter_turned(page, limits)
    assert orientation.quarter_turned(page.rotate(90, expand=True), limits)
    assert orientation.quarter_turned(page.rotate(270, expand=True), limits)
    for tif in sorted(FORMS3.glob("*.tif")):   # real upright fax pages: no OSD call for them
        assert not orientation.quarter_turned(preprocess(Image.open(tif), limits).image, limits), tif.name


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_page_is_read_upright_with_a_note(turn: int) -> None:
    page = DEFAULT_ENGINE.ocr_image(_text_page().rotate(turn, expand=True), Limits())
    assert "B4471209" in page.text and "PICHON" in page.text
    assert any(n.startswith("page_rotated") and f"{turn}°" in n for n in page.notes), page.notes


def test_upright_page_gets_no_rotation() -> None:
    page = DEFAULT_ENGINE.ocr_image(_text_page(), Limits())
    assert "B4471209" in page.text and page.notes == []


def test_photo_is_told_from_scans() -> None:
    photos = sorted(p for p in SET.glob("*photo*.eml"))
    assert len(photos) >= 4
    for p in photos:
        assert photo.is_photo(Image.open(io.BytesIO(_attachment(p)))), p.name
    for tif in sorted(FORMS3.glob("*.tif")) + sorted(SET.glob("*.tif")):
        assert not photo.is_photo(Image.open(tif)), tif.name
    assert not photo.is_photo(_text_page().convert("L"))


def test_photo_page_is_found_and_straightened_to_a4() -> None:
    img = Image.open(io.BytesIO(_attachment(SET / "s07_memo_rdf_photo_penche.eml")))
    quad = photo.find_page(img.convert("L"))
    assert quad is not None and 0.4 < quad.share < 0.9
    tl, tr, br, bl = quad.corners
    assert tl[1] > tr[1] + 100          # the page is photographed tilted: its top edge slopes
    out = photo.correct(img)
    w, h = out.size
    assert abs(h / w - photo.A4_RATIO) < 0.02
    assert out.info["dpi"] == (photo.OCR_DPI, photo.OCR_DPI)
    # lighting evened: the paper is about as white in every corner band
    import numpy as np
    arr = np.asarray(out, dtype=float)
    bands = [arr[int(h * 0.45): int(h * 0.55), int(w * a): int(w * (a + 0.1))].mean() for a in (0.02, 0.88)]
    assert min(bands) > 225


def test_photo_is_read_with_a_note() -> None:
    img = Image.open(io.BytesIO(_attachment(SET / "s05_cases_choc_photo.eml")))
    page = DEFAULT_ENGINE.ocr_image(img, Limits())
    assert "B5078123" in page.text.replace(" ", "") and "RIVIERE" in page.text
    assert "photo_corrected" in page.notes


def _words(y: float, cells: list[tuple[str, float]]) -> list[Word]:
    out, x = [], 100.0
    for text, conf in cells:
        out.append(Word(text=text, x0=x, y0=y, x1=x + 20 * len(text), y1=y + 30, conf=conf))
        x += 20 * len(text) + 15
    return out


def test_value_read_with_low_word_confidence_is_doubted() -> None:
    page = Page(number=1, text="", ocr=True, ocr_confidence=0.9,
                words=_words(100, [("N°", 0.95), ("SINISTRE", 0.96), ("B447l209", 0.41)])
                + _words(200, [("NOM", 0.95), ("WATTEAU", 0.93)]) + _words(300, [("Tél.", 0.9), ("06", 0.35), ("58", 0.4), ("20", 0.3)]))
    assert ocr_doubt.value_confidence(page, "B447l209") == pytest.approx(0.41)   # the label's confidence does not count
    assert ocr_doubt.value_confidence(page, ocr_doubt.spelled("phone", "+33658207193")) == pytest.approx(0.35)
    assert ocr_doubt.value_confidence(page, "0658207193771") is None   # 6 of 13 digits: not this row
    again = page.model_copy(update={"words": page.words + _words(400, [("B447l209", 0.97)])})
    assert ocr_doubt.value_confidence(again, "B447l209") == pytest.approx(0.97)   # printed clearly once is enough
    assert ocr_doubt.spelled("phone", "+33658207193") == "0658207193"
    assert ocr_doubt.value_confidence(page, "WATTEAU") == pytest.approx(0.93)
    assert ocr_doubt.value_confidence(page, "DUPONT") is None


def test_doubted_value_sends_the_order_to_review() -> None:
    rules = rule_settings(load_config())
    fields = {"claim_number": FieldValue(value="B4471209", confidence=0.95), "intermediary_code": FieldValue(value="118822", confidence=0.95),
              "last_name": FieldValue(value="WATTEAU", confidence=0.4), "phone": FieldValue(value="+33658207193", confidence=0.9)}
    clean = Extraction(document_type="mission_order", channel="allianz_agence", peril="fire", fields=fields)
    assert "low_confidence" not in review_reasons(clean, rules)
    doubted = clean.model_copy(update={"signals": [Signal(name=ocr_doubt.SIGNAL, detail="last_name: WATTEAU (OCR 40%)")]})
    assert "low_confidence" in review_reasons(doubted, rules)


@pytest.mark.slow
def test_scans_set_floors_and_no_wrong_auto_open() -> None:
    paths = sorted(p for p in SET.iterdir() if p.suffix in (".eml", ".tif"))
    assert len(paths) >= 12
    results = run(paths)
    assert wrong_auto_opens(results) == []
    assert fields_below_floor(results, FLOORS, DEFAULT_FLOOR) == {}
    decisions = sum(r["decision"] == e["decision"] for _, e, r in results)
    assert decisions >= DECISION_FLOOR


# First run on main: 184/252 field checks (73.0 %), decisions 7/12, one wrong auto-open. After this branch:
# 207/252 (82.1 %), decisions 9/12, none (README.md beside the set). Floors sit under
# the after figures (one page lost to the time budget on a loaded machine must not fail them): no wrong
# auto-open is the one that must never move.
FLOORS: dict[str, float] = {"document_type": 0.9, "channel": 0.9, "intermediary_code": 0.75, "insured.postcode": 0.75,
                            "insured.city": 0.75, "occupancy": 0.75, "expertise_on_site": 0.9}
DEFAULT_FLOOR = 0.4
DECISION_FLOOR = 8
