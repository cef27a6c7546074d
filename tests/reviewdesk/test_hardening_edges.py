"""Issue 7, findings 2, 6 and 7: links and hosts, tokens kept out of logs, Secure cookies, body bounds, headers
on errors, id probing, channel moves, dossiers showing only what the user may see. Plain HTTP through
TestClient against the real app and store; the mail side through the aiosmtpd sink of test_auth."""
from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from outputs.tables import RecordRow
from reviewdesk import edges
from reviewdesk.sampledata import add_message
from reviewdesk.settings import PortalSettings
from tests.reviewdesk.conftest import csrf_of, login, make_user
from tests.reviewdesk.test_auth import smtp_sink  # noqa: F401 - the real SMTP sink fixture


def _portal(database_url, **settings):
    from reviewdesk.app import create_app
    return create_app(database_url, PortalSettings(secret_key="e" * 40, **settings))


def _forgot(client: TestClient, email: str, host: str = "testserver", scheme: str = "http"):
    base = f"{scheme}://{host}"                                  # cookies follow the host, as in a browser
    page = client.get(f"{base}/password/forgot")
    return client.post(f"{base}/password/forgot", data={"email": email, "csrf_token": csrf_of(page.text)})


# --------------------------------------------------------------------------- finding 2: links and hosts


def test_host_header_poisoning_sends_no_link_anywhere(database_url, smtp_sink):  # noqa: F811
    sink, port = smtp_sink
    app = _portal(database_url, smtp_host="127.0.0.1", smtp_port=port, allowed_hosts=["testserver"])
    try:
        account = make_user(app, "rev@intake.test")
        client = TestClient(app, follow_redirects=False)
        page = client.get("/password/forgot")
        poisoned = client.post("/password/forgot", data={"email": account.email, "csrf_token": csrf_of(page.text)},
                               headers={"host": "evil.example"})
        assert poisoned.status_code == 400                          # a host nobody configured is refused
        assert _forgot(client, account.email).status_code == 200    # no public URL: same answer, no mail
        assert sink.messages == []
    finally:
        app.state.store.close()


def test_links_follow_the_public_url_whatever_the_host(database_url, smtp_sink):  # noqa: F811
    sink, port = smtp_sink
    app = _portal(database_url, smtp_host="127.0.0.1", smtp_port=port, public_url="https://revue.example.fr/",
                  allowed_hosts=["testserver", "alias.example.fr"])
    try:
        account = make_user(app, "rev@intake.test")
        client = TestClient(app, follow_redirects=False)
        assert _forgot(client, account.email, host="alias.example.fr", scheme="https").status_code == 200
        assert len(sink.messages) == 1
        body = sink.messages[0].get_content()
        assert re.search(r"https://revue\.example\.fr/password/reset/[\w-]+", body) and "alias" not in body
        assert client.get("/login", headers={"host": "revue.example.fr"}).status_code == 200
    finally:
        app.state.store.close()


def test_admin_without_public_url_is_told_no_link_was_made(app, admin_client):
    page = admin_client.get("/admin/users/new")
    response = admin_client.post("/admin/users/new", data={"email": "n@intake.test", "csrf_token": csrf_of(page.text)},
                                 follow_redirects=True)
    assert "INTAKE_PUBLIC_URL" in response.text


# --------------------------------------------------------------------------- finding 6: no tokens in logs


def test_the_mailer_without_smtp_logs_that_a_mail_was_made_not_its_link(database_url, caplog):
    app = _portal(database_url, public_url="http://127.0.0.1:8000", allowed_hosts=["testserver"])
    try:
        account = make_user(app, "rev@intake.test")
        with caplog.at_level(logging.DEBUG):
            _forgot(TestClient(app, follow_redirects=False), account.email)
        logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
        assert "mail holding a link was made" in logged
        assert "/password/reset/" not in logged
    finally:
        app.state.store.close()


def test_the_access_log_keeps_paths_without_tokens():
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/password/reset/AbC-123_xyz?x=1", "1.1", 200), None)
    edges.RedactTokens().filter(record)
    line = record.getMessage()
    assert "AbC-123_xyz" not in line and "/password/reset/[jeton]?x=1" in line
    assert edges.redact("/activate/tok3n") == "/activate/[jeton]" and edges.redact("/records/12") == "/records/12"


# --------------------------------------------------------------------------- finding 7: the low ones


def test_secure_cookie_flag_follows_an_https_public_url(database_url):
    app = _portal(database_url, public_url="https://revue.example.fr", allowed_hosts=["testserver"])
    try:
        assert "secure" in TestClient(app).get("/login").headers["set-cookie"].lower()
    finally:
        app.state.store.close()
    app = _portal(database_url, public_url="http://127.0.0.1:8000", allowed_hosts=["testserver"])
    try:
        assert "secure" not in TestClient(app).get("/login").headers["set-cookie"].lower()
    finally:
        app.state.store.close()


def test_a_big_body_is_refused_before_it_is_read(app, client):
    page = client.get("/login")
    big = b"email=a&csrf_token=" + csrf_of(page.text).encode() + b"&password=" + b"x" * 3_000_000
    response = client.post("/login", content=big, headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413 and response.headers["x-frame-options"] == "DENY"

    def chunks():                                                # no Content-Length: counted as it streams
        for _ in range(40):
            yield b"y" * 100_000
    streamed = client.post("/login", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert streamed.status_code == 413


def test_a_500_carries_the_security_headers(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")
    app.middleware_stack = None                                    # rebuilt with the new route
    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.fixture
def two_channels(app, store):
    mine = add_message(store, subject="ODM agence", body="Sinistre B1111111", channel="allianz_agence",
                       claim="B1111111", last_name="MARTIN")
    hidden = add_message(store, subject="Objet confidentiel CS2I", body="Sinistre B1111111", channel="allianz_cs2i",
                         claim="B1111111", last_name="MARTIN")
    dossier_id = store.open_dossier(mine, "chef@intake.test")
    store.attach(hidden, dossier_id, "chef@intake.test")
    other = add_message(store, subject="Autre", body="Sinistre C2222222", channel="allianz_cs2i", claim="C2222222")
    account = make_user(app, "agence@intake.test", channels=["allianz_agence"])
    return {"mine": mine, "hidden": hidden, "other": other, "dossier": dossier_id,
            "client": login(TestClient(app, follow_redirects=False), account)}


def test_ids_reveal_nothing_and_odd_ids_are_404(two_channels):
    client = two_channels["client"]
    with_rights_elsewhere = client.get(f"/records/{two_channels['other']}")
    missing = client.get("/records/987654")
    assert with_rights_elsewhere.status_code == missing.status_code == 404
    for path in ("/records/99999999999999999999", "/records/-1", "/records/abc",
                 f"/records/{two_channels['mine']}/documents/99999999999999999999/pages/1.png"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["x-frame-options"] == "DENY"


def test_odd_user_ids_are_404_for_an_admin(admin_client):
    for path in ("/admin/users/99999999999999999999", "/admin/users/0", "/admin/users/x"):
        assert admin_client.get(path).status_code == 404, path


def test_a_reviewer_cannot_move_a_record_into_a_channel_they_do_not_hold(two_channels, store):
    client, record_id = two_channels["client"], two_channels["mine"]
    page = client.get(f"/records/{record_id}")
    moved = client.post(f"/records/{record_id}/fields", data={"channel": "allianz_cs2i",
                                                              "csrf_token": csrf_of(page.text)})
    assert moved.status_code == 422 and "pas de droit sur ce canal" in moved.text
    assert store.get_record(record_id)["channel"] == "allianz_agence"


def test_a_dossier_lists_only_the_messages_the_user_may_see(two_channels, admin_client):
    page = two_channels["client"].get(f"/dossiers/{two_channels['dossier']}")
    assert page.status_code == 200 and "ODM agence" in page.text
    assert "Objet confidentiel" not in page.text
    assert "Objet confidentiel" in admin_client.get(f"/dossiers/{two_channels['dossier']}").text
    with admin_client.app.state.store.session() as session:
        assert session.get(RecordRow, two_channels["hidden"]).dossier_id == two_channels["dossier"]


def test_attaching_to_a_dossier_one_may_not_see_is_a_404(app, store, two_channels):
    hidden_dossier = store.open_dossier(two_channels["other"], "chef@intake.test")
    fresh = add_message(store, subject="Nouveau", body="x", channel="allianz_agence", claim="B3333333")
    client = two_channels["client"]
    page = client.get(f"/records/{fresh}")
    response = client.post(f"/records/{fresh}/attach", data={"dossier_id": hidden_dossier,
                                                            "csrf_token": csrf_of(page.text)})
    assert response.status_code == 404
    assert client.get(f"/dossiers/{hidden_dossier}").status_code == client.get("/dossiers/NOPE").status_code == 404
    with app.state.store.session() as session:
        assert session.scalar(select(RecordRow.review_status).where(RecordRow.id == fresh)) == "pending"
