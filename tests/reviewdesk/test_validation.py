"""Field checks of reviewer corrections."""
from __future__ import annotations

import pytest

from reviewdesk.validation import FieldError, validate_dossier_field, validate_field


@pytest.mark.parametrize("raw, channel, expected", [
    ("b 123-45.67", "allianz_agence", "B1234567"),
    ("C0045123", "allianz_courtage", "C0045123"),
    ("x99 8877", "allianz_courtage", "X998877"),
])
def test_claim_numbers_are_normalised(raw, channel, expected):
    assert validate_field("claim_number", raw, channel) == expected


def test_agency_claims_must_start_with_b():
    with pytest.raises(FieldError, match="commencer par B"):
        validate_field("claim_number", "C1234567", "allianz_agence")


@pytest.mark.parametrize("raw, expected", [("06 12 34 56 78", "+33612345678"), ("+33 1 40 09 38 39", "+33140093839")])
def test_phones_become_e164(raw, expected):
    assert validate_field("phone", raw) == expected


@pytest.mark.parametrize("name, raw", [("phone", "12"), ("phone", "hello"), ("postcode", "7500"),
                                       ("postcode", "750011"), ("loss_date", "31/02/2024"), ("amount_eur", "abc"),
                                       ("peril", "meteor"), ("claim_number", "<script>")])
def test_bad_values_are_refused(name, raw):
    with pytest.raises(FieldError):
        validate_field(name, raw, "allianz_courtage")


def test_iban_checks_mod_97():
    assert validate_dossier_field("iban", "fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    with pytest.raises(FieldError, match="clé"):
        validate_dossier_field("iban", "FR76 3000 6000 0112 3456 7890 188")


def test_empty_input_clears_the_field():
    assert validate_field("postcode", "  ") is None
    assert validate_field("loss_date", "02/03/2024") == "2024-03-02"
    assert validate_field("cause_repaired", "true") is True
