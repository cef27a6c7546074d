"""`intake export`: JSON Lines valid against the contract, CSV flattened, corrections reflected."""
from __future__ import annotations

import csv
import io
import json

import pytest

from intake.cli import main
from foundation.errors import DatabaseError, UsageError
from outputs.exporters import CSV_COLUMNS, export
from tests.outputs.factories import eml, processed, src


def _fill(store):
    ids = []
    for uri, claim, date, kwargs in [
        ("/1.eml", "B1234567", "Mon, 04 Mar 2024 10:00:00 +0000", {"decision": "manual_review",
                                                                 "reasons": ["low_confidence", "dde_cause_not_confirmed_repaired"]}),
        ("/2.eml", "B1234567", "Tue, 05 Mar 2024 10:00:00 +0000", {}),
        ("/3.eml", None, "Wed, 06 Mar 2024 10:00:00 +0000", {"document_type": "other", "decision": "ignore",
                                                           "channel": "unknown", "reasons": ["not_mission_order"]}),
    ]:
        raw = eml(claim or "", date)
        raw_id, _ = store.add_raw(raw, src(uri), "file")
        ids.append(store.save_processed(raw_id, processed(raw, src(uri), claim=claim, **kwargs)).record_id)
    store.correct_field(ids[0], "insured.phone", "+33612345678", "anne@cc.example")
    return ids


def test_jsonl_validates_against_the_contract_and_reflects_corrections(store, database_url, contract_validator):
    _fill(store)
    out = io.StringIO()
    assert export(database_url, "jsonl", out) == 3
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    for record in lines:
        errors = sorted(contract_validator.iter_errors(record), key=str)
        assert not errors, errors[0].message
    assert [r["source"]["uri"] for r in lines] == ["/1.eml", "/2.eml", "/3.eml"]
    assert lines[0]["insured"]["phone"] == "+33612345678"
    assert lines[0]["fields"]["phone"]["corrected_by"] == "anne@cc.example"
    assert lines[1]["decision"] == "attach" and lines[1]["dossier_id"] == lines[0]["dossier_id"]


def test_csv_has_a_header_and_flattened_rows(store, database_url):
    _fill(store)
    out = io.StringIO()
    export(database_url, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0].keys()) == CSV_COLUMNS
    assert rows[0]["reasons"] == "dde_cause_not_confirmed_repaired;low_confidence"
    assert rows[0]["insured.phone"] == "+33612345678" and rows[0]["corrected_fields"] == "phone=anne@cc.example"
    assert rows[0]["source.attachments"] == "0" and rows[0]["expertise_on_site"] == "false"
    assert rows[2]["claim_number"] == "" and rows[2]["decision"] == "ignore"


def test_cli_export_prints_jsonl(store, database_url, capsys):
    _fill(store)
    assert main(["export", "--database", database_url]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_export_of_a_missing_sqlite_file_is_an_error_and_creates_nothing(tmp_path):
    with pytest.raises(DatabaseError):
        export(f"sqlite:///{tmp_path}/typo.db", "jsonl", io.StringIO())
    assert not (tmp_path / "typo.db").exists()
    assert main(["export", "--database", f"sqlite:///{tmp_path}/typo.db"]) == 5


def test_unknown_format_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError):
        export(f"sqlite:///{tmp_path}/x.db", "xml", io.StringIO())
