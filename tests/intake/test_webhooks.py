"""Webhooks: the outbox is written with the event (same transaction), the worker delivers it signed to a real
HTTP receiver, retries with back-off through failures and an outage, and nothing is lost or unsigned."""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from foundation.config import Config
from foundation.errors import ConfigError
from intake.webhooks import WebhookWorker, verify_signature, webhook_settings
from outputs.integration_tables import OutboxEvent, WebhookDelivery
from tests.intake.receiver import Receiver
from tests.outputs.factories import eml, processed, src

SECRET = "s3cret-for-the-test-receiver"


def _ingest(store, claim: str, **kwargs) -> int:
    raw = eml(claim, "Fri, 01 Mar 2024 08:00:00 +0100")
    raw_id, _ = store.add_raw(raw, src(f"/in/{claim}.eml"), "file")
    return store.save_processed(raw_id, processed(raw, src(f"/in/{claim}.eml"), claim=claim, **kwargs)).record_id


def _settings(monkeypatch, url: str, **extra):
    monkeypatch.setenv("INTAKE_WEBHOOK_SECRET_CRM", SECRET)
    section = {"targets": [{"name": "crm", "url": url, "secret_env": "INTAKE_WEBHOOK_SECRET_CRM"}],
               "backoff_base_s": 0, "backoff_cap_s": 0, **extra}
    return webhook_settings(Config.model_validate({"webhooks": section}))


def _kinds(store) -> list[str]:
    with store.session(read=True) as s:
        return list(s.scalars(select(OutboxEvent.kind).order_by(OutboxEvent.id)))


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def test_outbox_rows_come_with_the_events_they_announce(store):
    auto = _ingest(store, "B1000001")                                  # auto-opened: dossier.opened
    review = _ingest(store, "B1000002", decision="manual_review")      # in review: nothing published yet
    assert _kinds(store) == ["opened"]
    store.correct_field(review, "last_name", "MARTIN", "anne@example.org")
    store.open_dossier(review, "anne@example.org")
    other = _ingest(store, "B1000003", decision="manual_review")
    store.refuse(other, "Hors contrat", "anne@example.org")
    _ingest(store, "B1000001")  # same bytes: already stored, nothing new
    assert _kinds(store) == ["opened", "corrected", "opened", "refused"]
    with store.session(read=True) as s:
        first = s.scalar(select(OutboxEvent).order_by(OutboxEvent.id).limit(1))
    assert first.record_id == auto and first.channel == "allianz_agence"
    assert first.payload["type"] == "dossier.opened" and first.payload["id"] == first.event_key
    assert first.payload["claim_number"] == "B1000001"


def test_an_event_rolled_back_publishes_nothing(store):
    record = _ingest(store, "B1000004", decision="manual_review")
    before = _kinds(store)
    with pytest.raises(RuntimeError):
        with store.session() as s:
            store._event(s, "refused", record_id=record, actor="anne@example.org", reason="Doublon")
            s.flush()
            assert s.scalar(select(func.count()).select_from(OutboxEvent)) == len(before) + 1
            raise RuntimeError("the action failed after its event was written")
    assert _kinds(store) == before
    with pytest.raises(Exception):
        store.attach(record, "no-such-dossier", "anne@example.org")
    assert _kinds(store) == before


def test_events_are_delivered_signed_with_a_stable_idempotency_key(store, receiver, monkeypatch):
    for n in range(3):
        _ingest(store, f"B200000{n}")
    worker = WebhookWorker(store, _settings(monkeypatch, receiver.url))
    try:
        result = worker.run_round()
        assert result.delivered == 3 and result.retried == 0
        assert worker.run_round().delivered == 0                      # nothing twice once acknowledged
    finally:
        worker.close()
    assert len(receiver.requests) == 3
    for request in receiver.requests:
        assert verify_signature(SECRET.encode(), request.headers["x-intake-signature"], request.body)
        assert not verify_signature(b"another-secret-entirely", request.headers["x-intake-signature"], request.body)
        event = json.loads(request.body)
        assert request.headers["idempotency-key"] == event["id"] == request.headers["x-intake-event-id"]
        assert request.headers["x-intake-event"] == "dossier.opened"
    claims = [json.loads(r.body)["claim_number"] for r in receiver.requests]
    assert claims == ["B2000000", "B2000001", "B2000002"]              # in the order they happened


def test_failures_are_retried_with_back_off_then_delivered(store, receiver, monkeypatch):
    _ingest(store, "B3000001")
    receiver.failures = [500, 503]
    worker = WebhookWorker(store, _settings(monkeypatch, receiver.url, backoff_base_s=0.2, backoff_cap_s=1))
    try:
        assert worker.run_round().retried == 1
        assert worker.run_round().delivered == 0                      # not due yet: waits its back-off
        deadline = time.monotonic() + 10
        delivered = 0
        while not delivered and time.monotonic() < deadline:
            time.sleep(0.1)
            delivered = worker.run_round().delivered
    finally:
        worker.close()
    assert delivered == 1
    keys = {r.headers["idempotency-key"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(keys) == 1             # same event, same key, three tries
    assert [r.headers["x-intake-delivery-attempt"] for r in receiver.requests] == ["1", "2", "3"]
    with store.session(read=True) as s:
        row = s.scalar(select(WebhookDelivery))
    assert row.status == "delivered" and row.attempts == 3 and row.last_error is None


def test_nothing_is_lost_while_the_receiver_is_down(store, receiver, monkeypatch):
    settings = _settings(monkeypatch, receiver.url)
    receiver.stop()                                                   # outage: connection refused
    worker = WebhookWorker(store, settings)
    try:
        for n in range(5):
            _ingest(store, f"B400000{n}")
        result = worker.run_round()
        assert result.delivered == 0 and result.retried == 1          # one request per round to a dead receiver
        assert store.webhook_backlog()["statuses"] == {"pending": 5}
        receiver.start()                                              # back, on the same port
        for _ in range(5):
            worker.run_round()
    finally:
        worker.close()
    ids = [json.loads(r.body)["id"] for r in receiver.requests]
    assert len(set(ids)) == 5
    assert store.webhook_backlog()["statuses"] == {"delivered": 5}


def test_a_delivery_that_keeps_failing_is_kept_dead_and_can_be_put_back(store, receiver, monkeypatch):
    _ingest(store, "B5000001")
    receiver.failures = [500, 500]
    worker = WebhookWorker(store, _settings(monkeypatch, receiver.url, max_attempts=2))
    try:
        worker.run_round()
        assert worker.run_round().dead == 1
        assert worker.run_round().delivered == 0
        log = store.delivery_log()
        assert log[0]["status"] == "dead" and log[0]["last_status"] == 500
        assert store.retry_dead() == 1
        assert worker.run_round().delivered == 1
    finally:
        worker.close()


def test_targets_without_a_secret_or_over_plain_http_are_refused(monkeypatch):
    monkeypatch.delenv("INTAKE_WEBHOOK_SECRET_X", raising=False)
    section = {"targets": [{"name": "x", "url": "https://crm.example/h", "secret_env": "INTAKE_WEBHOOK_SECRET_X"}]}
    with pytest.raises(ConfigError, match="INTAKE_WEBHOOK_SECRET_X"):
        webhook_settings(Config.model_validate({"webhooks": section}))
    monkeypatch.setenv("INTAKE_WEBHOOK_SECRET_X", SECRET)
    section["targets"][0]["url"] = "http://crm.example/h"
    with pytest.raises(ConfigError, match="https"):
        webhook_settings(Config.model_validate({"webhooks": section}))
    with pytest.raises(ConfigError):
        webhook_settings(Config.model_validate({"webhooks": {"targets": [], "unknown": 1}}))


def test_the_scheduler_has_a_webhook_job(tmp_path):
    from scheduler import Service, build_scheduler
    from intake.mailboxes import Sources
    service = Service(f"sqlite:///{tmp_path}/s.db", sources=Sources())
    try:
        assert "webhooks" in {job.id for job in build_scheduler(service).get_jobs()}
        assert service.deliver_webhooks() == 0                        # no target configured: nothing to do
        with service.store.session(read=True) as s:
            assert s.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    finally:
        service.close()
