"""Message structure (classifiers/structure.py) and roles (classifiers/roles.py), and the forwarded-chain set.

The unit tests feed real body texts in each mail client's style to split_body and check the parts and the header
each forwarded or quoted message keeps; the roles tests run the parser and the segmenter on whole messages. The set
test runs the real pipeline over tests/classifiers/forwards/ (written before the fix, first run in its README).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from classifiers.roles import Role, assign
from classifiers.settings import ClassifierSettings, classifier_settings, fold
from classifiers.structure import PartKind, parse_from, split_body
from classifiers.text import segments_of
from foundation.config import load_config
from parsers import parse_message
from tests.classifiers.heldout_sets import fields_below_floor, run

FORWARDS = Path(__file__).parent / "forwards"


@pytest.fixture(scope="module")
def cs():
    return classifier_settings(load_config())


def parts_of(text: str, cs):
    return split_body(text, fold(text), cs)


COVER = "Bonjour,\n\nci-dessous la demande de notre client.\n\nCordialement,\nJeanne Dupré\nCabinet Dupré\n\n"


@pytest.mark.parametrize("block, name, addr, subject", [
    ("-----Message d'origine-----\nDe : Marc Girard [mailto:marc.girard@orange.fr]\nEnvoyé : mardi 10 mars 2026 09:12\n"
     "À : x@cabinet.fr\nObjet : dégât des eaux\n", "Marc Girard", "marc.girard@orange.fr", "dégât des eaux"),
    ("-----Original Message-----\nFrom: Sarah Collins <sarah.collins@gmail.com>\nSent: Monday, March 9, 2026 4:05 PM\n"
     "To: Agnès <a@b.fr>\nSubject: Water damage\n", "Sarah Collins", "sarah.collins@gmail.com", "Water damage"),
    ("---------- Forwarded message ---------\nDe : Benoît Lemaire <benoit.lemaire@free.fr>\nDate: lun. 2 mars 2026 à 18:18\n"
     "Subject: Sinistre\nTo: s@h.fr\n", "Benoît Lemaire", "benoit.lemaire@free.fr", "Sinistre"),
    ("Début du message réexpédié :\n\nDe: Nathalie Brun <nathalie.brun@icloud.com>\nObjet: Sinistre\n"
     "Date: 9 mars 2026 à 19:02:11 UTC+1\nÀ: a@b.fr\n", "Nathalie Brun", "nathalie.brun@icloud.com", "Sinistre"),
    ("Begin forwarded message:\n\nFrom: \"Peter Van Dijk\" <pvandijk@hotmail.com>\nSubject: Water leak\n"
     "Date: March 8, 2026 at 10:15:03 AM GMT+1\nTo: s@g.fr\n", "Peter Van Dijk", "pvandijk@hotmail.com", "Water leak"),
    ("-------- Message transféré --------\nSujet : Bris de glace\nDate : Tue, 10 Mar 2026 14:22:09 +0100\n"
     "De : Hélène Marchand <h.marchand@laposte.net>\nPour : c@b.fr\n", "Hélène Marchand", "h.marchand@laposte.net",
     "Bris de glace"),
    # an HTML body's text: the header lines come apart with blank lines between them, and no marker
    ("De : Karim Benali <karim.benali@outlook.fr>\n\nEnvoyé : jeudi 12 mars 2026 07:58\n\nÀ : s@p.fr\n\n"
     "Objet : Dégâts des eaux\n", "Karim Benali", "karim.benali@outlook.fr", "Dégâts des eaux"),
])
def test_forward_styles_give_the_forwarded_message_its_own_header(cs, block, name, addr, subject):
    text = COVER + block + "\nBonjour,\nl'eau coule du plafond.\n\nMarc\n"
    st = parts_of(text, cs)
    msgs = st.messages()
    assert [m.kind for m in msgs] == [PartKind.COVER, PartKind.FORWARDED]
    fwd = msgs[1]
    assert (fwd.header.from_name, fwd.header.from_addr, fwd.header.subject) == (name, addr, subject)
    assert text[fwd.body_start:].lstrip().startswith("Bonjour,\nl'eau coule")
    assert fwd.depth == 1
    # the cover note's closing is a signature of the cover, not of the forwarded mail
    sig = [p for p in st.parts if p.kind == PartKind.SIGNATURE]
    assert sig and sig[0].owner == 0 and "Jeanne Dupré" in text[sig[0].start:sig[0].end]
    assert st.message_at(text.index("plafond")) == 1
    assert st.message_at(text.index("notre client")) == 0


@pytest.mark.parametrize("intro, name, addr", [
    ("Le lun. 9 mars 2026 à 11:02, Yannick Le Goff <yannick.legoff@free.fr> a écrit :", "Yannick Le Goff",
     "yannick.legoff@free.fr"),
    ("On 9 Mar 2026, at 18:40, Emma Wilson <emma.wilson@me.com> wrote:", "Emma Wilson", "emma.wilson@me.com"),
    # Gmail wraps a long intro over two lines
    ("Le mar. 10 mars 2026 à 09:14, Jean-Pierre Dubois-Martin\n<jp.dubois.martin@laposte.net> a écrit :",
     "Jean-Pierre Dubois-Martin", "jp.dubois.martin@laposte.net"),
])
def test_reply_quotes_keep_their_author(cs, intro, name, addr):
    text = "Voir ci-dessous.\n\n" + intro + "\n> Bonjour,\n> ma cave est inondée.\n>\n> Y.\n"
    msgs = parts_of(text, cs).messages()
    assert [m.kind for m in msgs] == [PartKind.COVER, PartKind.QUOTED]
    assert (msgs[1].header.from_name, msgs[1].header.from_addr) == (name, addr)
    assert msgs[1].end == len(text)


def test_bare_quote_lines_and_nested_forwards(cs):
    text = ("Paul, peux-tu traiter ?\n\n-----Message d'origine-----\nDe : Julie Masson <j.masson@nord-courtage.fr>\n"
            "Envoyé : mercredi 11 mars 2026 15:40\nObjet : TR: infiltration\n\nvoir plus bas\n\n"
            "---------- Forwarded message ---------\nFrom: Isabelle Fontaine <isa.fontaine@gmail.com>\n"
            "Date: Wed, Mar 11, 2026 at 2:05 PM\nSubject: infiltration\n\nBonjour,\n> ancien message\n> cité\nFin\n")
    msgs = parts_of(text, cs).messages()
    assert [m.kind for m in msgs] == [PartKind.COVER, PartKind.FORWARDED, PartKind.FORWARDED, PartKind.QUOTED]
    assert [m.depth for m in msgs] == [0, 1, 2, 3]
    assert msgs[2].header.from_addr == "isa.fontaine@gmail.com"


def test_plain_message_is_one_cover_and_disclaimers_are_parts(cs):
    text = ("Bonjour,\nmerci de missionner.\nAssuré : M. Jean DUPONT\nDate : 12/03/2026\n\nCordialement,\nA. B.\n\n"
            "Ce message et toutes les pièces jointes sont confidentiels et destinés à leurs seuls destinataires.\n")
    st = parts_of(text, cs)
    assert [m.kind for m in st.messages()] == [PartKind.COVER]
    assert not st.has_inner
    kinds = {p.kind for p in st.parts}
    assert PartKind.DISCLAIMER in kinds and PartKind.SIGNATURE in kinds


@pytest.mark.parametrize("raw, name, addr", [
    ("Marc Girard [mailto:marc.girard@orange.fr]", "Marc Girard", "marc.girard@orange.fr"),
    ('"Girard, Marc" <Marc.Girard@Orange.fr>', "Marc GIRARD", "marc.girard@orange.fr"),
    ("<only@address.fr>", None, "only@address.fr"),
    ("Jeanne Dupré", "Jeanne Dupré", None),
])
def test_parse_from(raw, name, addr):
    assert parse_from(raw) == (name, addr)


def _roles(path: Path):
    msg = parse_message(path.read_bytes(), filename=path.name)
    cs = classifier_settings(load_config())
    segs = segments_of(msg, cs)
    return segs, assign(msg, segs, cs)


def test_roles_of_a_broker_forward(cs):
    segs, roles = _roles(FORWARDS / "fw11_tiers_proprietaire.eml")
    assert sorted(m.role for m in roles.messages) == [Role.INSURED, Role.INTERMEDIARY]
    insured = roles.insured()
    assert insured is not None and insured.name.last_name == "NGUYEN" and insured.email == "thi.nguyen@sfr.fr"
    body = next(s for s in segs if s.structure is not None)
    assert roles.role_at(segs, body, body.text.index("Ligne directe")) == Role.INTERMEDIARY
    assert roles.role_at(segs, body, body.text.index("06 99 88 77 66")) == Role.INSURED


def test_roles_of_a_colleague_forward_and_an_attached_mail(cs):
    _, nested = _roles(FORWARDS / "fw09_nested.eml")
    by_author = {m.author.from_addr: m.role for m in nested.messages if m.author and m.author.from_addr}
    assert by_author["j.masson@nord-courtage.fr"] == Role.INTERMEDIARY      # the sender's own domain: a colleague
    assert by_author["isa.fontaine@gmail.com"] == Role.INSURED
    _, attached = _roles(FORWARDS / "fw12_rfc822_html.eml")
    assert attached.insured().name.last_name == "ROUSSEL"                   # the attached mail's own From name


def test_a_message_forwarding_nothing_has_no_insured_mail(cs):
    path = next(p for p in sorted((Path(__file__).parent / "heldout2").glob("*.eml")))
    _, roles = _roles(path)
    assert not roles.has_insured_mail


def test_structure_and_roles_settings_are_validated():
    with pytest.raises(ValidationError):
        ClassifierSettings.model_validate({"structure": {"forward_marker": ["typo"]}})
    with pytest.raises(ValidationError):
        ClassifierSettings.model_validate({"roles": {"insured_cue": ["typo"]}})
    ok = ClassifierSettings.model_validate({"structure": {"header_fields": {"from": ["de"]}}})
    assert ok.structure.header_fields.from_ == ["de"]


FLOORS = {"insured.last_name": 0.92, "insured.phone": 0.92, "insured.postcode": 0.92, "insured.city": 0.92}


def test_forwarded_chain_set_reads_the_insured_from_their_own_mail():
    paths = sorted(FORWARDS.glob("*.eml"))
    assert len(paths) >= 12
    results = run(paths)
    assert fields_below_floor(results, FLOORS, 0.92) == {}
    # an intermediary's letterhead or signature number is never the insured's
    for name, expected, record in results:
        assert record["insured"].get("phone") in (expected["insured.phone"], None), name


def test_hostile_bodies_stay_bounded(cs):
    text = ("-----Original Message-----\nFrom: a <a@b.fr>\nSent: x\n\n> q\n" * 3000)
    st = parts_of(text, cs)
    assert 1 < len(st.messages()) <= 41
    assert st.messages()[-1].end == len(text)


REPLY_OVER_OFFICE_MAIL = """From: Cabinet Morel <gestion@morel-courtage.fr>
To: missions@multiassistance.fr
Subject: RE: Votre demande - sinistre C4040404
Date: Tue, 10 Mar 2026 10:00:00 +0100
Content-Type: text/plain; charset=utf-8

Bonjour,

Voici les coordonnées de notre client, merci de missionner.
Assuré : M. Olivier FAURE
Téléphone : 06 41 42 43 44
Adresse : 3 rue Haute, 44000 Nantes

Cordialement,
Cabinet Morel - Tél. 02 40 00 00 00

Le lun. 9 mars 2026 à 16:00, Multiassistance <missions@multiassistance.fr> a écrit :
> Bonjour, nous accusons réception et vous remercions de nous transmettre les coordonnées de l'assuré.
> Service ouverture - 01 47 35 00 00
""".encode()


def test_a_reply_over_the_office_own_mail_keeps_the_brokers_insured_block():
    """The quoted mail is the office's (it speaks for "nous"): it is not the insured's, and the broker's labelled
    block in the cover note still gives the insured's name and number."""
    from foundation.models import SourceRef
    from intake.pipeline import process
    msg = parse_message(REPLY_OVER_OFFICE_MAIL, filename="reply.eml")
    cs = classifier_settings(load_config())
    segs = segments_of(msg, cs)
    roles = assign(msg, segs, cs)
    assert Role.INSURED not in {m.role for m in roles.messages}
    record = process(REPLY_OVER_OFFICE_MAIL, SourceRef(uri="reply.eml", filename="reply.eml"), load_config()).record
    insured = record.to_json_dict()["insured"]
    assert (insured["last_name"], insured["phone"], insured["postcode"]) == ("FAURE", "+33641424344", "44000")
