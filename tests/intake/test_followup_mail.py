"""The follow-up's mail to the insured, through a real SMTP server (aiosmtpd on loopback): sent with the SMS
(`mail: also`) or in its stead (`mail: instead`), recorded on the dossier with the server's answer."""
from __future__ import annotations

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from foundation.errors import ConfigError
from intake.followup import FollowupEngine
from intake.insured_mail import SmtpMailer, valid_email
from outputs.store import Store
from outputs.tables import Event
from tests.intake.test_followup import T0, _open, _settings
from outputs.tables import RecordRow

REFUSED = "gone@example.org"


class Sink:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK queued"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, SmtpMailer("127.0.0.1", port, "televaluation@assistance.example")
    controller.stop()


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path}/m.db") as opened:
        yield opened


def _with_email(store, dossier: str, address: str | None) -> None:
    with store.session() as s:
        row = s.scalar(select(RecordRow).where(RecordRow.dossier_id == dossier))
        record = dict(row.current_json)
        record["insured"] = {**record["insured"], "email": address}
        row.current_json = record


def _to_waiting(store, settings, smtp_mailer) -> None:
    engine = FollowupEngine(store, settings, None, smtp_mailer)        # no SMS gateway: SMS rows say so
    engine.run(T0)
    engine.run(T0 + timedelta(days=1, minutes=1))


def test_the_mail_goes_with_the_sms_and_is_recorded(store, smtp):
    sink, mailer = smtp
    dossier = _open(store, "C4400001", "06 98 76 54 32")
    _with_email(store, dossier, "Jean.Dupont@Example.org")
    _to_waiting(store, _settings(reminders=1), mailer)
    followup = store.followup_of(dossier)
    assert followup["state"] == "waiting_for_client"
    mail, sms = followup["messages"]
    assert (mail["medium"], mail["recipient"], mail["status"]) == ("mail", "jean.dupont@example.org", "sent")
    assert (sms["medium"], sms["status"]) == ("sms", "failed")              # no gateway here
    message, = sink.messages
    assert sink.envelopes == [("televaluation@assistance.example", ["jean.dupont@example.org"])]
    assert message["Subject"] == "Votre sinistre C4400001 : merci de nous rappeler"
    assert str(message["Message-ID"]).strip() == mail["provider_ref"]
    body = message.get_content().replace("\r\n", "\n")
    assert "sinistre C4400001" in body and "01 40 09 38 39" in body and body.startswith("Bonjour,\n\n")
    assert mail["text"].startswith("Objet : Votre sinistre C4400001") and "01 40 09 38 39" in mail["text"]
    with store.session(read=True) as s:
        step = s.scalar(select(Event).where(Event.kind == "followup", Event.dossier_id == dossier)
                        .order_by(Event.id.desc()))
    assert step.detail["message_ids"] == [mail["id"], sms["id"]]


def test_instead_of_the_sms_when_the_insured_has_an_address(store, smtp):
    sink, mailer = smtp
    settings = _settings(reminders=1, mail="instead")
    with_address = _open(store, "C4400002", "06 11 22 33 44")
    _with_email(store, with_address, "claire@example.org")
    without = _open(store, "C4400003", "06 55 66 77 88")
    _to_waiting(store, settings, mailer)
    assert [m["medium"] for m in store.followup_of(with_address)["messages"]] == ["mail"]
    assert [m["medium"] for m in store.followup_of(without)["messages"]] == ["sms"]   # no address: the SMS
    assert [m["To"] for m in sink.messages] == ["claire@example.org"]


def test_off_sends_no_mail(store, smtp):
    sink, mailer = smtp
    dossier = _open(store, "C4400004", "06 11 22 33 45")
    _with_email(store, dossier, "paul@example.org")
    _to_waiting(store, _settings(reminders=1, mail="off"), mailer)
    assert [m["medium"] for m in store.followup_of(dossier)["messages"]] == ["sms"] and sink.messages == []


def test_a_refused_address_and_no_smtp_server_are_recorded_as_failed(store, smtp):
    sink, mailer = smtp
    refused = _open(store, "C4400005", None)
    _with_email(store, refused, REFUSED)
    _to_waiting(store, _settings(reminders=1), mailer)
    mail, = store.followup_of(refused)["messages"]
    assert mail["status"] == "failed" and mail["error"].startswith("SMTP 550")
    unsent = _open(store, "C4400006", None)
    _with_email(store, unsent, "anne@example.org")
    engine = FollowupEngine(store, _settings(reminders=1), None, None)
    engine.run(T0)
    engine.run(T0 + timedelta(days=1, minutes=1))
    mail, = store.followup_of(unsent)["messages"]
    assert mail["status"] == "failed" and "no SMTP server" in mail["error"] and sink.messages == []


def test_the_mail_texts_are_checked():
    with pytest.raises(ConfigError, match="placeholder"):
        _settings(mail_text="Rappelez le {numero} s'il vous plait")
    with pytest.raises(ConfigError):
        _settings(mail="sometimes")
    assert valid_email(" A@B.fr ") == "a@b.fr" and valid_email("n/c") is None and valid_email(None) is None
