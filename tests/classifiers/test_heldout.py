"""Held-out accuracy: messages written apart from samples/ (other agencies' layouts, other brokers, C2S and CS2I
variants, typed-in OCR noise), each with a small JSON of the only fields it asserts.

The real pipeline (intake.pipeline.process) runs over them; per-field accuracy must stay above the floors below
and no record may be auto-opened when the expected decision is anything else. The set exists to catch tuning
that only fits samples/: when a floor fails, generalise the extractor, do not special-case a message.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from intake.config import load_config
from intake.models import SourceRef
from intake.pipeline import process

HERE = Path(__file__).parent / "heldout"
CASES = sorted(p for p in HERE.iterdir() if p.suffix in (".eml", ".txt"))

# floors per field (fraction of the messages that assert it); fields not listed must reach DEFAULT_FLOOR
# (49 messages: 28 written first; 13 written after the fixes scored 1.0 untouched; 8 more then missed only the peril of
# a forwarded order, fixed generally. The floors leave room for a miss or two per field, not for a systematic fault.)
FLOORS = {"decision": 0.9, "reasons": 0.9, "claim_number": 0.92, "intermediary_code": 0.9, "channel": 0.92,
          "insured.first_name": 0.85}
DEFAULT_FLOOR = 0.8


def _norm(name: str, value: Any) -> Any:
    if name == "reasons":
        return sorted(value or [])
    if isinstance(value, str):
        text = unicodedata.normalize("NFD", value)
        text = "".join(c for c in text if not unicodedata.combining(c)).lower()
        return " ".join(text.replace("-", " ").replace(".", " ").split())
    if isinstance(value, float):
        return round(value, 2)
    return value


def _got(record: dict[str, Any], name: str) -> Any:
    if name.startswith("insured."):
        return record["insured"].get(name.split(".", 1)[1])
    return record.get(name)


@pytest.fixture(scope="module")
def results() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    config = load_config()
    out = []
    for path in CASES:
        expected = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
        record = process(path.read_bytes(), SourceRef(uri=str(path), filename=path.name), config).record
        out.append((path.name, expected, record.to_json_dict()))
    return out


def test_heldout_set_is_large_enough() -> None:
    assert len(CASES) >= 25
    for path in CASES:
        assert path.with_name(path.name + ".json").exists(), path


def test_no_wrong_auto_open(results) -> None:
    wrong = [name for name, exp, rec in results
             if rec["decision"] == "auto_open" and exp.get("decision", "auto_open") != "auto_open"]
    assert wrong == []


def test_field_accuracy_floors(results) -> None:
    score: dict[str, list[int]] = {}
    misses: list[str] = []
    for name, expected, record in results:
        for field, want in expected.items():
            got = _got(record, field)
            ok = _norm(field, got) == _norm(field, want)
            score.setdefault(field, [0, 0])
            score[field][0] += ok
            score[field][1] += 1
            if not ok:
                misses.append(f"{name}: {field} expected {want!r} got {got!r}")
    table = {f: round(c / t, 3) for f, (c, t) in score.items()}
    print(json.dumps(table, indent=1), "\n".join(misses), sep="\n")
    failing = {f: acc for f, acc in table.items() if acc < FLOORS.get(f, DEFAULT_FLOOR)}
    assert not failing, (failing, misses)
