"""Second held-out set: 36 messages written by another engineer as other insurers' staff, brokers, experts and platforms
would write them (upper-case mails, reply chains, other label spellings, contract numbers that are not the claim,
overseas and Corsican postcodes, dates without a year, amounts in words, indirect perils, 05I and noise variants).

The expected JSON of each message was written from /work/shared/DOMAIN.md before the product ever ran on it. The
first run scored the "unseen" accuracy recorded in FIRST_RUN below; the floors are set a little under the score after
general fixes, so a regression shows while one odd miss does not. No record may be auto-opened when it should not be.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intake.config import load_config
from intake.models import SourceRef
from intake.pipeline import process
from tests.classifiers.test_heldout import _got, _norm

HERE = Path(__file__).parent / "heldout2"
CASES = sorted(p for p in HERE.iterdir() if p.suffix in (".eml", ".txt"))

# first run: 93.2 % of field checks, 29/36 decisions+reasons; after the general fixes: 99.6 %, 35/36 (the one miss:
# "trouver et réparer la fuite" read as water damage, so the cause rule fires too - see README.md)
FLOORS: dict[str, float] = {"peril": 0.92, "reasons": 0.94, "decision": 0.94}
DEFAULT_FLOOR = 0.9


def score(results: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> tuple[dict[str, float], list[str]]:
    """Per-field accuracy over the messages that assert the field, and one line per miss."""
    tally: dict[str, list[int]] = {}
    misses: list[str] = []
    for name, expected, record in results:
        for field, want in expected.items():
            got = _got(record, field)
            ok = _norm(field, got) == _norm(field, want)
            tally.setdefault(field, [0, 0])
            tally[field][0] += ok
            tally[field][1] += 1
            if not ok:
                misses.append(f"{name}: {field} expected {want!r} got {got!r}")
    return {f: round(c / t, 3) for f, (c, t) in tally.items()}, misses


@pytest.fixture(scope="module")
def results() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    config = load_config()
    out = []
    for path in CASES:
        expected = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
        record = process(path.read_bytes(), SourceRef(uri=str(path), filename=path.name), config).record
        out.append((path.name, expected, record.to_json_dict()))
    return out


def test_heldout2_set_is_large_enough() -> None:
    assert len(CASES) >= 30
    for path in CASES:
        assert path.with_name(path.name + ".json").exists(), path


def test_heldout2_no_wrong_auto_open(results) -> None:
    wrong = [name for name, exp, rec in results
             if rec["decision"] == "auto_open" and exp.get("decision", "auto_open") != "auto_open"]
    assert wrong == []


def test_heldout2_field_accuracy_floors(results) -> None:
    table, misses = score(results)
    print(json.dumps(table, indent=1), "\n".join(misses), sep="\n")
    failing = {f: acc for f, acc in table.items() if acc < FLOORS.get(f, DEFAULT_FLOOR)}
    assert not failing, (failing, misses)
