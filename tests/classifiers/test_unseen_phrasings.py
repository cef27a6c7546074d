"""Classes of failure found by the second held-out set, each pinned by a small message written for the test:
overseas mobiles, a bare 'Date :' line against a quoted mail header, an order sent as a reply, loose labels."""
from __future__ import annotations

from classifiers import classify
from tests.classifiers.messages import make_msg

ORDER = ("Bonjour,\n\nSinistre : C 6610 442\nAssurée : Mme Odile MARCHAND, 40 rue Nationale, 37000 TOURS, {phone}\n"
         "Perte des clés de son domicile. Je vous confirme donc la mission.\n\nStéphane HAMON\n")


def test_overseas_mobile_gets_its_own_country_code(config) -> None:
    ext = classify(make_msg(ORDER.format(phone="06 93 12 34 56"), subject="Mission clés",
                            sender="s.hamon@hamon-courtage-demo.fr"), config)
    assert ext.fields["phone"].value == "+262693123456"
    ext = classify(make_msg(ORDER.format(phone="06 12 34 56 78"), subject="Mission clés",
                            sender="s.hamon@hamon-courtage-demo.fr"), config)
    assert ext.fields["phone"].value == "+33612345678"


def test_reply_carrying_a_new_order_is_an_order(config) -> None:
    body = ORDER.format(phone="06 77 88 99 00") + ("\n-----Message d'origine-----\nDe : Accueil\nObjet : RE: serrurier ?\n\n"
                                                   "Merci de nous adresser l'ordre de mission.\n")
    ext = classify(make_msg(body, subject="RE: Disponibilité serrurier ?", sender="s.hamon@hamon-courtage-demo.fr"), config)
    assert ext.document_type == "mission_order"


def test_reply_quoting_the_claim_stays_a_follow_up(config) -> None:
    body = ("Bonjour,\nAvez-vous pu joindre l'assurée ? Sinistre C 6610 442, Mme MARCHAND, 37000 TOURS, 06 77 88 99 00.\n"
            "\n-----Message d'origine-----\nDe : Cabinet Hamon\nObjet : Mission\n\n" + ORDER.format(phone="06 77 88 99 00"))
    ext = classify(make_msg(body, subject="RE: Mission clés", sender="s.hamon@hamon-courtage-demo.fr"), config)
    assert ext.document_type == "follow_up"


def test_bare_date_line_is_the_loss_date_but_not_in_a_quoted_header(config) -> None:
    order = ("Sinistre : B5512098\nCode agent : 681122\nAssuré : M. Thomas MEYER, 8 rue des Vignerons, 68000 COLMAR\n"
             "Date : 11/03/2026\nGrêle : velux brisés.\n")
    ext = classify(make_msg("Merci de prendre en charge.\n\n" + order, subject="Ordre de mission",
                            sender="colmar@allianz-demo.fr"), config)
    assert str(ext.fields["loss_date"].value) == "2026-03-11"
    header = ("Merci de prendre en charge.\n\n-----Message d'origine-----\nDe : Julie\nDate : 13/03/2026\nObjet : ODM\n\n"
              "Sinistre : B5512098\nCode agent : 681122\nAssuré : M. Thomas MEYER, 68000 COLMAR\nGrêle : velux brisés.\n")
    ext = classify(make_msg(header, subject="TR: Ordre de mission", sender="colmar@allianz-demo.fr"), config)
    assert "loss_date" not in ext.fields


def test_loose_claim_and_code_labels(config) -> None:
    body = ("Bonjour,\nSinistre B 901 2345, code agent 490077.\nAssuré : M. Julien GODARD, 49100 ANGERS.\n"
            "Merci de réaliser une recherche de fuite.\n")
    ext = classify(make_msg(body, subject="Recherche de fuite", sender="angers@allianz-demo.fr"), config)
    assert ext.fields["claim_number"].value == "B9012345" and ext.fields["claim_number"].confidence >= 0.75
    body = "Numéro de dossier Allianz : C9912345\nNotre code courtier : 8H7412\nAssuré : M. Antoine ROSSI\nCambriolage.\n"
    ext = classify(make_msg(body, subject="Demande d'intervention", sender="sinistres@azur-patrimoine-demo.fr"), config)
    assert ext.fields["claim_number"].confidence >= 0.75
    assert ext.fields["intermediary_code"].value == "8H7412"


def test_payment_notice_and_vendor_newsletter_are_not_orders(config) -> None:
    ext = classify(make_msg("Un virement de 1 234,00 € a été émis en règlement de votre facture (sinistre B7745120).",
                            subject="Avis de paiement - facture 2026-0412", sender="reglements@allianz-demo.fr"), config)
    assert ext.document_type == "other"
    ext = classify(make_msg("Découvrez l'outil qui suit chaque sinistre. Pour vous désinscrire, cliquez ici.",
                            subject="Gérez vos sinistres plus vite", sender="news@expertplus-logiciels-demo.com"), config)
    assert ext.document_type == "other" and ext.channel == "unknown"
