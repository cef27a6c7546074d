"""The insured's follow-up after opening (seed 003): calls due, three reminders, an SMS through a real Kannel
(bearerbox + smsbox + the fake SMSC, loopback) and *waiting for client* for a week; stored, so a restart
loses nothing; the insured's answer ends it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from foundation.config import Config, load_config
from foundation.errors import ConfigError
from intake.followup import FollowupEngine, followup_settings, plan, sms_text
from intake.sms import KannelGateway, mobile_e164
from outputs.store import Store
from outputs.tables import Dossier
from tests.kannel import PASSWORD, USER, Kannel, available
from tests.outputs.factories import eml, processed, src

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def kannel():
    if not available():
        pytest.skip("Kannel is not installed (the setup script installs kannel and kannel-extras)")
    server = Kannel()
    yield server
    server.stop()


def _settings(**override):
    base = dict(load_config().section("followup"))
    base.update(override)
    return followup_settings(Config.model_validate({"followup": base}))


def _open(store, claim: str, phone: str | None, channel: str = "allianz_c2s", opened: datetime = T0) -> str:
    raw = eml(claim, "Mon, 02 Mar 2026 09:00:00 +0100")
    raw_id, _ = store.add_raw(raw, src(f"/in/{claim}.eml"), "file")
    item = processed(raw, src(f"/in/{claim}.eml"), claim=claim, channel=channel)
    item.record.insured.phone = phone
    dossier = store.save_processed(raw_id, item).dossier_id
    with store.session() as s:
        s.get(Dossier, dossier).opened_at = opened
    return dossier


def test_the_steps_are_pure_and_follow_the_procedure():
    settings = _settings()
    states, now = ["to_call"], T0
    while states[-1] not in ("closed",):
        step = plan(states[-1], now, settings)
        states.append(step.state)
        now = step.next_at or now
        if step.send_sms:
            assert step.dossier_status == "waiting_for_client" and step.waiting_until - now == timedelta(0)
    assert states == ["to_call", "reminder_1", "reminder_2", "reminder_3", "waiting_for_client", "closed"]
    assert plan("reminder_3", T0, settings).next_at == T0 + timedelta(days=7)


def test_the_configuration_is_checked():
    with pytest.raises(ConfigError, match="placeholder"):
        _settings(sms_text="Rappelez le {telephone} s'il vous plait")
    with pytest.raises(ConfigError, match="phone numbers"):
        _settings(phones={"allianz_c2s": {"callback": "01 40 09 38 39"}})
    assert _settings().phones_for("allianz_agence").callback == "01 40 09 38 39"
    assert _settings().phones_for("allianz_c2s").platform_followup == "09 72 72 96 50"


def test_only_mobiles_get_an_sms():
    assert mobile_e164("06 12 34 56 78") == "+33612345678"
    assert mobile_e164("+33 7 81 23 45 67") == "+33781234567"
    assert mobile_e164("01 40 09 38 39") is None and mobile_e164("n/c") is None and mobile_e164(None) is None


def test_kannel_accepts_and_refuses(kannel):
    gateway = KannelGateway(kannel.sendsms_url, USER, PASSWORD)
    wrong = KannelGateway(kannel.sendsms_url, USER, "wrong-password")
    try:
        ok = gateway.send("+33612345678", "Été : rappelez-nous")
        long = gateway.send("+33698765432", "Fenêtre : " + "rappelez-nous au 01 40 09 38 39. " * 3)  # UCS-2, 2 parts
        refused = wrong.send("+33612345678", "x")
    finally:
        gateway.close()
        wrong.close()
    assert ok.ok and ok.detail.startswith("0: Accepted")
    assert not refused.ok and "403" in refused.detail
    assert long.ok
    sent = kannel.wait_sent(2)
    assert ("Intake", "+33612345678", "Été : rappelez-nous") in sent
    assert ("Intake", "+33698765432", "Fenêtre : " + "rappelez-nous au 01 40 09 38 39. " * 3) in sent


def test_three_reminders_then_an_sms_and_waiting_for_client_then_back(kannel, tmp_path):
    url = f"sqlite:///{tmp_path}/f.db"
    settings = _settings()
    store = Store(url)
    dossier = _open(store, "C1234567", "06 98 76 54 32")
    other = _open(store, "C7654321", "01 40 00 00 00")                  # a landline: no SMS
    ignored = _open(store, "X1111111", "06 11 11 11 11", channel="allianz_cs2i")
    before = len(kannel.sent())
    gateway = KannelGateway(kannel.sendsms_url, USER, PASSWORD)
    try:
        now = T0
        for expected in ("reminder_1", "reminder_2", "reminder_3"):
            assert FollowupEngine(store, settings, gateway).run(now) == 2
            assert store.followup_of(dossier)["state"] == expected
            assert FollowupEngine(store, settings, gateway).run(now + timedelta(hours=1)) == 0   # not due yet
            now += timedelta(hours=24)
        store.close()
        store = Store(url)                                               # a restart: the state is in the database
        assert FollowupEngine(store, settings, gateway).run(now) == 2
    finally:
        gateway.close()
    view = store.followup_of(dossier)
    assert view["state"] == "waiting_for_client" and view["waiting_until"] == now + timedelta(days=7)
    message, = view["messages"]
    assert message["status"] == "sent" and message["recipient"] == "+33698765432"
    assert "C1234567" in message["text"] and "01 40 09 38 39" in message["text"]
    sent = kannel.wait_sent(before + 1)[before:]
    assert [(to, text) for _, to, text in sent] == [("+33698765432", message["text"])]
    assert store.followup_of(other)["messages"] == [] and store.followup_of(ignored) is None
    with store.session(read=True) as s:
        assert s.get(Dossier, dossier).status == "waiting_for_client"
    assert FollowupEngine(store, settings, None).run(now + timedelta(days=7)) == 2
    assert store.followup_of(dossier)["state"] == "closed"
    with store.session(read=True) as s:
        assert s.get(Dossier, dossier).status == "open"                 # back to a person
    store.close()


def test_the_insureds_answer_ends_the_follow_up(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/a.db")
    try:
        dossier = _open(store, "C2222222", "06 12 12 12 12")
        settings = _settings(reminders=1)
        FollowupEngine(store, settings, None).run(T0)
        FollowupEngine(store, settings, None).run(T0 + timedelta(days=1))   # waiting, SMS not sent: no gateway
        message, = store.followup_of(dossier)["messages"]
        assert message["status"] == "failed" and "no SMS gateway" in message["error"]
        store.followup_answered(dossier, "cc@example.org")
        assert store.followup_of(dossier)["state"] == "answered"
        assert FollowupEngine(store, settings, None).run(T0 + timedelta(days=30)) == 0
        with store.session(read=True) as s:
            assert s.get(Dossier, dossier).status == "open"
    finally:
        store.close()


def test_an_old_dossier_is_not_followed_up_when_the_feature_starts(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/o.db")
    try:
        old = _open(store, "C3333333", "06 13 13 13 13", opened=T0 - timedelta(days=30))
        assert FollowupEngine(store, _settings(), None).run(T0) == 0 and store.followup_of(old) is None
    finally:
        store.close()
