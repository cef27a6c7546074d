"""Second held-out set: 36 messages written by another engineer as other insurers' staff, brokers, experts and platforms
would write them (upper-case mails, reply chains, other label spellings, contract numbers that are not the claim,
overseas and Corsican postcodes, dates without a year, amounts in words, indirect perils, 05I and noise variants).

The expected JSON of each message was written from /work/shared/DOMAIN.md before the product ever ran on it. The
first run scored the "unseen" accuracy recorded in FIRST_RUN below; the floors are set a little under the score after
general fixes, so a regression shows while one odd miss does not. No record may be auto-opened when it should not be.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.classifiers.heldout_sets import Result, fields_below_floor, run, wrong_auto_opens

HERE = Path(__file__).parent / "heldout2"
CASES = sorted(p for p in HERE.iterdir() if p.suffix in (".eml", ".txt"))

# first run: 93.2 % of field checks, 29/36 decisions+reasons; after the general fixes: 99.6 %, 35/36 (the one miss:
# "trouver et réparer la fuite" read as water damage, so the cause rule fires too - see README.md)
FLOORS: dict[str, float] = {"peril": 0.92, "reasons": 0.94, "decision": 0.94}
DEFAULT_FLOOR = 0.9


@pytest.fixture(scope="module")
def results() -> list[Result]:
    return run(CASES)


def test_heldout2_set_is_large_enough() -> None:
    assert len(CASES) >= 30
    for path in CASES:
        assert path.with_name(path.name + ".json").exists(), path


def test_heldout2_no_wrong_auto_open(results) -> None:
    assert wrong_auto_opens(results) == []


def test_heldout2_field_accuracy_floors(results) -> None:
    assert not fields_below_floor(results, FLOORS, DEFAULT_FLOOR)
