"""The sample corpus: reproducible, true to its expected records, and the product scored against it.

The slow test runs `intake eval` over samples/ and fails when accuracy drops under the thresholds below,
which were set a little under the first honest measured values (raise them as the extraction improves),
or when any order is auto-opened that should not be."""
from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from intake.evaluate import FIELDS, compare, load_expected, run

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SCHEMA = Path(__file__).parents[1].parent / "shared" / "contract" / "mission-record.schema.json"

# Floors a few records under the run of 2026-11-22 after two accuracy passes (112 records): decisions 100 %,
# 0 wrong auto-opens; every field at 100 % except occupancy/dwelling (97.7: ticks unreadable on two faxes) and
# loss_date (98.9: an OCR-garbled date). A regression of two or three records fails.
DECISION_MIN = 0.97
FIELD_MIN = {
    "document_type": 0.98, "channel": 0.97, "claim_number": 0.96, "order_number": 0.97,
    "intermediary_code": 0.96, "peril": 0.96, "insured.civility": 0.95, "insured.last_name": 0.96,
    "insured.first_name": 0.95, "insured.phone": 0.96, "insured.email": 0.96, "insured.street": 0.95,
    "insured.postcode": 0.96, "insured.city": 0.96, "occupancy": 0.94, "dwelling": 0.94, "loss_date": 0.95,
    "amount_eur": 0.97, "cause_repaired": 0.97, "expertise_on_site": 0.97, "expertise_note": 0.97,
    "management_limit_eur": 0.97, "decision": DECISION_MIN, "queue": 0.97, "reasons": 0.95,
}


def _tree_digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_generator_is_reproducible(tmp_path):
    """Regenerating into a temporary folder gives the committed files, byte for byte."""
    subprocess.run([sys.executable, str(SAMPLES / "generate.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    for folder in ("messages", "expected"):
        assert _tree_digests(tmp_path / folder) == _tree_digests(SAMPLES / folder), folder


def test_corpus_size_and_variety():
    expected = load_expected(SAMPLES / "expected")
    assert len(expected) >= 110
    records = list(expected.values())
    assert {r["channel"] for r in records} == {"allianz_c2s", "allianz_agence", "allianz_courtage", "allianz_cs2i",
                                               "unknown"}
    assert {r["decision"] for r in records} == {"auto_open", "manual_review", "attach", "ignore"}
    perils = {r["peril"] for r in records if r["peril"]}
    assert perils >= {"water_damage", "leak_search", "glass_breakage", "vehicle_impact", "key_loss", "fire",
                      "burglary", "storm", "electrical_damage"}
    reasons = {reason for r in records for reason in r["reasons"]}
    assert reasons >= {"not_mission_order", "gestion_integrale_05i", "follow_up", "duplicate", "cs2i_allianz_team",
                       "missing_claim_number", "missing_intermediary_code", "invalid_claim_number", "low_confidence",
                       "dde_cause_not_confirmed_repaired", "leak_repair_not_covered",
                       "leak_search_owner_occupied_house", "aesthetic_repair_not_covered", "unreadable_input"}
    size = sum(p.stat().st_size for p in (SAMPLES / "messages").iterdir())
    assert size < 15_000_000


def test_expected_records_follow_the_contract_and_hash_their_message(contract_validator):
    import mailbox
    digests = {}
    for path in (SAMPLES / "messages").iterdir():
        if path.suffix == ".mbox":
            for n, message in enumerate(mailbox.mbox(str(path), create=False), 1):
                digests[f"{path.name}#{n}"] = hashlib.sha256(message.as_bytes()).hexdigest()
        else:
            digests[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    expected = load_expected(SAMPLES / "expected")
    assert set(expected) == set(digests)
    for name, record in expected.items():
        errors = [e.message for e in contract_validator.iter_errors(record)]
        assert not errors, (name, errors)
        assert record["source"]["sha256"] == digests[name], name
        assert not record.get("fields")


def test_compare_scores_exact_records_perfectly_and_flags_wrong_auto_opens():
    expected = load_expected(SAMPLES / "expected")
    perfect = compare(copy.deepcopy(list(expected.values())), expected)
    assert perfect.files == len(expected) and perfect.decision_accuracy == 1.0
    assert not perfect.wrong_auto_opens and not perfect.mismatches and not perfect.missing
    assert all(perfect.accuracy(n) in (1.0, None) for n in FIELDS)

    records = copy.deepcopy(list(expected.values()))
    reviewed = next(r for r in records if r["decision"] == "manual_review" and r["document_type"] == "mission_order")
    reviewed.update(decision="auto_open", queue=None, reasons=[])
    some_order = next(r for r in records if r["decision"] == "auto_open" and r["insured"]["civility"] == "Mme")
    some_order["insured"]["civility"] = "Madame"                  # same civility, other spelling: still right
    some_order["insured"]["city"] = some_order["insured"]["city"].title()  # case does not count for a city
    some_order["insured"]["phone"] = "+33100000000"               # a wrong phone counts
    report = compare(records, expected)
    name = Path(reviewed["source"]["uri"]).name
    assert report.wrong_auto_opens == [name]
    assert {m["field"] for m in report.mismatches[Path(some_order["source"]["uri"]).name]} == {"insured.phone"}
    assert report.decision_accuracy < 1.0


@pytest.mark.slow
def test_product_on_samples_meets_thresholds():
    """The product over the whole corpus (OCR'd faxes included): contract, no wrong auto-open, accuracy."""
    records, expected = run([str(SAMPLES)], workers=2)
    report = compare(records, expected)
    assert not report.missing and not report.unexpected
    if SCHEMA.exists():
        import jsonschema
        validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
        for record in records:
            errors = [e.message for e in validator.iter_errors(record)]
            assert not errors, (record["source"]["uri"], errors)
    assert report.wrong_auto_opens == []
    assert report.decision_accuracy >= DECISION_MIN
    below = {n: round(report.accuracy(n), 3) for n, floor in FIELD_MIN.items()
             if report.accuracy(n) is not None and report.accuracy(n) < floor}
    assert not below, f"fields under their threshold: {below}"
