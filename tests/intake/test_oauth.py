"""OAuth2 for mailboxes against a local HTTPS token endpoint speaking Microsoft's and Google's shapes:
client credentials and refresh tokens, refreshed before expiry, stored encrypted, revoked consent reported."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from foundation.errors import ConfigError
from intake.oauth import ConsentRevoked, OAuthConfig, TokenManager
from outputs.integration_tables import OAuthToken
from tests.intake.token_server import CLIENT_ID, CLIENT_SECRET, TENANT, TokenServer

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def server():
    s = TokenServer()
    yield s
    s.stop()


@pytest.fixture
def oauth_env(monkeypatch):
    from cryptography.fernet import Fernet
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("INTAKE_OAUTH_KEY", key)
    monkeypatch.setenv("ODM_OAUTH_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("ODM_REFRESH_TOKEN", "first-refresh-token")
    return key


def _microsoft(server, flow="client_credentials", **extra) -> OAuthConfig:
    return OAuthConfig(provider="microsoft", flow=flow, client_id=CLIENT_ID, client_secret_env="ODM_OAUTH_SECRET",
                       tenant=TENANT, authority_host=server.base, ca_file=server.ca_file,
                       refresh_token_env="ODM_REFRESH_TOKEN" if flow == "refresh_token" else None, **extra)


def _token_posts(server) -> list[dict]:
    return [r for r in server.requests if r["path"].endswith("token")]


def test_client_credentials_are_refreshed_before_expiry_and_cached_meanwhile(server, oauth_env, store):
    manager = TokenManager(store, "odm@contoso:993", _microsoft(server))
    assert manager.access_token(NOW) == "access-1"
    post, = _token_posts(server)
    assert post["grant_type"] == "client_credentials" and post["scope"] == "https://outlook.office365.com/.default"
    assert manager.access_token(NOW + timedelta(minutes=30)) == "access-1"        # still valid: no request
    assert len(_token_posts(server)) == 1
    assert manager.access_token(NOW + timedelta(seconds=3599 - 299)) == "access-2"  # 5 min before expiry
    assert len(_token_posts(server)) == 2


def test_tokens_are_stored_encrypted(server, oauth_env, store):
    from cryptography.fernet import Fernet
    TokenManager(store, "odm@contoso:993", _microsoft(server, "refresh_token")).access_token(NOW)
    with store.session(read=True) as s:
        row = s.get(OAuthToken, "odm@contoso:993")
    assert "access-1" not in row.access_token and "rotated-refresh-1" not in row.refresh_token
    assert Fernet(oauth_env.encode()).decrypt(row.refresh_token.encode()) == b"rotated-refresh-1"


def test_a_rotated_refresh_token_is_the_one_used_next(server, oauth_env, store):
    manager = TokenManager(store, "odm@contoso:993", _microsoft(server, "refresh_token"))
    manager.access_token(NOW)
    manager.access_token(NOW + timedelta(hours=2))
    first, second = _token_posts(server)
    assert first["grant_type"] == "refresh_token" and first["refresh_token"] == "first-refresh-token"
    assert second["refresh_token"] == "rotated-refresh-1"


def test_gmail_refresh_token_and_revoked_consent(server, oauth_env, store, caplog):
    config = OAuthConfig(provider="google", client_id=CLIENT_ID, client_secret_env="ODM_OAUTH_SECRET",
                         refresh_token_env="ODM_REFRESH_TOKEN", token_uri=f"{server.base}/token",
                         ca_file=server.ca_file)
    manager = TokenManager(store, "odm@gmail:993", config)
    now = datetime.now(timezone.utc)                 # google-auth dates the expiry by the real clock
    assert manager.access_token(now) == "access-1"
    assert manager.access_token(now + timedelta(minutes=10)) == "access-1"
    post, = _token_posts(server)
    assert post["path"] == "/token" and post["refresh_token"] == "first-refresh-token"
    server.revoked = True
    with caplog.at_level(logging.ERROR, logger="intake.oauth"), pytest.raises(ConsentRevoked, match="consent revoked"):
        manager.access_token(now + timedelta(hours=2))
    assert "mailbox OAuth consent revoked" in caplog.text
    assert "invalid_grant" in store.oauth_token("odm@gmail:993")["last_error"]


def test_microsoft_revoked_consent_is_told_apart(server, oauth_env, store):
    server.revoked = True
    with pytest.raises(ConsentRevoked, match="AADSTS65001"):
        TokenManager(store, "odm@contoso:993", _microsoft(server, "refresh_token")).access_token(NOW)


def test_no_encryption_key_no_oauth(monkeypatch, store, server):
    monkeypatch.delenv("INTAKE_OAUTH_KEY", raising=False)
    with pytest.raises(ConfigError, match="INTAKE_OAUTH_KEY"):
        TokenManager(store, "k", _microsoft(server))
    with pytest.raises(ValueError):
        OAuthConfig(provider="microsoft", client_id="x", client_secret_env="S")        # no tenant


@pytest.fixture
def oauth_dovecot():
    from tests.dovecot import available
    from tests.intake.dovecot_oauth import Introspection, OAuthDovecot
    if not available():
        pytest.skip("dovecot is not on PATH (the setup script installs dovecot-imapd)")
    introspection = Introspection()
    server = OAuthDovecot(introspection)
    yield server, introspection
    server.stop()
    introspection.stop()


def test_imap_xoauth2_against_dovecot_with_tokens_refreshed_and_consent_revoked(oauth_dovecot, oauth_env, tmp_path):
    import time
    from foundation.errors import MailboxError
    from intake.mailboxes import MailboxConfig
    from intake.sources.imap import poll_mailbox
    from outputs.mailboxes import StateTables
    from outputs.store import Store
    from tests.intake.test_imap import mail
    dovecot, introspection = oauth_dovecot
    tokens = TokenServer(expires_in=302)              # 2 s of life past the 5 min refresh margin
    store = Store(f"sqlite:///{tmp_path}/x.db")
    try:
        introspection.valid.update({"access-1": "alice", "access-2": "alice"})
        settings = dovecot.mailbox_config()
        settings.pop("password")
        box = MailboxConfig(**settings, oauth2=_microsoft(tokens, "refresh_token").model_dump())
        state = StateTables(store.engine)
        dovecot.append([mail(1)])
        assert sum(r.stored for r in poll_mailbox(box, store, state)) == 1
        time.sleep(2.2)
        dovecot.append([mail(2)])
        assert sum(r.stored for r in poll_mailbox(box, store, state)) == 1
        assert introspection.asked == ["access-1", "access-2"]     # the refreshed token logged in
        tokens.revoked = True
        time.sleep(2.2)
        with pytest.raises(MailboxError, match="consent revoked"):
            poll_mailbox(box, store, state)
        assert "consent revoked" in store.mailbox_states()[0]["last_error"]
    finally:
        store.close()
        tokens.stop()
