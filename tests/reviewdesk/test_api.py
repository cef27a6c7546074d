"""The JSON API (/api/v1) with per-client tokens, and the operations endpoints (/healthz, /metrics)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from outputs.tables import MailboxState
from tests.outputs.factories import eml, processed, src


def _ingest(store, claim: str, channel: str = "allianz_agence", **kwargs) -> int:
    raw = eml(claim, "Fri, 01 Mar 2024 08:00:00 +0100", body=channel)
    raw_id, _ = store.add_raw(raw, src(f"/in/{claim}.eml"), "file")
    return store.save_processed(raw_id, processed(raw, src(f"/in/{claim}.eml"), claim=claim, channel=channel,
                                                  **kwargs)).record_id


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_openapi_is_published_under_api_v1(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/records", "/records/{record_id}", "/dossiers", "/dossiers/{dossier_id}"} <= set(spec["paths"])
    assert not any(path.startswith("/queue") for path in spec["paths"])      # the portal's HTML stays out


def test_no_token_a_wrong_one_or_a_revoked_one_is_refused(client, store):
    assert client.get("/api/v1/records").status_code == 401
    assert client.get("/api/v1/records", headers=_auth("itk_not-a-token")).status_code == 401
    token = store.create_api_token("crm")
    assert client.get("/api/v1/records", headers=_auth(token)).status_code == 200
    store.revoke_api_token("crm")
    response = client.get("/api/v1/records", headers=_auth(token))
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"].startswith("a valid API token")             # JSON, not the portal's page


def test_tokens_are_stored_hashed(store):
    from sqlalchemy import select
    from outputs.integration_tables import ApiToken
    token = store.create_api_token("crm")
    with store.session(read=True) as s:
        row = s.scalar(select(ApiToken))
    assert token not in (row.token_hash, row.prefix) and len(row.token_hash) == 64


def test_records_list_filters_and_one_record_with_fields_and_evidence(client, store):
    first = _ingest(store, "B6000001")
    pending = _ingest(store, "B6000002", decision="manual_review", reasons=["missing_claim_number"])
    token = store.create_api_token("crm")
    page = client.get("/api/v1/records", headers=_auth(token)).json()
    assert page["total"] == 2 and [r["id"] for r in page["items"]] == [first, pending]
    queue = client.get("/api/v1/records", params={"review_status": "pending"}, headers=_auth(token)).json()
    assert [r["id"] for r in queue["items"]] == [pending]
    by_reason = client.get("/api/v1/records", params={"reason": "missing_claim_number"}, headers=_auth(token)).json()
    assert [r["id"] for r in by_reason["items"]] == [pending]
    assert client.get("/api/v1/records", params={"review_status": "nope"}, headers=_auth(token)).status_code == 422
    detail = client.get(f"/api/v1/records/{first}", headers=_auth(token)).json()
    assert detail["record"]["claim_number"] == "B6000001"
    assert detail["record"]["fields"]["claim_number"]["evidence"] == "Sinistre: B6000001"
    assert detail["record"]["fields"]["claim_number"]["confidence"] == 0.9
    assert detail["dossier_id"] and detail["review_status"] == "none"


def test_a_token_scoped_to_a_channel_sees_only_that_channel(client, store):
    agence = _ingest(store, "B7000001", channel="allianz_agence")
    courtage = _ingest(store, "B7000002", channel="allianz_courtage")
    token = store.create_api_token("agency-crm", ["allianz_agence"])
    items = client.get("/api/v1/records", headers=_auth(token)).json()["items"]
    assert [r["id"] for r in items] == [agence]
    assert client.get(f"/api/v1/records/{courtage}", headers=_auth(token)).status_code == 404
    other = store.get_record(courtage)["dossier_id"]
    assert client.get(f"/api/v1/dossiers/{other}", headers=_auth(token)).status_code == 404
    dossiers = client.get("/api/v1/dossiers", headers=_auth(token)).json()["items"]
    assert [d["claim_number"] for d in dossiers] == ["B7000001"]


def test_a_dossier_with_its_records_and_timeline(client, store):
    record = _ingest(store, "B8000001", decision="manual_review")
    dossier = store.open_dossier(record, "anne@example.org")
    token = store.create_api_token("crm")
    body = client.get(f"/api/v1/dossiers/{dossier}", headers=_auth(token)).json()
    assert body["status"] == "open" and [r["id"] for r in body["records"]] == [record]
    assert "opened" in [e["kind"] for e in body["timeline"]]
    assert client.get("/api/v1/dossiers", params={"status": "open"}, headers=_auth(token)).json()["total"] == 1
    assert client.get("/api/v1/dossiers", params={"status": "refused"}, headers=_auth(token)).json()["total"] == 0


def test_each_token_is_rate_limited(client, store, app):
    token = store.create_api_token("crm")
    app.state.api.state.limiter.per_minute = 3
    answers = [client.get("/api/v1/records", headers=_auth(token)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    other = store.create_api_token("other")
    assert client.get("/api/v1/records", headers=_auth(other)).status_code == 200


# ------------------------------------------------------------------ operations

def test_healthz_checks_the_database_and_the_age_of_each_source(client, store):
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "database": "ok", "sources": []}
    state = store.mailbox_log
    state.polled("imap://odm@127.0.0.1/INBOX")
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["sources"][0]["source"] == "imap://odm@127.0.0.1/INBOX"
    state.polled("imap://odm@127.0.0.1/INBOX", "ConnectionRefusedError")   # failing, not stale yet
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["sources"][0]["last_error"] == "ConnectionRefusedError"
    old = datetime.now(timezone.utc) - timedelta(hours=1)
    with store.session() as s:
        s.execute(update(MailboxState).values(last_success_at=old))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["sources"][0]["stale"] is True


@pytest.mark.postgres
def test_healthz_answers_503_when_the_database_fails(postgres_url, settings):
    from reviewdesk.app import create_app
    import psycopg
    app = create_app(postgres_url, settings)
    try:
        with TestClient(app) as c:
            assert c.get("/healthz").status_code == 200
            schema = postgres_url.rsplit("%3D", 1)[1]
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
                conn.execute(f"CREATE SCHEMA {schema}")           # the fixture drops it again
            response = c.get("/healthz")
            assert response.status_code == 503 and response.json()["database"] != "ok"
    finally:
        app.state.store.close()


def test_metrics_in_prometheus_text_format(client, store):
    from prometheus_client.parser import text_string_to_metric_families
    _ingest(store, "B9000001")
    _ingest(store, "B9000002", decision="manual_review")
    _ingest(store, "B9000003", channel="allianz_courtage", decision="manual_review")
    store.mailbox_log.polled("imap://odm@127.0.0.1/INBOX", "timeout")
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(response.text) for s in family.samples}
    assert samples[("intake_records_total", (("channel", "allianz_agence"), ("decision", "auto_open")))] == 1
    assert samples[("intake_records_total", (("channel", "allianz_courtage"), ("decision", "manual_review")))] == 1
    assert samples[("intake_review_queue_size", (("channel", "allianz_agence"),))] == 1
    assert samples[("intake_source_failing", (("source", "imap://odm@127.0.0.1/INBOX"),))] == 1
    assert ("intake_webhook_oldest_pending_seconds", ()) in samples


def test_the_admin_cli_adds_lists_and_revokes_tokens(tmp_path, capsys):
    from intake.cli import main
    from outputs.store import Store
    url = f"sqlite:///{tmp_path}/cli.db"
    assert main(["api-token", "add", "crm", "--channel", "allianz_agence", "--database", url]) == 0
    token = capsys.readouterr().out.strip()
    assert main(["api-token", "add", "crm", "--database", url]) == 2                 # name taken
    assert main(["api-token", "add", "x", "--channel", "nowhere", "--database", url]) == 2
    capsys.readouterr()
    assert main(["api-token", "list", "--database", url]) == 0
    listed = capsys.readouterr().out
    assert '"crm"' in listed and token not in listed
    with Store(url) as store:
        client = store.check_api_token(token)
        assert client is not None and client.channels == {"allianz_agence"}
    assert main(["api-token", "revoke", "crm", "--database", url]) == 0
    with Store(url) as store:
        assert store.check_api_token(token) is None


def test_the_dossier_view_and_the_api_show_the_insureds_follow_up(app, client, store):
    from foundation.config import load_config
    from intake.followup import FollowupEngine, followup_settings
    from tests.reviewdesk.conftest import login, make_user
    record = _ingest(store, "B8100001", channel="allianz_c2s")
    store.correct_field(record, "insured.phone", "06 12 34 56 78", "cc@example.org")
    dossier = store.get_record(record)["dossier_id"]
    engine = FollowupEngine(store, followup_settings(load_config()), None)   # no SMS gateway configured here
    now = datetime.now(timezone.utc)
    for day in range(5):
        engine.run(now + timedelta(days=day, minutes=1))
    token = store.create_api_token("crm")
    body = client.get(f"/api/v1/dossiers/{dossier}", headers=_auth(token)).json()
    assert body["status"] == "waiting_for_client"
    assert body["followup"]["state"] == "waiting_for_client"
    message, = body["followup"]["messages"]
    assert message["recipient"] == "+33612345678" and message["status"] == "failed"
    portal = login(TestClient(app, follow_redirects=False), make_user(app, "admin@example.org", is_admin=True))
    page = portal.get(f"/dossiers/{dossier}").text
    assert "Suivi de l'assuré" in page and "En attente du client" in page
    assert "+33612345678" in page and "Non envoyé" in page and "B8100001" in page
