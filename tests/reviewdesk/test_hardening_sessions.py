"""Issue 7, findings 1, 3, 4, 5, 7 (TOTP at rest) and 8: secrets, server-side sessions, throttling, passwords,
users from the command line. Plain HTTP through TestClient against the real app on a real SQLite store."""
from __future__ import annotations

import base64
import io
import json
import os
import re
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import select

from outputs.portal_tables import PortalSession, User
from outputs.tables import Event
from reviewdesk import installation
from reviewdesk.settings import PortalSettings
from tests.reviewdesk.conftest import PASSWORD, csrf_of, login, make_user

OLD_DEFAULT_KEY = "change-me-in-production"      # what reviewdesk/settings.py shipped before issue 7


def forged_cookie(key: str, payload: dict) -> str:
    """A Starlette session cookie as SessionMiddleware signs it."""
    data = base64.b64encode(json.dumps(payload).encode("utf-8"))
    return TimestampSigner(key).sign(data).decode("utf-8")


def _cookie_of(client: TestClient) -> str:
    return client.cookies.get("intake_session")


def _fresh_client(app, cookie: str) -> TestClient:
    other = TestClient(app, follow_redirects=False)
    other.cookies.set("intake_session", cookie)
    return other


# --------------------------------------------------------------------------- finding 1: the secret


def test_a_cookie_forged_with_the_old_default_key_opens_nothing(database_url):
    from reviewdesk.app import create_app
    app = create_app(database_url, PortalSettings(smtp_host=None, allowed_hosts=["testserver"]))  # no secret set
    try:
        admin = make_user(app, "admin@intake.test", is_admin=True)
        for payload in ({"uid": admin.id}, {"uid": admin.id, "sid": "guess"}):
            client = _fresh_client(app, forged_cookie(OLD_DEFAULT_KEY, payload))
            response = client.get("/admin/users")
            assert response.status_code == 303 and response.headers["location"] == "/login"
    finally:
        app.state.store.close()


def test_the_generated_secret_is_random_kept_beside_the_database_and_stable(tmp_path):
    from reviewdesk.app import create_app
    url = f"sqlite:///{tmp_path}/a.db"
    settings = PortalSettings(smtp_host=None)
    first = create_app(url, settings)
    first.state.store.close()
    path = tmp_path / "a.db.secret"
    secret = path.read_text().strip()
    assert len(secret) >= 48 and oct(os.stat(path).st_mode & 0o777) == "0o600"
    again = installation.resolve_secret(settings, url, first.state.sessionmaker)
    assert again.value == secret and not again.weak
    other = installation.resolve_secret(settings, f"sqlite:///{tmp_path}/b.db", first.state.sessionmaker)
    assert other.value != secret


def test_the_shipped_default_is_refused_and_a_weak_secret_only_serves_loopback(database_url):
    from reviewdesk.app import create_app
    with pytest.raises(installation.InstallationError):
        create_app(database_url, PortalSettings(secret_key=OLD_DEFAULT_KEY))
    with pytest.raises(installation.InstallationError, match="0.0.0.0"):
        create_app(database_url, PortalSettings(secret_key="short"), bind_host="0.0.0.0")
    create_app(database_url, PortalSettings(secret_key="short"), bind_host="127.0.0.1").state.store.close()
    create_app(database_url, PortalSettings(secret_key="x" * 40), bind_host="0.0.0.0").state.store.close()
    create_app(database_url, PortalSettings(), bind_host="0.0.0.0").state.store.close()   # generated: fine


def test_cli_serve_refuses_a_weak_secret_on_all_interfaces(tmp_path, monkeypatch, capsys):
    from intake.cli import main
    monkeypatch.setenv("INTAKE_SECRET_KEY", OLD_DEFAULT_KEY)
    assert main(["serve", "--database", f"sqlite:///{tmp_path}/x.db", "--host", "0.0.0.0"]) == 4
    assert "INTAKE_SECRET_KEY" in capsys.readouterr().err


# --------------------------------------------------------------------------- finding 3: sessions


def test_a_copied_cookie_dies_at_logout(app):
    account = make_user(app, "rev@intake.test", channels=["allianz_agence"])
    client = login(TestClient(app, follow_redirects=False), account)
    copied = _cookie_of(client)
    assert _fresh_client(app, copied).get("/queue").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/queue").text)})
    assert _fresh_client(app, copied).get("/queue").headers["location"] == "/login"
    with app.state.store.session() as session:
        assert session.scalars(select(PortalSession.revoked_why)).all() == ["logout"]


def test_the_session_id_changes_at_login(app, client):
    account = make_user(app, "rev@intake.test")
    before = _cookie_of(client) if client.get("/login") else None
    login(client, account)
    assert _cookie_of(client) != before


def test_idle_timeout_and_absolute_lifetime_end_a_session(app):
    account = make_user(app, "rev@intake.test")
    idle = login(TestClient(app, follow_redirects=False), account)
    with app.state.store.session() as session:
        row = session.scalars(select(PortalSession)).one()
        row.last_seen_at = row.last_seen_at - timedelta(seconds=app.state.settings.session_idle_s + 5)
    assert idle.get("/queue").headers["location"] == "/login"
    with app.state.store.session() as session:
        session.get(User, account.id).totp_last_counter = None
    busy = login(TestClient(app, follow_redirects=False), account)
    with app.state.store.session() as session:
        row = session.scalars(select(PortalSession).where(PortalSession.revoked_at.is_(None))).one()
        row.created_at = row.created_at - timedelta(seconds=app.state.settings.session_max_age_s + 5)
    assert busy.get("/queue").headers["location"] == "/login"     # recent use does not extend the total
    with app.state.store.session() as session:
        assert sorted(session.scalars(select(PortalSession.revoked_why))) == ["expired", "idle"]


def test_admin_ends_sessions_and_deactivates_and_both_are_in_the_audit_log(app, admin_client):
    account = make_user(app, "rev@intake.test", channels=["allianz_agence"])
    victim = login(TestClient(app, follow_redirects=False), account)
    page = admin_client.get("/admin/users")
    assert f'id="end-sessions-{account.id}"' in page.text
    assert admin_client.post(f"/admin/users/{account.id}/sessions/end",
                             data={"csrf_token": csrf_of(page.text)}).status_code == 303
    assert victim.get("/queue").headers["location"] == "/login"
    with app.state.store.session() as session:
        session.get(User, account.id).totp_last_counter = None
    victim = login(TestClient(app, follow_redirects=False), account)
    assert admin_client.post(f"/admin/users/{account.id}/deactivate",
                             data={"csrf_token": csrf_of(page.text)}).status_code == 303
    assert victim.get("/queue").headers["location"] == "/login"
    fresh = TestClient(app, follow_redirects=False)
    form = fresh.get("/login")
    refused = fresh.post("/login", data={"email": account.email, "password": PASSWORD, "csrf_token": csrf_of(form.text)})
    assert refused.status_code == 401
    audit = admin_client.get("/admin/audit")
    assert audit.status_code == 200 and "sessions_ended" in audit.text and "deactivated" in audit.text
    with app.state.store.session() as session:
        actions = [e.detail["action"] for e in session.scalars(select(Event).where(Event.kind == "admin"))]
    assert actions == ["sessions_ended", "deactivated"]


def test_changing_ones_password_needs_password_and_code_and_ends_other_sessions(app):
    account = make_user(app, "rev@intake.test", channels=["allianz_agence"])
    other = login(TestClient(app, follow_redirects=False), account)
    with app.state.store.session() as session:
        session.get(User, account.id).totp_last_counter = None
    client = login(TestClient(app, follow_redirects=False), account)
    page = client.get("/account")
    new = "plume ardoise cerisier 1987"
    totp = pyotp.TOTP(account.secret)
    wrong = client.post("/account/password", data={"current": "nope", "code": totp.now(), "password": new,
                                                   "confirm": new, "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 400
    weak = client.post("/account/password", data={"current": PASSWORD, "code": totp.now(), "password": "aaaaaaaaaaaa",
                                                  "confirm": "aaaaaaaaaaaa", "csrf_token": csrf_of(page.text)})
    assert weak.status_code == 400 and "facile à deviner" in weak.text
    with app.state.store.session() as session:
        session.get(User, account.id).totp_last_counter = None     # login used this step's code
    done = client.post("/account/password", data={"current": PASSWORD, "code": totp.now(), "password": new,
                                                  "confirm": new, "csrf_token": csrf_of(page.text)})
    assert done.status_code == 303
    assert client.get("/queue").status_code == 200                 # this session stays
    assert other.get("/queue").headers["location"] == "/login"     # the other one ended


# --------------------------------------------------------------------------- finding 4: throttling, enumeration


def _try(client: TestClient, email: str, password: str):
    page = client.get("/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)})


def _message(response) -> str:
    return re.search(r'id="login-error">([^<]*)<', response.text).group(1)


def test_a_stranger_cannot_lock_the_owner_out_and_known_and_unknown_read_alike(app):
    account = make_user(app, "rev@intake.test")
    stranger = TestClient(app, follow_redirects=False, client=("203.0.113.9", 4000))
    for _ in range(8):
        known = _try(stranger, account.email, "guess")
        unknown = _try(stranger, "nobody@intake.test", "guess")
    assert known.status_code == unknown.status_code == 401
    assert _message(known) == _message(unknown) and "Trop de tentatives" in _message(known)
    owner = TestClient(app, follow_redirects=False, client=("198.51.100.7", 5000))
    login(owner, account)                                          # from the owner's own address: not locked


def test_cli_unblock_clears_the_throttle(app, database_url, capsys):
    from intake.cli import main
    account = make_user(app, "rev@intake.test")
    client = TestClient(app, follow_redirects=False)
    for _ in range(6):
        _try(client, account.email, "guess")
    assert "Trop de tentatives" in _message(_try(client, account.email, PASSWORD))
    assert main(["users", "--database", database_url, "unblock", "REV@intake.test"]) == 0
    login(client, account)


# --------------------------------------------------------------------------- finding 5: password strength


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "azertyuiop12", "motdepasse123", "password1234", "rev@intake.test1"])
def test_weak_passwords_are_refused(password):
    from reviewdesk.security import password_problem
    assert password_problem(password, password, ["rev@intake.test", "Revue"]) is not None


def test_a_passphrase_is_accepted_and_short_ones_are_not():
    from reviewdesk.security import password_problem
    assert password_problem("plume ardoise cerisier 1987", "plume ardoise cerisier 1987") is None
    assert "12" in password_problem("Xk7#pq2!", "Xk7#pq2!")


# --------------------------------------------------------------------------- finding 7: TOTP secrets at rest


def test_totp_secrets_are_sealed_at_rest_and_survive_a_key_rotation(database_url):
    from reviewdesk.app import create_app
    old_key, new_key = "o" * 40, "n" * 40
    app = create_app(database_url, PortalSettings(secret_key=old_key, allowed_hosts=["testserver"]))
    account = make_user(app, "rev@intake.test")                   # written in clear, as before issue 7
    app.state.store.close()
    app = create_app(database_url, PortalSettings(secret_key=old_key, allowed_hosts=["testserver"]))
    with app.state.store.session() as session:
        stored = session.get(User, account.id).totp_secret
    assert stored.startswith("f1:") and account.secret not in stored
    app.state.store.close()
    rotated = PortalSettings(secret_key=new_key, previous_secret_keys=[old_key], allowed_hosts=["testserver"])
    app = create_app(database_url, rotated)
    try:
        with app.state.store.session() as session:
            assert session.get(User, account.id).totp_secret != stored    # sealed again under the new key
        login(TestClient(app, follow_redirects=False), account)
    finally:
        app.state.store.close()


# --------------------------------------------------------------------------- finding 8: the first user


def test_cli_makes_the_first_admin_who_activates_and_logs_in(app, database_url, capsys, monkeypatch):
    from intake.cli import main
    monkeypatch.setenv("INTAKE_PUBLIC_URL", "https://revue.example.fr")
    assert main(["users", "--database", database_url, "add", "Chef@Intake.test", "--admin"]) == 0
    link = re.search(r"https://revue\.example\.fr(/activate/[\w-]+)", capsys.readouterr().out).group(1)
    assert main(["users", "--database", database_url, "add", "chef@intake.test"]) == 2
    client = TestClient(app, follow_redirects=False)
    page = client.get(link)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    strong = "plume ardoise cerisier 1987"
    done = client.post(link, data={"password": strong, "confirm": strong, "code": pyotp.TOTP(secret).now(),
                                   "csrf_token": csrf_of(page.text)})
    assert done.headers["location"] == "/login"
    assert main(["users", "--database", database_url, "list"]) == 0
    assert "chef@intake.test\tadmin\tactive" in capsys.readouterr().out
    assert main(["users", "--database", database_url, "deactivate", "chef@intake.test"]) == 0
    assert main(["users", "--database", database_url, "reset", "ghost@intake.test"]) == 2
    with app.state.store.session() as session:
        actions = [e.actor + ":" + e.detail["action"] for e in session.scalars(select(Event).where(Event.kind == "admin"))]
    assert actions == ["cli:user_created", "cli:deactivated"]


def test_sessions_older_than_a_month_are_dropped_at_the_next_login(app):
    from reviewdesk import sessions
    account = make_user(app, "rev@intake.test")
    with app.state.store.session() as session:
        token = sessions.start(session, session.get(User, account.id), "old")
        row = sessions.find(session, token)
        row.created_at = row.created_at - sessions.KEEP_ENDED - timedelta(hours=1)
    login(TestClient(app, follow_redirects=False), account)
    with app.state.store.session() as session:
        assert session.scalars(select(PortalSession.client)).all() == ["testclient"]
