"""Form layouts that flat text loses, rebuilt from word positions: labels above their values, side-by-side blocks,
OCR'd dotted leaders; and a plain label | value table left exactly as it was."""
from __future__ import annotations

from classifiers.flags import _TICK
from classifiers.text import rebuild_layout
from foundation.models import Word


def _line(y: float, *cells: tuple[float, str], h: float = 20, conf: float | None = 0.9) -> list[Word]:
    """Words of one line: each cell (x, text) split on spaces, 10 px per character."""
    out = []
    for x, text in cells:
        for tok in text.split(" "):
            out.append(Word(text=tok, x0=x, y0=y, x1=x + 10 * len(tok), y1=y + h, conf=conf))
            x += 10 * len(tok) + 8
    return out


def test_row_of_labels_over_row_of_values_is_paired_by_column() -> None:
    words = _line(100, (50, "N° SINISTRE"), (400, "CODE AGENT"), (700, "N° DE CONTRAT")) + \
        _line(130, (52, "B7765432"), (402, "330918"), (702, "88 410 223"))
    assert rebuild_layout(words) == "N° SINISTRE : B7765432\nCODE AGENT : 330918\nN° DE CONTRAT : 88 410 223"


def test_side_by_side_blocks_are_read_one_after_the_other() -> None:
    words = []
    rows = [("NOM", "NGUYEN", "N° SINISTRE", "B5566778"), ("PRÉNOM", "Thi", "CODE AGENT", "207341"),
            ("ADRESSE", "33 rue du Commerce", "SURVENU LE", "29/09/2026")]
    for i, (l1, v1, l2, v2) in enumerate(rows):
        words += _line(100 + 30 * i, (50, l1), (250, v1), (700, l2), (900, v2))
    text = rebuild_layout(words)
    assert text is not None
    assert text.split("\n") == ["NOM NGUYEN", "PRÉNOM Thi", "ADRESSE 33 rue du Commerce",
                                "N° SINISTRE B5566778", "CODE AGENT 207341", "SURVENU LE 29/09/2026"]


def test_ocr_dotted_leaders_are_dropped() -> None:
    words = _line(100, (50, "NOM"), (250, "NGUYEN")) + \
        [Word(text="sonenesesnnere", x0=95, y0=112, x1=240, y1=118, conf=0.0)] + _line(130, (50, "PRÉNOM"), (250, "Thi"))
    is_label = lambda text: text.startswith(("NOM", "PRÉNOM"))  # noqa: E731 - the form's known field labels
    assert rebuild_layout(words, is_label) == "NOM NGUYEN\nPRÉNOM Thi"


def test_label_value_table_is_left_alone() -> None:
    words = []
    for i, (label, value) in enumerate([("N° de sinistre", "N°B9374627"), ("Date du sinistre", "16/06/26"),
                                        ("Nature du sinistre", "RDF - Recherche de fuite")]):
        words += _line(100 + 30 * i, (50, label), (400, value), conf=None)
    assert rebuild_layout(words) is None


def test_tick_marks_as_ocr_reads_them() -> None:
    for ticked in ("[X] ", "X] ", "IX] ", "X ", "X. ", "☒ ", "(x) "):
        assert _TICK.search(ticked), ticked
    for empty in ("[ ] ", "{ ] ", "[ J ", "E ", "le "):
        assert not _TICK.search(empty), empty


def test_giant_page_keeps_its_flat_text() -> None:
    words = []
    for i in range(160):
        words += _line(20 * i, *[(50 + 60 * k, "AB") for k in range(20)])
    assert rebuild_layout(words) is None
