"""Claim numbers, order numbers and intermediary codes: loose writing, OCR noise, ORIAS/SIREN traps, conflicts."""
from __future__ import annotations

import pytest

from classifiers.pipeline import classify
from tests.classifiers.messages import make_msg

AGENCY_TAIL = "\nCode agent : 123456\nAssuré : M. Paul MARTIN\nMerci de missionner un plombier.\n"


@pytest.mark.parametrize("written, expected", [
    ("N° de sinistre : B 123 4567", "B1234567"),
    ("Sinistre n° : b-1234567", "B1234567"),
    ("Sinistre N°B.123.4567", "B1234567"),
    ("Numéro de sinistre: B1234567", "B1234567"),
    ("Réf. sinistre : B 1234567", "B1234567"),
    ("N° de sin1stre : B l23 4567", "B1234567"),
    ("N° sinistre | B1234567 | Date | 12/03/2026", "B1234567"),
])
def test_claim_number_written_loosely(config, written, expected):
    e = classify(make_msg(written + AGENCY_TAIL, subject="Ordre de mission", sender="agence.x@agents.allianz.fr"), config)
    assert e.value("claim_number") == expected
    assert e.fields["claim_number"].confidence >= 0.9
    assert e.fields["claim_number"].evidence.startswith(written.split(":")[0].split("|")[0].strip()[:5])


def test_claim_on_next_line_of_a_flattened_form(config):
    form = "ORDRE DE MISSION\nN° de sinistre\nC0045123\nAssuré\nMme Sophie LAMBERT\n"
    e = classify(make_msg("Ci-joint ODM.", subject="ODM", attachments=[("odm.pdf", [form])]), config)
    assert e.value("claim_number") == "C0045123"
    assert e.fields["claim_number"].part == "odm.pdf"
    assert e.fields["claim_number"].page == 1


def test_claim_written_two_ways_is_a_conflict_and_the_body_wins(config):
    body = "Bonjour,\nNous vous missionnons pour le sinistre n° B7654321.\nAssuré : M. Luc BERNARD\nCode agent : 445566\n"
    e = classify(make_msg(body, subject="ODM sinistre B1234567", sender="agence.y@agents.allianz.fr"), config)
    assert e.value("claim_number") == "B7654321"
    assert e.fields["claim_number"].confidence < 0.75
    assert [f.value for f in e.conflicts["claim_number"]] == ["B1234567"]


def test_same_claim_in_subject_and_body_is_no_conflict(config):
    body = "Ordre de mission\nN° sinistre : B 765 4321\nCode agent : 445566\n"
    e = classify(make_msg(body, subject="ODM - sinistre B7654321", sender="agence.y@agents.allianz.fr"), config)
    assert e.value("claim_number") == "B7654321"
    assert "claim_number" not in e.conflicts
    assert e.fields["claim_number"].confidence >= 0.9


def test_form_value_wins_over_mail_value(config):
    form = "ORDRE DE MISSION\nN° de sinistre : B2223334\nCode agent : 778899\n"
    body = "Bonjour, veuillez trouver l'ODM pour le sinistre n° B2223335 en pièce jointe."
    e = classify(make_msg(body, subject="ODM", attachments=[("odm.pdf", [form])]), config)
    assert e.value("claim_number") == "B2223334"
    assert "claim_number" in e.conflicts


def test_ocr_confidence_scales_the_claim_confidence(config):
    form = "ORDRE DE MISSION\nN° de sinistre : B1234567\nCode agent : 123456\n"
    e = classify(make_msg(None, attachments=[("fax.tif", [form])], ocr_confidence=0.4, kind="image"), config)
    assert e.value("claim_number") == "B1234567"
    assert e.fields["claim_number"].confidence < 0.75


def test_agency_order_number_is_zero_and_agent_code_read(config):
    body = "ORDRE DE MISSION\nN° de sinistre : B1234567\nN° agent : 0123456\nAssuré : M. Paul MARTIN\n"
    e = classify(make_msg(body, subject="ODM Allianz agence", sender="agence.paris@agents.allianz.fr"), config)
    assert e.channel == "allianz_agence"
    assert e.value("order_number") == "0"
    assert e.value("intermediary_code") == "0123456"


@pytest.mark.parametrize("line", ["N° ORIAS : 07012345", "ORIAS 07012345", "SIREN : 412 345 678", "SIRET : 41234567800012"])
def test_orias_and_siren_are_never_the_broker_code(config, line):
    body = ("Bonjour,\nMerci de missionner un plombier pour notre client M. Marc LEROY.\n"
            "Sinistre n° C0045123\n\nCordialement\nCabinet Leroy Courtage, courtier en assurances\n" + line + "\n")
    e = classify(make_msg(body, subject="Mission DDE", sender="gestion@leroy-courtage.fr"), config)
    assert e.channel == "allianz_courtage"
    assert e.value("intermediary_code") == "000"
    assert e.value("order_number") == "0"


def test_broker_code_read_when_given(config):
    body = ("Bonjour,\nNous vous missionnons pour notre client.\nSinistre : C 004 5123\nCode courtier : 2R4571\n"
            "Client : Mme Claire ROUX\n\nCabinet Roux Assurances - ORIAS 12345678\n")
    e = classify(make_msg(body, subject="Ordre de mission courtage", sender="sinistres@roux-assurances.fr"), config)
    assert e.channel == "allianz_courtage"
    assert e.value("intermediary_code") == "2R4571"
    assert e.value("claim_number") == "C0045123"


def test_c2s_order_number_as_given(config):
    body = ("Plateforme Allianz - Ouverture automatique\nN° de sinistre : 2026123456\nN° d'ordre de mission : 3\n"
            "Assuré : Mme Anne PETIT\nDescription :\nDégât des eaux, fuite réparée, reprise peinture cuisine.\n")
    e = classify(make_msg(body, subject="Missionnement", sender="noreply@allianz.fr"), config)
    assert e.channel == "allianz_c2s"
    assert e.value("order_number") == "3"
    assert e.value("claim_number") == "2026123456"
    assert e.value("intermediary_code") is None
