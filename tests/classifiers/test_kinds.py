"""Document type, channel, 05I notices and peril, on realistic French mail of each channel."""
from __future__ import annotations

import pytest

from classifiers.pipeline import classify
from tests.classifiers.messages import make_msg

C2S = """Ce message vous est envoyé automatiquement par la plateforme Allianz, merci de ne pas répondre.

Ordre de mission
N° de sinistre : 2026A0012345
N° d'ordre de mission : 1
Date de survenance : 02/03/2026
Assuré : Mme Sophie LAMBERT
Adresse du risque : 8 avenue Jean Jaurès 31000 TOULOUSE
Téléphone : 07 81 22 33 44

Description
Bris de glace baie vitrée salon. Vérifier si expertise.
"""

AGENCY_FORM = """ORDRE DE MISSION - ALLIANZ
Agence : Allianz Martin & Fils - Agent général
Code agent : 0712345
N° de sinistre : B 987 6543
Date du sinistre : 05.03.26
Nom de l'assuré : DUBOIS Marc
Adresse : 3 impasse des Tilleuls
44000 NANTES
Tél. : 06 98 76 54 32
Occupation : Locataire
Type d'habitation : Appartement
Nature du sinistre : Dégât des eaux - infiltration par la toiture, cause réparée par le couvreur.
"""

BROKER = """Bonjour,

Je vous remercie de bien vouloir intervenir chez notre client M. et Mme DE LA FONTAINE, 14 chemin des Vignes, 84000 Avignon,
tél. 0033 6 45 67 89 01, suite à un vol de clés survenu le 3 mars.
Limite de prise en charge : 450 € TTC.
Sinistre n° C 456 7890 - code courtier 45A87.

Cordialement,
Julie Marchand
Cabinet Marchand Courtage - ORIAS 14005678
Tél : 04 90 11 22 33
"""

EXPERT = """Madame, Monsieur,

En notre qualité d'expert mandaté par Allianz sur le dossier cité en référence, nous vous remercions de
bien vouloir procéder à une recherche de fuite non destructive chez M. Pierre GARNIER,
5 rue Victor Hugo 59000 LILLE (06 22 33 44 55).

Sinistre Allianz n° : 26-00451234
Notre référence : EX-2026-881

Cordialement,
Cabinet d'expertise Nordexpert
03 20 00 00 00
"""


def test_c2s_platform_order(config):
    e = classify(make_msg(C2S, subject="Mission 2026A0012345", sender="no-reply@allianz.fr"), config)
    assert (e.document_type, e.channel, e.peril) == ("mission_order", "allianz_c2s", "glass_breakage")
    assert e.value("claim_number") == "2026A0012345"
    assert e.value("order_number") == "1"
    assert e.value("last_name") == "LAMBERT" and e.value("first_name") == "Sophie" and e.value("civility") == "Mme"
    assert e.value("phone") == "+33781223344"
    assert (e.value("street"), e.value("postcode"), e.value("city")) == ("8 avenue Jean Jaurès", "31000", "TOULOUSE")
    assert str(e.value("loss_date")) == "2026-03-02"
    assert "Bris de glace" in e.value("description")
    assert e.value("cause_repaired") is None


def test_agency_form_by_fax(config):
    e = classify(make_msg(None, attachments=[("fax_0001.tif", [AGENCY_FORM])], ocr_confidence=0.93, kind="image"), config)
    assert (e.document_type, e.channel, e.peril) == ("mission_order", "allianz_agence", "water_damage")
    assert e.value("claim_number") == "B9876543"
    assert e.value("intermediary_code") == "0712345"
    assert e.value("order_number") == "0"
    assert (e.value("last_name"), e.value("first_name")) == ("DUBOIS", "Marc")
    assert e.value("phone") == "+33698765432"
    assert (e.value("street"), e.value("postcode"), e.value("city")) == ("3 impasse des Tilleuls", "44000", "NANTES")
    assert (e.value("occupancy"), e.value("dwelling")) == ("tenant", "apartment")
    assert str(e.value("loss_date")) == "2026-03-05"
    assert e.value("cause_repaired") is True
    assert e.fields["claim_number"].part == "fax_0001.tif"


def test_broker_free_form_mail(config):
    e = classify(make_msg(BROKER, subject="Intervention serrurerie", sender="julie@marchand-courtage.fr"), config)
    assert (e.document_type, e.channel, e.peril) == ("mission_order", "allianz_courtage", "key_loss")
    assert e.value("claim_number") == "C4567890"
    assert e.value("intermediary_code") == "45A87"
    assert (e.value("civility"), e.value("last_name")) == ("M. et Mme", "DE LA FONTAINE")
    assert e.value("phone") == "+33645678901"
    assert e.value("postcode") == "84000" and e.value("city") == "Avignon"
    assert str(e.value("loss_date")) == "2026-03-03"
    assert e.value("amount_eur") == 450.0 and e.value("key_limit_eur") == 450.0


def test_expert_firm_request(config):
    e = classify(make_msg(EXPERT, subject="Demande d'intervention - dossier 26-00451234", sender="gestion@nordexpert.fr"), config)
    assert (e.document_type, e.channel, e.peril) == ("mission_order", "allianz_cs2i", "leak_search")
    assert e.value("claim_number") == "2600451234"
    assert e.value("intermediary_code") is None
    assert e.value("order_number") is None
    assert e.value("last_name") == "GARNIER"
    assert e.value("phone") == "+33622334455"


def test_forwarded_order_is_still_an_order(config):
    body = "Pour traitement.\n\n---------- Message transféré ----------\nDe : agence.lyon@agents.allianz.fr\n\n" + AGENCY_FORM
    e = classify(make_msg(body, subject="TR: ODM sinistre B9876543", sender="accueil@assistance.fr"), config)
    assert e.document_type == "mission_order"
    assert e.channel == "allianz_agence"


@pytest.mark.parametrize("subject, body", [
    ("RE: ODM sinistre B9876543", "Bonjour,\nCi-joint les photos demandées.\nCordialement"),
    ("Relance dossier B9876543", "Bonjour, nous n'avons toujours pas de retour sur ce dossier, merci de nous tenir informés."),
    ("Complément sinistre C4567890", "Bonjour, en complément de notre ordre de mission, voici le devis complémentaire."),
    ("Sinistre B9876543 - pièces jointes complémentaires", "Veuillez trouver les pièces jointes complémentaires."),
])
def test_follow_ups(config, subject, body):
    e = classify(make_msg(body, subject=subject, sender="agence.lyon@agents.allianz.fr"), config)
    assert e.document_type == "follow_up"
    assert e.value("claim_number") in ("B9876543", "C4567890")


@pytest.mark.parametrize("subject, body, automatic", [
    ("Réponse automatique : ODM B9876543", "Je suis absent jusqu'au 25/03, votre message concernant le sinistre B9876543 sera traité à mon retour.", "out_of_office"),
    ("Absence du bureau", "Je suis absente du bureau. Sinistre n° B9876543.", None),
    ("Newsletter Allianz Pro - mars 2026", "Découvrez nos nouveautés. Pour vous désinscrire, cliquez ici pour ne plus recevoir.", None),
    ("Invitation : réunion partenaires", "Rejoindre la réunion Microsoft Teams", None),
    ("Undeliverable: ODM", "Delivery has failed to these recipients", "bounce"),
])
def test_not_orders(config, subject, body, automatic):
    e = classify(make_msg(body, subject=subject, sender="someone@example.fr", automatic=automatic), config)
    assert e.document_type == "other"
    assert e.channel == "unknown"


def test_05i_notice_is_flagged(config):
    body = ("Plateforme Allianz\nUn dossier 05I GESTION INTEGRALE BEB a été ouvert automatiquement.\n"
            "N° de sinistre : 2026A0012345\nN° d'ordre de mission : 2\n")
    e = classify(make_msg(body, subject="Ouverture dossier 05I", sender="no-reply@allianz.fr"), config)
    assert e.value("gestion_integrale_05i") is True
    assert e.channel == "allianz_c2s"


@pytest.mark.parametrize("text, peril", [
    ("Dégâts des eaux dans la salle de bain, fuite sur canalisation.", "water_damage"),
    ("DDE chez l'assuré, infiltration plafond.", "water_damage"),
    ("Bris de glace : vitre de la porte-fenêtre cassée.", "glass_breakage"),
    ("Choc de véhicule contre le portail et le mur de clôture.", "vehicle_impact"),
    ("Perte de clés, changement de serrure à prévoir.", "key_loss"),
    ("Merci de procéder à une recherche de fuite non destructive.", "leak_search"),
    ("Début d'incendie dans la cuisine, dégâts de fumée.", "fire"),
    ("Cambriolage avec effraction de la porte d'entrée.", "burglary"),
    ("Tempête du 12/03 : tuiles arrachées.", "storm"),
    ("Dommages électriques suite à une surtension.", "electrical_damage"),
    ("Problème de chaudière, pas de chauffage.", "other"),
])
def test_perils(config, text, peril):
    body = f"Bonjour,\nNous vous missionnons pour notre assuré M. Jean DUPONT.\nN° de sinistre : B1234567\n{text}\n"
    e = classify(make_msg(body, subject="Ordre de mission", sender="agence.x@agents.allianz.fr"), config)
    assert (e.peril or "other") == peril


def test_c2s_table_with_civility_field_and_crlf(config):
    body = ("Nous vous confions la mission décrite ci-dessous.\r\n\r\nN° d'ordre de mission   : 96099638\r\n"
            "N° de sinistre          : S263294482\r\nCivilité                : M.\r\nNom                     : MULLER\r\n"
            "Prénom                  : Olivier\r\nDescription :\r\nDégât des eaux, cause réparée.\r\n\r\n"
            "Ce message a été généré automatiquement par la plateforme C2S Allianz, merci de ne pas y répondre.\r\n")
    e = classify(make_msg(body, subject="Allianz - Ordre de mission n° 96099638", sender="ne-pas-repondre.c2s@allianz-demo.fr"), config)
    assert e.channel == "allianz_c2s"
    assert (e.value("civility"), e.value("last_name"), e.value("first_name")) == ("M.", "MULLER", "Olivier")
    assert e.value("order_number") == "96099638" and e.value("claim_number") == "S263294482"


FORM = ("ORDRE DE MISSION\nN° de sinistre : B1234567  Code agent : 512345\n3. NATURE DU SINISTRE\n"
        "{a} Dégâts des eaux   {b} Bris de glace   Choc de véhicule\nVol / perte de clés   Recherche de fuite   {c} Incendie\n"
        "Dégât des eaux : la cause du sinistre a-t-elle été réparée ? Oui Non\n"
        "Départ de feu dans la cuisine, suie sur les murs. Les dégâts des eaux des pompiers sont à sécher.\n")


@pytest.mark.parametrize("ticks, peril", [(("", "", "X"), "fire"), (("[X]", "", ""), "water_damage"),
                                          (("", "☒", ""), "glass_breakage")])
def test_a_ticked_nature_box_decides_the_peril(config, ticks, peril):
    """A form's list of natures names every peril; the ticked one is the order's, whatever the text repeats."""
    body = FORM.format(a=ticks[0], b=ticks[1], c=ticks[2])
    e = classify(make_msg("Ci-joint l'ODM.", subject="ODM B1234567", sender="agence@agents.allianz.fr",
                          attachments=[("odm.pdf", [body])]), config)
    assert e.peril == peril


def test_two_ticked_natures_are_no_answer(config):
    body = FORM.format(a="X", b="X", c="")
    e = classify(make_msg("Ci-joint l'ODM.", subject="ODM B1234567", sender="agence@agents.allianz.fr",
                          attachments=[("odm.pdf", [body])]), config)
    assert not any(s.name == "peril" and "ticked" in (s.detail or "") for s in e.signals)
