"""Orders sent as Office files and archives, through the real `intake extract` command to valid records."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from foundation.errors import ReadReason
from parsers._exec import soffice
from tests.parsers.office_fixtures import BROKER_SENDER, EXPECTED, EXPECTED_BROKER, HERE, mail_with
from tests.archives import zip_bytes

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not soffice.available(), reason="LibreOffice not installed")]
INTAKE = Path(sys.executable).with_name("intake")


def extract(path: Path, validator) -> dict:
    """One `intake extract` run per file (a run also spots duplicates between its inputs)."""
    proc = subprocess.run([str(INTAKE), "extract", "--workers", "0", str(path)], capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    records = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
    assert len(records) == 1
    errors = [e.message for e in validator.iter_errors(records[0])]
    assert not errors, errors
    return records[0]


def assert_order(record: dict, expected: dict) -> None:
    assert record["decision"] == "auto_open", record["reasons"]
    assert record["channel"] == "allianz_agence"
    assert record["claim_number"] == expected["claim_number"]
    assert record["intermediary_code"] == expected["intermediary_code"]
    assert record["peril"] == expected["peril"]
    insured = record["insured"]
    assert insured["last_name"] == expected["last_name"]
    assert insured["postcode"] == expected["postcode"] and insured["phone"] == expected["phone"]


_zip = zip_bytes


@pytest.mark.parametrize("ext,filename", [
    ("docx", "ODM GRANDJEAN.DOCX"), ("doc", "ordre.doc"), ("odt", "ordre de mission.odt"), ("rtf", "ODM.rtf"),
    ("xlsx", "mission.xlsx"), ("xls", "MISSION.XLS"), ("ods", "mission.ods"),
])
def test_an_order_attached_as_an_office_file_opens(ext, filename, tmp_path, contract_validator):
    mail = tmp_path / f"{ext}.eml"
    mail.write_bytes(mail_with((HERE / f"ordre_de_mission.{ext}").read_bytes(), filename))
    record = extract(mail, contract_validator)
    assert_order(record, EXPECTED["writer" if ext in ("doc", "docx", "odt", "rtf") else "calc"])
    assert record["fields"]["claim_number"]["part"] == filename


def test_a_pdf_inside_a_zip_opens(tmp_path, contract_validator):
    pdf = soffice.convert((HERE / "ordre_de_mission.odt").read_bytes(), ".odt", "pdf")
    mail = tmp_path / "zip.eml"
    mail.write_bytes(mail_with(_zip({"Mission/ODM_GRANDJEAN.pdf": pdf}), "mission.zip"))
    record = extract(mail, contract_validator)
    assert_order(record, EXPECTED["writer"])
    assert [a["content_type"] for a in record["source"]["attachments"]] == ["application/zip", "application/pdf"]


def test_a_zip_bomb_and_deep_nesting_are_refused_with_a_reason(tmp_path, contract_validator):
    bomb = _zip({"ordre.pdf": bytes(25_000_000)})
    deep = _zip({"b.zip": _zip({"c.zip": _zip({"ordre.docx": (HERE / "ordre_de_mission.docx").read_bytes()})})})
    for name, data in (("bomb", bomb), ("deep", deep)):
        mail = tmp_path / f"{name}.eml"
        mail.write_bytes(mail_with(data, f"{name}.zip"))
        record = extract(mail, contract_validator)
        assert record["decision"] != "auto_open"
        errors = [a.get("error") for a in record["source"]["attachments"] if a.get("error")]
        assert errors and all(ReadReason.of(e) == ReadReason.archive_refused for e in errors), errors
        assert record["claim_number"] is None


def test_a_corrupt_docx_is_reported_unreadable_not_a_crash(tmp_path, contract_validator):
    data = (HERE / "ordre_de_mission.docx").read_bytes()
    mail = tmp_path / "corrupt.eml"
    mail.write_bytes(mail_with(data[: len(data) // 2], "ODM.docx"))
    record = extract(mail, contract_validator)
    assert record["decision"] == "manual_review"
    assert ReadReason.of(record["source"]["attachments"][0]["error"]) == ReadReason.corrupt_file
    bare = tmp_path / "ODM.docx"
    bare.write_bytes(data[: len(data) // 2])
    record = extract(bare, contract_validator)
    assert "unreadable_input" in record["reasons"]
    assert ReadReason.of(record["fields"]["input"]["evidence"]) == ReadReason.corrupt_file


def test_a_bare_office_file_gives_a_record_with_its_fields(tmp_path, contract_validator):
    bare = tmp_path / "ordre.odt"
    bare.write_bytes((HERE / "ordre_de_mission.odt").read_bytes())
    record = extract(bare, contract_validator)
    assert record["claim_number"] == EXPECTED["writer"]["claim_number"]
    assert record["insured"]["last_name"] == EXPECTED["writer"]["last_name"]


@pytest.mark.parametrize("name,kind", [("courtier_lettre.docx", "letter"), ("courtier_lettre.odt", "letter"),
                                       ("courtier_bordereau.xlsx", "bordereau")])
def test_a_broker_order_in_its_own_office_file_opens(name, kind, tmp_path, contract_validator):
    """A broker's prose letter (Writer) and its bordereau (Calc: labels across the first row)."""
    mail = tmp_path / f"{name}.eml"
    mail.write_bytes(mail_with((HERE / name).read_bytes(), name, sender=BROKER_SENDER, who="Cabinet Morel Assurances",
                               signature="Claire MOREL", subject="Déclaration de sinistre"))
    record = extract(mail, contract_validator)
    expected = EXPECTED_BROKER[kind]
    assert record["decision"] == "auto_open", record["reasons"]
    assert record["channel"] == "allianz_courtage"
    assert record["claim_number"] == expected["claim_number"]
    assert record["insured"]["last_name"] == expected["last_name"]
    assert record["insured"]["phone"] == expected["phone"]
    assert record["insured"]["postcode"] == expected["postcode"]   # the letter's is in a sentence
