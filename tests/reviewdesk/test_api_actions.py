"""The JSON API's write actions (corrections, open / attach / refuse, reprocess): the portal's rules, token
scopes and channels, timeline events signed by the token and webhook outbox rows, on a real SQLite store."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from outputs.integration_tables import OutboxEvent
from outputs.tables import Event
from tests.reviewdesk.test_api import _auth, _ingest
from tests.reviewdesk.test_reprocess_portal import loaded  # noqa: F401 - the reprocess fixture
from tests.intake.test_reprocess import REVIEW_A


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture
def writer(store):
    return _auth(store.create_api_token("crm", scopes=["read", "write"]))


def _outbox(store) -> list[tuple[str, int, str]]:
    with store.session(read=True) as s:
        return [(o.kind, o.record_id, o.payload["actor"]) for o in s.scalars(select(OutboxEvent).order_by(OutboxEvent.id))]


def _pending(store, claim: str, channel: str = "allianz_agence") -> int:
    return _ingest(store, claim, channel=channel, decision="manual_review", reasons=["missing_insured_contact"])


def test_corrections_are_validated_normalised_and_published(client, store, writer):
    record = _pending(store, "B6100001")
    response = client.patch(f"/api/v1/records/{record}/fields", headers=writer,
                            json={"fields": {"phone": "06 12 34 56 78", "last_name": "durand", "postcode": "33000"}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert sorted(body["corrected"]) == ["last_name", "phone", "postcode"]
    insured = body["record"]["record"]["insured"]
    assert insured["phone"] == "+33612345678" and insured["last_name"] == "DURAND"
    assert body["record"]["record"]["fields"]["phone"]["corrected_by"] == "api:crm"
    assert sorted(k for k, r, a in _outbox(store) if r == record and a == "api:crm") == ["corrected"] * 3
    same = client.post(f"/api/v1/records/{record}/corrections", headers=writer,
                       json={"field": "phone", "value": "+33 6 12 34 56 78"})
    assert same.status_code == 200 and same.json()["corrected"] == []          # an equal value is no correction


def test_one_invalid_value_and_nothing_is_stored(client, store, writer):
    record = _pending(store, "B6100002")
    before = store.get_record(record)
    response = client.patch(f"/api/v1/records/{record}/fields", headers=writer,
                            json={"fields": {"last_name": "MARTIN", "postcode": "3300", "claim_number": "S1234567"}})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"postcode", "claim_number"} and "B" in errors["claim_number"]   # agency claims start with B
    assert store.get_record(record) == before and _outbox(store) == []
    unknown = client.post(f"/api/v1/records/{record}/corrections", headers=writer, json={"field": "iban", "value": "x"})
    assert unknown.status_code == 422 and "iban" in unknown.json()["errors"]


def test_a_channel_token_cannot_move_a_record_to_another_channel(client, store):
    record = _pending(store, "B6100003")
    token = _auth(store.create_api_token("agency", ["allianz_agence"], scopes=["read", "write"]))
    response = client.post(f"/api/v1/records/{record}/corrections", headers=token,
                           json={"field": "channel", "value": "allianz_courtage"})
    assert response.status_code == 422 and "canal" in response.json()["errors"]["channel"]
    assert store.get_record(record)["channel"] == "allianz_agence"


def test_opening_without_a_required_field_needs_a_reason(client, store, writer):
    record = _pending(store, "B6100004")                     # the factory's insured has no phone
    refused = client.post(f"/api/v1/records/{record}/open", headers=writer, json={})
    assert refused.status_code == 422 and refused.json()["missing"] == ["phone"]
    assert "phone" in refused.json()["detail"]
    assert store.get_record(record)["dossier_id"] is not None and _outbox(store) == []  # still in review
    opened = client.post(f"/api/v1/records/{record}/open", headers=writer,
                         json={"missing_reason": "assuré joint par l'agence"})
    assert opened.status_code == 200, opened.text
    body = opened.json()
    assert body["review_status"] == "accepted" and body["missing"] == ["phone"]
    with store.session(read=True) as s:
        event = s.scalar(select(Event).where(Event.kind == "opened", Event.record_id == record,
                                             Event.actor == "api:crm"))
        published = s.scalar(select(OutboxEvent).where(OutboxEvent.kind == "opened"))
    assert event.detail["status"] == "open" and event.detail["reason"] == "assuré joint par l'agence"
    assert published.dossier_id == body["dossier_id"] and published.payload["detail"]["missing"] == ["phone"]
    again = client.post(f"/api/v1/records/{record}/open", headers=writer, json={"missing_reason": "x"})
    assert again.status_code == 409                                             # already decided


def test_open_with_every_required_field(client, store, writer):
    record = _pending(store, "B6100005")
    client.post(f"/api/v1/records/{record}/corrections", headers=writer, json={"field": "phone", "value": "0612345678"})
    opened = client.post(f"/api/v1/records/{record}/open", headers=writer)      # no body at all
    assert opened.status_code == 200 and opened.json()["missing"] == []
    assert store.get_record(record)["dossier_id"] == opened.json()["dossier_id"]
    assert [k for k, r, _ in _outbox(store) if r == record] == ["corrected", "opened"]


def test_attach_to_an_existing_dossier_and_refuse(client, store, writer):
    opened = _ingest(store, "B6200001")                          # auto-opened: its dossier exists
    dossier = store.get_record(opened)["dossier_id"]
    follow = _pending(store, "B6200002")
    assert client.post(f"/api/v1/records/{follow}/attach", headers=writer,
                       json={"dossier_id": "nowhere"}).status_code == 404
    response = client.post(f"/api/v1/records/{follow}/attach", headers=writer, json={"dossier_id": dossier})
    assert response.status_code == 200 and response.json() == {
        "record_id": follow, "review_status": "attached", "dossier_id": dossier, "missing": []}
    noise = _pending(store, "B6200003")
    bad = client.post(f"/api/v1/records/{noise}/refuse", headers=writer, json={"reason": "parce que"})
    assert bad.status_code == 400 and "motif" in bad.json()["detail"]
    done = client.post(f"/api/v1/records/{noise}/refuse", headers=writer, json={"reason": "Doublon"})
    assert done.status_code == 200 and done.json()["review_status"] == "refused"
    assert store.get_record(noise)["dossier_id"] is None
    kinds = [(k, r) for k, r, a in _outbox(store) if a == "api:crm"]
    assert kinds == [("attached", follow), ("refused", noise)]


def test_scopes_are_enforced(client, store):
    record = _pending(store, "B6300001")
    reader = _auth(store.create_api_token("reader"))                                 # read only (the default)
    blind = _auth(store.create_api_token("blind", scopes=["write"]))
    assert client.get(f"/api/v1/records/{record}", headers=reader).status_code == 200
    for path, body in ((f"/records/{record}/open", {"missing_reason": "x"}), (f"/records/{record}/refuse",
                       {"reason": "Doublon"}), (f"/records/{record}/reprocess", {})):
        response = client.post(f"/api/v1{path}", headers=reader, json=body)
        assert response.status_code == 403 and "scope" in response.json()["detail"]
    assert client.patch(f"/api/v1/records/{record}/fields", headers=reader,
                        json={"fields": {"last_name": "X"}}).status_code == 403
    assert client.get(f"/api/v1/records/{record}", headers=blind).status_code == 403   # write without read
    assert client.post(f"/api/v1/records/{record}/reprocess", headers=blind, json={}).status_code == 403
    assert store.get_record(record)["insured"]["last_name"] == "DUPONT" and _outbox(store) == []


def test_a_channel_token_cannot_touch_another_channels_records(client, store):
    mine = _pending(store, "B6400001", channel="allianz_agence")
    theirs = _pending(store, "B6400002", channel="allianz_courtage")
    their_dossier = store.get_record(_ingest(store, "B6400003", channel="allianz_courtage"))["dossier_id"]
    token = _auth(store.create_api_token("agency", ["allianz_agence"], scopes=["read", "write", "reprocess"]))
    for path, body in ((f"/records/{theirs}/open", {"missing_reason": "x"}), (f"/records/{theirs}/refuse",
                       {"reason": "Doublon"}), (f"/records/{theirs}/attach", {"dossier_id": their_dossier}),
                       (f"/records/{theirs}/corrections", {"field": "last_name", "value": "X"}),
                       (f"/records/{theirs}/reprocess", {"dry_run": True})):
        assert client.post(f"/api/v1{path}", headers=token, json=body).status_code == 404, path
    response = client.post(f"/api/v1/records/{mine}/attach", headers=token, json={"dossier_id": their_dossier})
    assert response.status_code == 404                                  # a dossier it may not see
    assert store.get_record(theirs)["insured"]["last_name"] == "DUPONT"
    assert [a for _, _, a in _outbox(store)] == ["system"]               # only the auto-opening of their dossier


def test_reprocess_one_record_dry_run_then_applied(client, store, loaded):  # noqa: F811
    record = loaded[REVIEW_A]
    token = _auth(store.create_api_token("ops", scopes=["read", "reprocess"]))
    before = store.get_record(record)
    shadow = client.post(f"/api/v1/records/{record}/reprocess", headers=token, json={"dry_run": True})
    assert shadow.status_code == 200, shadow.text
    assert shadow.json()["outcome"] == "changed" and shadow.json()["dry_run"] is True
    assert store.get_record(record) == before
    applied = client.post(f"/api/v1/records/{record}/reprocess", headers=token)
    body = applied.json()
    assert body["outcome"] == "applied" and body["fields"] == shadow.json()["fields"] and body["fields"]
    assert store.get_record(record) != before and store.get_record(record)["decision"] == body["decision_after"]
    with store.session(read=True) as s:
        event = s.scalar(select(Event).where(Event.kind == "reprocessed", Event.record_id == record))
    assert event is not None and event.actor == "api:ops"


def test_reprocess_without_an_engine_is_unavailable(client, store):
    record = _pending(store, "B6500001")
    token = _auth(store.create_api_token("ops", scopes=["read", "reprocess"]))
    from reviewdesk import reprocess_hook
    saved, reprocess_hook._installed = reprocess_hook._installed, None
    try:
        assert client.post(f"/api/v1/records/{record}/reprocess", headers=token).status_code == 503
    finally:
        reprocess_hook._installed = saved


def test_the_write_actions_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert {"/records/{record_id}/fields", "/records/{record_id}/corrections", "/records/{record_id}/open",
            "/records/{record_id}/attach", "/records/{record_id}/refuse", "/records/{record_id}/reprocess"} <= set(paths)
    assert "patch" in paths["/records/{record_id}/fields"]
    schemas = spec["components"]["schemas"]
    assert {"CorrectionsIn", "OpenIn", "AttachIn", "RefuseIn", "VerdictOut", "MissingFields", "ReprocessOut"} <= set(schemas)
    assert "403" in paths["/records/{record_id}/open"]["post"]["responses"]


def test_the_cli_gives_scopes(tmp_path, capsys):
    from intake.cli import main
    from outputs.store import Store
    url = f"sqlite:///{tmp_path}/cli.db"
    assert main(["api-token", "add", "crm", "--scope", "read", "--scope", "write", "--database", url]) == 0
    token = capsys.readouterr().out.strip()
    assert main(["api-token", "add", "old", "--database", url]) == 0
    old = capsys.readouterr().out.strip()
    with Store(url) as store:
        assert store.check_api_token(token).scopes == {"read", "write"}
        assert store.check_api_token(old).scopes == {"read"}
