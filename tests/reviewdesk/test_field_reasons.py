"""Why a field is not trusted, beside it in the record view (issue 8): the classifiers give each field a reason
code (foundation.models.FIELD_REASONS), the record carries it as the contract's open field entries allow, and the
portal shows it in French for a field under the rules' trust threshold or in conflict — read from real samples."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from outputs.tables import RawMessage, RecordRow

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "messages"
# ../shared beside the repository (a worktree under wt/ has it one level further up)
VALIDATE = next((p / "shared" / "tools" / "validate_records.py" for p in (REPO.parent, REPO.parent.parent)
                 if (p / "shared" / "tools" / "validate_records.py").exists()), None)


def _record_of(store, name: str) -> int:
    with store.session(read=True) as s:
        return s.scalar(select(RecordRow.id).join(RawMessage, RawMessage.id == RecordRow.raw_message_id)
                        .where(RawMessage.source_uri.like(f"%{name}")))


@pytest.fixture
def ingested(app, store, database_url):
    from intake.ingest import ingest_paths
    names = ("agence_pdf_10_deux_numeros.eml", "courtier_12_rdf_villa_po.eml", "c2s_01_dde_reparee.eml")
    ingest_paths([str(SAMPLES / n) for n in names], database_url)
    return {n: _record_of(store, n) for n in names}


def _reason_cell(html: str, field: str):
    row = re.search(rf'<tr class="[^"]*" data-field="{field}">.*?</tr>', html, re.S)
    assert row, field
    found = re.search(r'<div class="low-reason small" id="reason-[a-z_]+">([^<]+)</div>', row.group(0))
    return found.group(1) if found else None


def test_a_conflict_between_subject_and_attachment_is_said_beside_the_claim_number(admin_client, ingested, store):
    record = store.get_record(ingested["agence_pdf_10_deux_numeros.eml"])
    assert record["fields"]["claim_number"]["reason"] == "subject_attachment_mismatch"
    page = admin_client.get(f"/records/{ingested['agence_pdf_10_deux_numeros.eml']}").text
    assert _reason_cell(page, "claim_number") == "le sujet et la pièce jointe ne concordent pas"


def test_an_unlabelled_value_under_the_threshold_says_so_and_sure_fields_say_nothing(admin_client, ingested, store):
    record_id = ingested["courtier_12_rdf_villa_po.eml"]
    record = store.get_record(record_id)
    assert record["fields"]["occupancy"]["confidence"] < 0.75
    page = admin_client.get(f"/records/{record_id}").text
    assert _reason_cell(page, "occupancy") == "lu sans libellé"
    assert _reason_cell(page, "last_name") is None           # read under its label, sure
    sure = admin_client.get(f"/records/{ingested['c2s_01_dde_reparee.eml']}").text
    assert "low-reason" not in sure


def test_a_corrected_field_drops_its_reason(admin_client, ingested, store):
    record_id = ingested["courtier_12_rdf_villa_po.eml"]
    store.correct_field(record_id, "occupancy", "tenant", "admin@intake.test")
    assert _reason_cell(admin_client.get(f"/records/{record_id}").text, "occupancy") is None


@pytest.mark.skipif(VALIDATE is None, reason="../shared/tools/validate_records.py is not beside the repository")
def test_reasons_keep_the_records_valid_and_are_absent_when_there_is_none(tmp_path):
    done = subprocess.run([sys.executable, "-m", "intake", "extract", str(SAMPLES / "agence_pdf_10_deux_numeros.eml"),
                           str(SAMPLES / "c2s_01_dde_reparee.eml")], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    out = tmp_path / "records.jsonl"
    out.write_text(done.stdout)
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert records[0]["fields"]["claim_number"]["reason"] == "subject_attachment_mismatch"
    assert '"reason": null' not in done.stdout           # a field without reason is written as before
    assert not any("reason" in f for f in records[1]["fields"].values())    # a platform mail read under labels
    checked = subprocess.run([sys.executable, str(VALIDATE), str(out)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
