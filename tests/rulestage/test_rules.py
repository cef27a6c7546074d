"""The rules stage end to end from text: every reason code, precedence, and the 04P expertise notes."""
from __future__ import annotations

import pytest

from classifiers.pipeline import classify
from foundation.models import Extraction, FieldValue
from rulestage.rules import decide
from tests.classifiers.messages import make_msg

AGENT = "agence.lyon@agents.allianz.fr"


def agency(text: str, claim: str = "B1234567", code: str = "Code agent : 456789\n") -> str:
    return (f"Bonjour,\nMerci de bien vouloir missionner un artisan.\nN° de sinistre : {claim}\n{code}"
            f"Assuré : M. Jean DUPONT\nAdresse : 12 rue des Lilas 69003 LYON\nTél : 06 12 34 56 78\n{text}\n")


def run(config, body, subject="Ordre de mission", sender=AGENT, **kw):
    msg = make_msg(body, subject=subject, sender=sender, **kw)
    e = classify(msg, config)
    return e, decide(msg, e, config)


def test_clean_agency_order_is_auto_opened(config):
    e, d = run(config, agency("Dégât des eaux, la fuite a été réparée par le plombier. Reprise des peintures."))
    assert d.decision == "auto_open" and d.reasons == [] and d.queue is None
    assert d.expertise_on_site is False


@pytest.mark.parametrize("text, cause", [
    ("Dégât des eaux dans la cuisine.", None),
    ("Dégât des eaux, cause non réparée à ce jour.", False),
    ("DDE : en attente du plombier pour la réparation.", False),
    ("Fuite pas encore réparée, le plombier doit passer la semaine prochaine.", False),
])
def test_water_damage_without_repaired_cause_goes_to_review(config, text, cause):
    e, d = run(config, agency(text))
    assert e.peril == "water_damage"
    assert e.value("cause_repaired") is cause
    assert d.decision == "manual_review"
    assert "dde_cause_not_confirmed_repaired" in d.reasons


def test_reasons_are_a_set(config):
    e, d = run(config, agency("Dégât des eaux. Merci de prévoir la recherche et réparation de la fuite ainsi qu'une reprise esthétique des embellissements."))
    assert {"dde_cause_not_confirmed_repaired", "leak_repair_not_covered", "aesthetic_repair_not_covered"} <= set(d.reasons)


def test_boilerplate_negation_is_not_a_request(config):
    e, d = run(config, agency("Dégât des eaux, cause réparée. Pas de reprise esthétique. Allianz ne prend pas en charge la réparation de fuite."))
    assert e.value("leak_repair_requested") is None and e.value("aesthetic_repair_requested") is None
    assert d.decision == "auto_open"


def test_leak_search_in_owner_occupied_house(config):
    e, d = run(config, agency("Merci de procéder à une recherche de fuite.\nOccupation : Propriétaire occupant\nType d'habitation : Maison"))
    assert e.peril == "leak_search"
    assert d.reasons == ["leak_search_owner_occupied_house"]


def test_leak_search_for_a_tenant_is_fine(config):
    e, d = run(config, agency("Merci de procéder à une recherche de fuite.\nOccupation : LOC\nType d'habitation : appartement"))
    assert (e.value("occupancy"), e.value("dwelling")) == ("tenant", "apartment")
    assert d.decision == "auto_open"


@pytest.mark.parametrize("text", [
    "Nature du sinistre : RDF - Recherche de fuite\nConsommation d'eau anormale, compteur qui tourne. Recherche de fuite demandée.",
    "Humidité sur le mur de la chambre. Recherche de fuite visuelle ou non destructive à réaliser.",
])
def test_a_leak_search_is_not_held_by_the_water_damage_cause_rule(config, text):
    e, d = run(config, agency(text + "\nQualité : propriétaire occupant\nType d'habitation : pavillon"))
    assert e.peril == "leak_search" and e.value("cause_repaired") is None
    assert d.reasons == ["leak_search_owner_occupied_house"]
    e, d = run(config, agency(text + "\nQualité : locataire\nType d'habitation : appartement"))
    assert d.decision == "auto_open" and d.reasons == []


def test_leak_search_already_done_leaves_a_water_damage(config):
    e, d = run(config, agency("Dégât des eaux : la recherche de fuite a été effectuée par le plombier, fuite réparée. Reprise des peintures."))
    assert e.peril == "water_damage" and e.value("cause_repaired") is True
    assert d.decision == "auto_open"


def test_agency_claim_must_start_with_b(config):
    e, d = run(config, agency("Bris de glace fenêtre.", claim="C7654321"))
    assert e.value("claim_number") == "C7654321"
    assert "invalid_claim_number" in d.reasons


def test_agency_without_agent_code(config):
    e, d = run(config, agency("Bris de glace fenêtre.", code=""))
    assert "missing_intermediary_code" in d.reasons


def test_missing_claim_number(config):
    body = "Bonjour,\nMerci de missionner un vitrier pour notre client M. Paul ROUX, bris de glace.\nCode agent : 456789\n"
    e, d = run(config, body)
    assert d.decision == "manual_review" and "missing_claim_number" in d.reasons


def test_broker_without_code_gets_000_and_no_reason(config):
    body = ("Bonjour,\nMerci d'intervenir chez notre client M. Paul ROUX, 3 rue Haute 75001 Paris, tél. 06 12 12 12 12, "
            "bris de glace.\nSinistre n° C1234567\nCordialement,\nCabinet Roux courtage - ORIAS 12345678\n")
    e, d = run(config, body, sender="contact@roux-courtage.fr")
    assert e.channel == "allianz_courtage" and e.value("intermediary_code") == "000"
    assert d.decision == "auto_open"
    assert (d.expertise_on_site, d.expertise_note, d.management_limit_eur) == (True, "Vérifier si expertise", 300)


def test_broker_claim_may_have_any_prefix(config):
    body = ("Bonjour,\nMerci d'intervenir chez notre client M. Paul ROUX pour un bris de glace.\n"
            "Sinistre n° 7001234567\nCabinet Roux courtage\n")
    e, d = run(config, body, sender="contact@roux-courtage.fr")
    assert "invalid_claim_number" not in d.reasons


def test_conflicting_claim_is_low_confidence(config):
    e, d = run(config, agency("Bris de glace."), subject="ODM sinistre B7777777")
    assert e.value("claim_number") == "B1234567"
    assert "low_confidence" in d.reasons


def test_poor_ocr_is_low_confidence(config):
    form = agency("Bris de glace vitrine.")
    e, d = run(config, None, subject=None, sender=None, attachments=[("fax.tif", [form])], ocr_confidence=0.35, kind="image")
    assert e.channel == "allianz_agence"
    assert "low_confidence" in d.reasons


def test_cs2i_goes_to_the_allianz_team(config):
    body = ("En notre qualité d'expert mandaté par Allianz, merci d'intervenir pour un bris de glace chez M. Paul ROUX.\n"
            "N° de sinistre : 2026000123\nCabinet d'expertise Sudexpert\n")
    e, d = run(config, body, sender="dossiers@sudexpert.fr")
    assert e.channel == "allianz_cs2i"
    assert d.decision == "manual_review" and d.queue == "allianz_team" and "cs2i_allianz_team" in d.reasons
    assert d.expertise_on_site is True


@pytest.mark.parametrize("text, note, limit", [
    ("Choc de véhicule contre la façade.", "choc de véhicule si devis entre 300 et 800€ rendre le dossier si devis > 800 € = expertise", 800),
    ("Perte de clés, ouverture de porte.", "Limite 800 €TTC", 800),
    ("Vol de clés. Limite de gestion : 500 € TTC.", "Limite 500 €TTC", 500),
])
def test_expertise_notes(config, text, note, limit):
    e, d = run(config, agency(text))
    assert d.expertise_on_site is True
    assert (d.expertise_note, d.management_limit_eur) == (note, limit)


def test_follow_up_is_attached(config):
    e, d = run(config, "Bonjour,\nCi-joint les photos du sinistre B1234567.\nCordialement", subject="RE: ODM sinistre B1234567")
    assert e.document_type == "follow_up"
    assert (d.decision, d.reasons) == ("attach", ["follow_up"])


def test_automatic_mail_is_never_a_follow_up(config):
    e, d = run(config, "Je suis absent. Votre message concernant le sinistre B1234567 sera traité.",
               subject="RE: ODM sinistre B1234567", automatic="auto_replied")
    assert (d.decision, d.reasons) == ("ignore", ["not_mission_order"])


def test_05i_wins_over_follow_up(config):
    body = "GESTION INTEGRALE BEB : ouverture automatique d'un dossier 05I.\nN° de sinistre : B1234567\n"
    e, d = run(config, body, subject="RE: sinistre B1234567 - 05I", sender="no-reply@allianz.fr")
    assert (d.decision, d.reasons) == ("ignore", ["gestion_integrale_05i"])


def test_newsletter_is_ignored(config):
    e, d = run(config, "Découvrez notre offre spéciale printemps ! Se désinscrire", subject="Newsletter mars", sender="news@promo.fr")
    assert (d.decision, d.reasons) == ("ignore", ["not_mission_order"])


def test_threshold_comes_from_config(config):
    e = Extraction(document_type="mission_order", channel="allianz_c2s", peril="storm",
                   fields={"claim_number": FieldValue(value="2026X1", confidence=0.7),
                           "order_number": FieldValue(value="55123", confidence=0.95),
                           "last_name": FieldValue(value="ROUX", confidence=0.95),
                           "phone": FieldValue(value="+33612121212", confidence=0.95)})
    msg = make_msg("x")
    assert decide(msg, e, config).reasons == ["low_confidence"]
    relaxed = config.model_copy(update={"rules": dict(config.section("rules"), trust_threshold=0.5)})
    assert decide(msg, e, relaxed).decision == "auto_open"


@pytest.mark.parametrize("box", ["Cause réparée Non renseigné", "Cause réparée :", "Cause réparée ?"])
def test_an_unanswered_cause_box_is_no_statement(config, box):
    e, d = run(config, agency(f"Nature du sinistre : dégât des eaux\n{box}\nPlafond taché."))
    assert e.value("cause_repaired") is None
    assert d.reasons == ["dde_cause_not_confirmed_repaired"]


@pytest.mark.parametrize("missing, reason", [("order_number", "missing_order_number"),
                                             ("last_name", "missing_insured_contact"),
                                             ("phone", "missing_insured_contact")])
def test_required_fields_of_a_platform_order(config, missing, reason):
    """DOMAIN.md: every order needs the claim, the insured's last name and a phone; C2S also its order number."""
    values = {"claim_number": "2026X1", "order_number": "55123", "last_name": "ROUX", "phone": "+33612121212"}
    del values[missing]
    e = Extraction(document_type="mission_order", channel="allianz_c2s", peril="storm",
                   fields={k: FieldValue(value=v, confidence=0.95) for k, v in values.items()})
    d = decide(make_msg("x"), e, config)
    assert (d.decision, d.reasons) == ("manual_review", [reason])


def test_an_untrusted_sender_never_auto_opens(config):
    fields = {k: FieldValue(value=v, confidence=0.95) for k, v in
              {"claim_number": "2026X1", "order_number": "55123", "last_name": "ROUX", "phone": "+33612121212"}.items()}
    e = Extraction(document_type="mission_order", channel="allianz_c2s", peril="storm", fields=fields)
    assert decide(make_msg("x"), e, config).decision == "auto_open"
    e.fields["sender_trust"] = FieldValue(value="untrusted", confidence=1.0, evidence="DMARC fail for allianz.fr")
    d = decide(make_msg("x"), e, config)
    assert (d.decision, d.reasons) == ("manual_review", ["low_confidence"])
