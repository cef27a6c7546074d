"""Form layouts: a value on the next line or in the next cell, right-hand columns, field names of fillable
forms, ticked checkboxes, OCR specks; and the decisions they must allow (a clean scan is trusted)."""
from __future__ import annotations

import pytest

from classifiers.pipeline import classify
from rulestage.rules import decide
from tests.classifiers.messages import make_msg

AGENT = "agence.tours@agents.allianz.fr"

FORM = """ALLIANZ ORDRE DE MISSION - PRESTATAIRE
Agence : Agence Allianz Dupuis & Fils{agent_cell}
12 place du Marché 37000 TOURS{agent_tail}
Tél. agence : 02 47 61 22 33
{agent_block}SINISTRE
N° de sinistre {claim}
Date du sinistre 30/01/2026
Nature du sinistre DEGAT DES EAUX
Cause réparée Oui
ASSURÉ
Nom {name}
Prénom . François
Adresse 158 bis place de l'Église
Code postal / Ville

49100 ANGERS
Téléphone 07 38 75 98 78
Qualité Locataire
Type d'habitation appartement
"""


def form(claim="b-7088887", name="M CHEVALIER", agent_cell="", agent_tail="", agent_block="| Code agent\n\n145872\n\n"):
    return FORM.format(claim=claim, name=name, agent_cell=agent_cell, agent_tail=agent_tail, agent_block=agent_block)


def scan(text: str, conf: float = 0.9):
    return make_msg("Vous avez reçu une télécopie.", subject="Fax reçu de 0247612233", sender="fax2mail@fax.example.fr",
                    attachments=[("FAX_0247612233.tif", [text])], ocr_confidence=conf)


def test_clean_scan_with_labels_above_values_is_auto_opened(config):
    msg = scan(form())
    e = classify(msg, config)
    assert e.channel == "allianz_agence"
    assert e.value("claim_number") == "B7088887"           # "SINISTRE" heading does not swallow "N° de sinistre"
    assert e.value("intermediary_code") == "145872"        # "| Code agent" then the value two lines below
    assert (e.value("civility"), e.value("last_name"), e.value("first_name")) == ("M.", "CHEVALIER", "François")
    assert (e.value("postcode"), e.value("city")) == ("49100", "ANGERS")
    assert e.fields["claim_number"].confidence >= 0.75     # an OCR page at 0.90 still gives a trusted labelled value
    d = decide(msg, e, config)
    assert d.decision == "auto_open" and d.reasons == []


def test_agent_code_in_a_right_hand_column(config):
    e = classify(scan(form(agent_cell=" Code agent", agent_tail=" 0457712", agent_block="")), config)
    assert e.value("intermediary_code") == "0457712"


def test_a_phone_number_under_the_label_is_no_agent_code(config):
    msg = scan(form(agent_cell=" Code agent", agent_block=""))
    e = classify(msg, config)
    assert e.value("intermediary_code") is None
    assert decide(msg, e, config).reasons == ["missing_intermediary_code"]


def test_agency_claim_without_b_is_stored_and_invalid(config):
    msg = scan(form(claim="s 204-5871"))
    e = classify(msg, config)
    assert e.value("claim_number") == "S2045871"
    assert decide(msg, e, config).reasons == ["invalid_claim_number"]


@pytest.mark.parametrize("noisy, civility, last", [
    ("È Madame ROUSSEAU", "Mme", "ROUSSEAU"),
    ("Î Mme DUBOIS", "Mme", "DUBOIS"),
    ("Madame\nGARCIA", "Mme", "GARCIA"),
])
def test_ocr_specks_and_broken_lines_around_names(config, noisy, civility, last):
    e = classify(scan(form(name=noisy)), config)
    assert (e.value("civility"), e.value("last_name"), e.value("first_name")) == (civility, last, "François")


def test_cells_separated_by_tabs_and_pipes(config):
    body = ("ORDRE DE MISSION\nN° sinistre\tb-4567812\tCode agent\t0412345\nNom\tLEROY\tPrénom\tMarc\n"
            "| Adresse | 4 place du Théâtre |\n| Code postal / Ville | 21000 DIJON |\nNature : bris de glace\n")
    e = classify(make_msg(body, subject="ODM", sender=AGENT), config)
    assert (e.value("claim_number"), e.value("intermediary_code")) == ("B4567812", "0412345")
    assert (e.value("last_name"), e.value("first_name")) == ("LEROY", "Marc")
    assert (e.value("postcode"), e.value("city")) == ("21000", "DIJON")


def test_fillable_form_field_names(config):
    fields = ("code_agent: H23591\nn°_de_sinistre: B 965 0703\ndate_du_sinistre: 09/04/2026\nnom: Mme SIMON\n"
              "prénom: Chantal\nnature_du_sinistre: Tentative d'effraction\n")
    blank = "ORDRE DE MISSION\nCode agent\nN° de sinistre\nNom\nPrénom\nAdresse\n"
    e = classify(make_msg("Ci-joint l'ODM.", subject="ODM", sender=AGENT, attachments=[("odm.pdf", [blank + fields])]),
                 config)
    assert (e.value("intermediary_code"), e.value("claim_number")) == ("H23591", "B9650703")
    assert e.value("first_name") == "Chantal"                # the empty "Prénom" box is not followed by a name
    assert e.fields["claim_number"].confidence >= 0.9


@pytest.mark.parametrize("line, expected", [
    ("Qualité de l'assuré : X Propriétaire occupant Propriétaire non occupant Locataire", "owner_occupier"),
    ("Qualité de l'assuré : Propriétaire occupant X Propriétaire non occupant Locataire", "non_occupying_owner"),
    ("Statut : [x] Locataire  [ ] Propriétaire occupant", "tenant"),
    ("Qualité de l'assuré : Propriétaire occupant Propriétaire non occupant Locataire", None),
])
def test_checkbox_lists(config, line, expected):
    body = f"ORDRE DE MISSION\nN° de sinistre : B1234567\nCode agent : 456789\nAssuré : M. Jean DUPONT\n{line}\n"
    e = classify(make_msg(body, subject="ODM", sender=AGENT), config)
    assert e.value("occupancy") == expected


def test_the_senders_own_reference_is_not_the_claim(config):
    body = ("Madame, Monsieur,\nMissionnés par ALLIANZ IARD, nous vous demandons d'intervenir.\n"
            "N° de sinistre Allianz : S263319352\nNotre référence : EXP-CS29453\nAssuré : M Pierre COLLET\n"
            "Constatations : départ de feu dans la cuisine.\n\nHélène CARON\nExpert IARD - Saretec Expertise\n")
    msg = make_msg(body, subject="Dossier Allianz n° S263319352 - Notre réf. EXP-CS29453",
                   sender="idf.dommages@saretec-demo.fr")
    e = classify(msg, config)
    assert e.channel == "allianz_cs2i"
    assert e.value("claim_number") == "S263319352" and not e.conflicts.get("claim_number")
    d = decide(msg, e, config)
    assert (d.decision, d.queue, d.reasons) == ("manual_review", "allianz_team", ["cs2i_allianz_team"])


def test_ocr_confusables_in_dates_and_phones(config):
    body = form().replace("Date du sinistre 30/01/2026", "Date du sinistre 0l/02/2026").replace(
        "Téléphone 07 38 75 98 78", "Téléphone 06.14,44.13.27")
    e = classify(scan(body), config)
    assert str(e.value("loss_date")) == "2026-02-01"
    assert e.value("phone") == "+33614441327"


def test_letterhead_number_is_never_the_insured_phone(config):
    body = ("Cabinet Alpes Patrimoine\nTél. 04 50 51 12 13 - ORIAS 19 007 214\nORDRE DE MISSION\n"
            "N° de sinistre : C4952538\nAssuré : Mme LAMBERT Céline\nTél. 04 50 51 12 13\nTél. assuré : 07 70 17 19 04\n"
            "Nature : choc de véhicule\n")
    e = classify(make_msg(body, subject="ODM", sender="julien@alpes-patrimoine-demo.fr"), config)
    assert e.value("phone") == "+33770171904"


def test_broker_without_c_prefix_is_still_a_broker(config):
    body = ("Bonjour,\nJe vous remercie d'intervenir chez notre assuré.\nN° de sinistre : 40512877\n"
            "Assuré : LEBRETON Olivier\nTél. assuré : 06 11 22 33 44\nNature : Dégâts des eaux, cause réparée.\n\nCordialement,\nNathalie VIDAL\n"
            "Cabinet Moreau-Vidal\nN° ORIAS : 07 028 441\nNotre code Allianz : MV2207\n")
    msg = make_msg(body, subject="ODM Allianz / LEBRETON / 40512877", sender="n.vidal@moreau-vidal-demo.fr")
    e = classify(msg, config)
    assert e.channel == "allianz_courtage"
    assert e.value("claim_number") == "40512877"
    assert decide(msg, e, config).decision == "auto_open"


def test_photos_from_a_phone_are_no_fax(config):
    msg = make_msg("Voici les photos des dégâts pour le dossier N°B3224921.\n\nPierre ROUSSEL\n",
                   subject="photos dégâts - dossier N°B3224921", sender="pierre.roussel@example.fr",
                   attachments=[("IMG_4400.JPG", ["C2"])], ocr_confidence=0.5)
    msg.attachments[0].content_type = "image/jpeg"
    assert classify(msg, config).channel == "unknown"


@pytest.mark.parametrize("text", [
    "x" * 20000, ("Nom " + "M. " * 400 + "\n") * 5, "01/01/" * 4000, "@" * 10000, ("|" * 2000 + "\n") * 10,
    ("Code agent " + "1 " * 1000 + "\n") * 5, "Cause réparée\n" * 2000, "a " * 10000 + "@b fr",
])
def test_hostile_text_gives_a_result(config, text):
    """Long runs that once made single regexes scan quadratically (e-mail local parts, civilities, OCR dates)."""
    e = classify(make_msg(text, subject="ODM", sender="a@b.fr", attachments=[("f.tif", [text])], ocr_confidence=0.8),
                 config)
    assert e.document_type in ("mission_order", "follow_up", "other")
