"""Login with TOTP, CSRF, the block after five failures, activation by mail, password reset links."""
from __future__ import annotations

import email
import email.policy
import re
import socket
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from outputs.portal_tables import LoginAttempt, OneTimeToken, User
from reviewdesk.settings import PortalSettings
from tests.reviewdesk.conftest import PASSWORD, csrf_of, login, make_user


def test_login_needs_password_then_totp(app, client):
    account = make_user(app, "rev@intake.test", channels=["allianz_agence"])
    assert client.get("/queue").headers["location"] == "/login"
    page = client.get("/login")
    response = client.post("/login", data={"email": account.email, "password": PASSWORD, "csrf_token": csrf_of(page.text)})
    assert response.headers["location"] == "/login/totp"
    assert client.get("/queue").status_code == 303                  # the password alone does not log in
    page = client.get("/login/totp")
    bad = client.post("/login/totp", data={"code": "000000", "csrf_token": csrf_of(page.text)})
    assert bad.status_code == 401 and "incorrect" in bad.text
    good = client.post("/login/totp", data={"code": pyotp.TOTP(account.secret).now(), "csrf_token": csrf_of(bad.text)})
    assert good.headers["location"] == "/queue"
    assert client.get("/queue").status_code == 200


def test_a_totp_code_cannot_be_replayed(app):
    account = make_user(app, "rev@intake.test", channels=["allianz_agence"])
    code = pyotp.TOTP(account.secret).now()
    login(TestClient(app, follow_redirects=False), account, code)
    with pytest.raises(AssertionError):
        login(TestClient(app, follow_redirects=False), account, code)


def test_session_cookie_is_signed_httponly_samesite(app, client):
    header = client.get("/login").headers["set-cookie"]
    assert "httponly" in header.lower() and "samesite=strict" in header.lower()
    value = re.search(r"intake_session=([^;]+)", header).group(1)
    client.cookies.set("intake_session", value[:-4] + "AAAA")        # a tampered cookie is ignored
    assert client.get("/queue").headers["location"] == "/login"


def test_post_without_or_with_a_wrong_csrf_token_is_refused(app, admin_client, store):
    from reviewdesk.sampledata import add_message
    record_id = add_message(store, subject="ODM", body="Sinistre B1234567", claim="B1234567")
    assert admin_client.post(f"/records/{record_id}/open", data={}).status_code == 403
    assert admin_client.post(f"/records/{record_id}/open", data={"csrf_token": "forged"}).status_code == 403
    assert store.get_record(record_id)["dossier_id"] != "opened"
    with store.session() as session:
        from outputs.tables import RecordRow
        assert session.get(RecordRow, record_id).review_status == "pending"
    token = csrf_of(admin_client.get(f"/records/{record_id}").text)
    assert admin_client.post(f"/records/{record_id}/open", data={"csrf_token": token}).status_code == 303


def test_login_form_itself_checks_csrf(app, client):
    account = make_user(app, "rev@intake.test")
    response = client.post("/login", data={"email": account.email, "password": PASSWORD})
    assert response.status_code == 403


def _post_login(client, email, password):
    page = client.get("/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)})


def test_failures_throttle_for_a_while_and_an_admin_can_unblock(app, admin_client):
    """Issue 7 finding 4: no permanent lock any more; the right password waits out the delay, or an admin unblocks."""
    account = make_user(app, "rev@intake.test", channels=["allianz_agence"])
    client = TestClient(app, follow_redirects=False)
    for attempt in range(5):
        response = _post_login(client, account.email, "not the password")
        assert response.status_code == 401 and "incorrect" in response.text
    response = _post_login(client, account.email, PASSWORD)          # the right password: still made to wait
    assert response.status_code == 401 and "Trop de tentatives" in response.text
    with app.state.store.session() as session:
        assert not session.get(User, account.id).blocked             # nothing permanent is set
        assert session.scalar(select(LoginAttempt).where(LoginAttempt.email == account.email,
                                                         LoginAttempt.success.is_(True))) is None
        for attempt in session.scalars(select(LoginAttempt).where(LoginAttempt.email == account.email)):
            attempt.at = attempt.at - timedelta(minutes=2)           # the 30 s delay has passed
    login(client, account)
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/queue").text)})
    _forget_totp_counter(app, account)
    for attempt in range(6):
        _post_login(client, account.email, "not the password")
    assert "Trop de tentatives" in _post_login(client, account.email, PASSWORD).text
    users_page = admin_client.get("/admin/users")
    assert admin_client.post(f"/admin/users/{account.id}/unblock",
                             data={"csrf_token": csrf_of(users_page.text)}).status_code == 303
    login(client, account)


def _forget_totp_counter(app, account) -> None:
    """Lets a test log the same user in twice within one 30-second step (the replay guard would refuse)."""
    with app.state.store.session() as session:
        session.get(User, account.id).totp_last_counter = None


def test_wrong_totp_codes_count_towards_the_throttle(app):
    account = make_user(app, "rev@intake.test")
    client = TestClient(app, follow_redirects=False)
    _post_login(client, account.email, PASSWORD)
    for _ in range(5):
        page = client.get("/login/totp")
        if "csrf_token" not in page.text or "code" not in page.text:
            break
        response = client.post("/login/totp", data={"code": "123456", "csrf_token": csrf_of(page.text)})
    assert "Trop de tentatives" in response.text
    assert "Trop de tentatives" in _post_login(client, account.email, PASSWORD).text


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(app, client):
    make_user(app, "rev@intake.test")
    unknown = _post_login(client, "nobody@intake.test", "whatever")
    wrong = _post_login(client, "rev@intake.test", "whatever")
    assert unknown.status_code == wrong.status_code == 401
    assert re.search(r'id="login-error">([^<]*)<', unknown.text).group(1) == \
        re.search(r'id="login-error">([^<]*)<', wrong.text).group(1)


# --------------------------------------------------------------------------- mail: activation and reset


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


@pytest.fixture
def mail_app(database_url, smtp_sink):
    from reviewdesk.app import create_app
    _sink, port = smtp_sink
    application = create_app(database_url, PortalSettings(secret_key="k", smtp_host="127.0.0.1", smtp_port=port,
                                                          smtp_from="intake@assistance.example",
                                                          public_url="http://portal.test",
                                                          allowed_hosts=["testserver"]))
    yield application
    application.state.store.close()


def _link(message, path: str) -> str:
    body = message.get_content()
    match = re.search(r"http://portal\.test(/" + path + r"/[A-Za-z0-9_\-]+)", body)
    assert match, body
    return match.group(1)


def test_admin_creates_a_user_who_activates_with_totp(mail_app, smtp_sink):
    sink, _port = smtp_sink
    admin = make_user(mail_app, "admin@intake.test", is_admin=True)
    client = login(TestClient(mail_app, follow_redirects=False), admin)
    form = client.get("/admin/users/new")
    response = client.post("/admin/users/new", data={"email": "New.User@Intake.test", "name": "Nouvelle",
                                                      "channels": ["allianz_agence", "allianz_c2s"],
                                                      "csrf_token": csrf_of(form.text)})
    assert response.status_code == 303
    duplicate = client.post("/admin/users/new", data={"email": "new.user@intake.test", "csrf_token": csrf_of(form.text)})
    assert duplicate.status_code == 400 and "existe déjà" in duplicate.text
    assert len(sink.messages) == 1
    message = sink.messages[0]
    assert message["To"] == "new.user@intake.test" and message["From"] == "intake@assistance.example"
    path = _link(message, "activate")
    with mail_app.state.store.session() as session:   # only the token's hash is stored
        assert path.rsplit("/", 1)[1] not in {t.token_hash for t in session.scalars(select(OneTimeToken))}

    newcomer = TestClient(mail_app, follow_redirects=False)
    page = newcomer.get(path)
    assert page.status_code == 200 and "data:image/svg+xml;base64," in page.text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    bad = newcomer.post(path, data={"password": "long enough pw", "confirm": "long enough pw", "code": "000000",
                                    "csrf_token": csrf_of(page.text)})
    assert bad.status_code == 400
    done = newcomer.post(path, data={"password": "long enough pw", "confirm": "long enough pw",
                                     "code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(bad.text)})
    assert done.headers["location"] == "/login"
    assert newcomer.get(path).status_code == 410                    # a link works once
    with mail_app.state.store.session() as session:
        user = session.scalar(select(User).where(User.email == "new.user@intake.test"))
        assert user.active and user.channels == {"allianz_agence", "allianz_c2s"}
        assert user.password_hash.startswith("$argon2")


def test_reset_link_works_once_and_expires(mail_app, smtp_sink):
    sink, _port = smtp_sink
    account = make_user(mail_app, "rev@intake.test")
    client = TestClient(mail_app, follow_redirects=False)
    page = client.get("/password/forgot")
    client.post("/password/forgot", data={"email": "REV@intake.test", "csrf_token": csrf_of(page.text)})
    client.post("/password/forgot", data={"email": "ghost@intake.test", "csrf_token": csrf_of(page.text)})
    assert len(sink.messages) == 1                                   # nothing sent for an unknown address
    path = _link(sink.messages[0], "password/reset")
    form = client.get(path)
    assert form.status_code == 200
    done = client.post(path, data={"password": "a brand new pw", "confirm": "a brand new pw",
                                   "csrf_token": csrf_of(form.text)})
    assert done.headers["location"] == "/login"
    assert client.get(path).status_code == 410
    account.password = "a brand new pw"
    login(TestClient(mail_app, follow_redirects=False), account)

    # A second link, aged past its lifetime, is refused.
    page = client.get("/password/forgot")
    client.post("/password/forgot", data={"email": account.email, "csrf_token": csrf_of(page.text)})
    path = _link(sink.messages[-1], "password/reset")
    with mail_app.state.store.session() as session:
        token = session.scalars(select(OneTimeToken).where(OneTimeToken.used_at.is_(None))).one()
        token.expires_at = token.created_at - timedelta(seconds=1)
    assert client.get(path).status_code == 410
    expired = client.post(path, data={"password": "another new pw", "confirm": "another new pw",
                                      "csrf_token": csrf_of(page.text)})
    assert expired.status_code == 410
