"""Portal fixtures: a fresh SQLite store, the app on it, users made directly, a logged-in TestClient."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import pyotp
import pytest
from fastapi.testclient import TestClient

from reviewdesk import security
from reviewdesk.settings import PortalSettings

PASSWORD = "correct horse battery"


@dataclass
class Account:
    id: int
    email: str
    password: str
    secret: str


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/portal.db"


@pytest.fixture
def settings() -> PortalSettings:
    return PortalSettings(secret_key="test-secret-key", smtp_host=None, allowed_hosts=["testserver"])


@pytest.fixture
def app(database_url, settings):
    from reviewdesk.app import create_app
    application = create_app(database_url, settings)
    yield application
    application.state.store.close()


@pytest.fixture
def store(app):
    return app.state.store


def make_user(app, email: str, channels: Iterable[str] = (), is_admin: bool = False, team_id=None,
              active: bool = True) -> Account:
    from reviewdesk import users
    secret = security.new_totp_secret()
    with app.state.store.session() as session:
        user = users.create_user(session, email, email.split("@")[0], channels, is_admin, team_id)
        if active:
            user.password_hash = security.hash_password(PASSWORD)
            user.totp_secret = secret
            user.active = True
        session.flush()
        return Account(user.id, user.email, PASSWORD, secret)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: TestClient, account: Account, code: str | None = None) -> TestClient:
    page = client.get("/login")
    response = client.post("/login", data={"email": account.email, "password": account.password,
                                           "csrf_token": csrf_of(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/login/totp", response.text[:500]
    page = client.get("/login/totp")
    response = client.post("/login/totp", data={"code": code or pyotp.TOTP(account.secret).now(),
                                                "csrf_token": csrf_of(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/queue", response.text[:500]
    return client


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def admin(app) -> Account:
    return make_user(app, "admin@intake.test", is_admin=True)


@pytest.fixture
def admin_client(app, admin) -> TestClient:
    return login(TestClient(app, follow_redirects=False), admin)
