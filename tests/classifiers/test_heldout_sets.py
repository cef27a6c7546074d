"""Held-out accuracy: folders of messages written apart from samples/, each message with a small JSON of the only
fields it asserts, written from /work/shared/DOMAIN.md before the product first ran on it.

The real pipeline (intake.pipeline.process) runs over every set; per-field accuracy must stay above the set's floors
and no record may be auto-opened when the expected decision is anything else. The sets exist to catch tuning that
only fits samples/: when a floor fails, generalise the extractor, do not special-case a message.

Each set's first (unseen) run is recorded in its `first_run` note; the floors sit a little under the score after
general fixes, so a regression shows while one odd miss does not.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.classifiers.heldout_sets import Result, fields_below_floor, run, wrong_auto_opens

HERE = Path(__file__).parent


@dataclass(frozen=True)
class HeldOutSet:
    folder: str
    min_size: int
    floors: dict[str, float]
    default_floor: float
    first_run: str
    suffixes: tuple[str, ...] = (".eml", ".txt")
    slow: bool = False              # OCR'd scans: minutes, run in CI
    min_fax: int = 0                # how many cases must be scans or fax-to-mail (forms sets)

    def paths(self) -> list[Path]:
        return sorted(p for p in (HERE / self.folder).iterdir() if p.suffix in self.suffixes)


SETS = [
    HeldOutSet(
        "heldout", 25, {"decision": 0.9, "reasons": 0.9, "claim_number": 0.92, "intermediary_code": 0.9,
                        "channel": 0.92, "insured.first_name": 0.85}, 0.8,
        "49 messages: 28 written first; 13 written after the fixes scored 1.0 untouched; 8 more then missed only the "
        "peril of a forwarded order, fixed generally"),
    HeldOutSet(
        "heldout2", 30, {"peril": 0.92, "reasons": 0.94, "decision": 0.94}, 0.9,
        "36 messages by another engineer (upper-case mails, reply chains, other label spellings, contract numbers that "
        "are not the claim, overseas postcodes, dates without a year...): first run 93.2 % of field checks, 29/36 "
        "decisions+reasons; after the general fixes 99.6 %, 35/36"),
    HeldOutSet(
        "heldout3", 25, {"insured.postcode": 0.75, "order_number": 0.75}, 0.92,
        "19 messages for automatic headers, required fields, sender trust and noise: first run 36.3 % (first 14), "
        "4/14 decisions, 2 wrong auto-opens; second batch 1/5, third 0/2, fourth 2/3, fifth 0/1 decisions; after the general fixes 98.7 %, 25/25"),
    HeldOutSet(
        "heldout4", 47, {}, 0.9,
        "47 mails in new styles (HTML tables, dot leaders, bracketed insured, place names without a street number, "
        "future repairs, numbers outside allocated ranges): first run 96.3 % of field checks (181/188), 15/16 "
        "decisions+reasons, no wrong auto-open; second batch of 8: 91.0 %, 6/8; third batch of 6 (attachments, chains): 93.0 %, 5/6; fourth (noise) 6/6; fifth 90.4 %, 4/6; sixth 76.6 %, 3/5; after the general fixes 99.8 %, 47/47"),
    HeldOutSet(
        "forms3", 16, {"insured.phone": 0.87, "dwelling": 0.87}, 0.93,
        "16 agency forms in four unseen layouts, text PDFs and 1-bit fax scans: first run 86.9 % of field checks "
        "(292/336), decisions 13/16, reasons 11/16; after the general fixes 99.4 % (334/336), decisions 16/16",
        suffixes=(".eml", ".pdf", ".tif"), slow=True, min_fax=8),
    HeldOutSet(
        "forms5", 8, {}, 0.9,
        "8 agency forms in four more layouts (numbered questionnaire with (x) Oui ( ) Non answers, abbreviated grid, "
        "window-envelope address block, a letter in wrapped prose), text PDFs and fax scans: first run 80.6 % of field "
        "checks (104/129), 3/8 decisions, no wrong auto-open; after the general fixes 100 %, 8/8",
        suffixes=(".eml", ".tif"), slow=True, min_fax=4),
]


def _param(s: HeldOutSet):
    return pytest.param(s, id=s.folder, marks=[pytest.mark.slow] if s.slow else [])


_RESULTS: dict[str, list[Result]] = {}


def results_of(s: HeldOutSet) -> list[Result]:
    if s.folder not in _RESULTS:
        _RESULTS[s.folder] = run(s.paths())
    return _RESULTS[s.folder]


@pytest.mark.parametrize("heldout", [pytest.param(s, id=s.folder) for s in SETS])
def test_set_is_large_enough(heldout: HeldOutSet) -> None:
    paths = heldout.paths()
    assert len(paths) >= heldout.min_size
    assert sum(p.suffix == ".tif" or "fax" in p.name for p in paths) >= heldout.min_fax
    for path in paths:
        assert path.with_name(path.name + ".json").exists(), path


@pytest.mark.parametrize("heldout", [_param(s) for s in SETS])
def test_no_wrong_auto_open(heldout: HeldOutSet) -> None:
    assert wrong_auto_opens(results_of(heldout)) == []


@pytest.mark.parametrize("heldout", [_param(s) for s in SETS])
def test_field_accuracy_floors(heldout: HeldOutSet) -> None:
    assert not fields_below_floor(results_of(heldout), heldout.floors, heldout.default_floor)
