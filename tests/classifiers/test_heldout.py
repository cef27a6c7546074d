"""Held-out accuracy: messages written apart from samples/ (other agencies' layouts, other brokers, C2S and CS2I
variants, typed-in OCR noise), each with a small JSON of the only fields it asserts.

The real pipeline (intake.pipeline.process) runs over them; per-field accuracy must stay above the floors below
and no record may be auto-opened when the expected decision is anything else. The set exists to catch tuning
that only fits samples/: when a floor fails, generalise the extractor, do not special-case a message.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.classifiers.heldout_sets import Result, fields_below_floor, run, wrong_auto_opens

HERE = Path(__file__).parent / "heldout"
CASES = sorted(p for p in HERE.iterdir() if p.suffix in (".eml", ".txt"))

# floors per field (fraction of the messages that assert it); fields not listed must reach DEFAULT_FLOOR
# (49 messages: 28 written first; 13 written after the fixes scored 1.0 untouched; 8 more then missed only the peril of
# a forwarded order, fixed generally. The floors leave room for a miss or two per field, not for a systematic fault.)
FLOORS = {"decision": 0.9, "reasons": 0.9, "claim_number": 0.92, "intermediary_code": 0.9, "channel": 0.92,
          "insured.first_name": 0.85}
DEFAULT_FLOOR = 0.8


@pytest.fixture(scope="module")
def results() -> list[Result]:
    return run(CASES)


def test_heldout_set_is_large_enough() -> None:
    assert len(CASES) >= 25
    for path in CASES:
        assert path.with_name(path.name + ".json").exists(), path


def test_no_wrong_auto_open(results) -> None:
    assert wrong_auto_opens(results) == []


def test_field_accuracy_floors(results) -> None:
    assert not fields_below_floor(results, FLOORS, DEFAULT_FLOOR)
