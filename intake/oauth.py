"""OAuth2 for mailboxes that no longer take passwords (Microsoft 365, Gmail): tokens that keep working.

A mailbox with an `oauth2:` block gets its XOAUTH2 access token from `TokenManager.access_token()`:
- the stored token is used while it has more than `refresh_before_s` (5 min) left; then a new one is asked
  for *before* it expires: Microsoft 365 through msal (client credentials for an app-only mailbox, or a
  refresh token), Gmail through google-auth (refresh token);
- tokens are stored encrypted (Fernet, key in INTAKE_OAUTH_KEY; no default: without it an OAuth mailbox is
  refused), and a refresh token the provider rotates is kept;
- a refused grant (`invalid_grant`, `consent_required`, `interaction_required`, AADSTS65001...) means the
  consent was revoked or the refresh token expired: a clear MailboxError, the reason stored with the token
  and an ERROR log line `mailbox OAuth consent revoked`, until someone grants access again.
The first refresh token (after the one-time consent) comes from the environment variable `refresh_token_env`.
"""
from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta, timezone
from typing import Any, Literal, NamedTuple, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

from foundation.errors import ConfigError, MailboxError

log = logging.getLogger("intake.oauth")

REVOKED = ("invalid_grant", "consent_required", "interaction_required", "unauthorized_client", "invalid_client",
           "AADSTS65001", "AADSTS50173", "AADSTS700082")
DEFAULT_SCOPES = {
    ("microsoft", "client_credentials"): ["https://outlook.office365.com/.default"],
    ("microsoft", "refresh_token"): ["https://outlook.office365.com/IMAP.AccessAsUser.All"],
    ("google", "refresh_token"): ["https://mail.google.com/"],
}


class OAuthConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: Literal["microsoft", "google"]
    flow: Literal["client_credentials", "refresh_token"] = "refresh_token"
    client_id: str = Field(min_length=1)
    client_secret_env: str = Field(pattern=r"^[A-Z_][A-Z0-9_]*$")
    refresh_token_env: Optional[str] = Field(None, pattern=r"^[A-Z_][A-Z0-9_]*$")
    tenant: Optional[str] = None                                   # Microsoft: the directory (tenant) id
    authority_host: str = "https://login.microsoftonline.com"     # Microsoft: sovereign clouds, tests
    token_uri: str = "https://oauth2.googleapis.com/token"         # Google
    scopes: Optional[list[str]] = None
    ca_file: Optional[str] = None                                  # trust this CA for the token endpoint
    refresh_before_s: float = Field(300.0, ge=0)

    @model_validator(mode="after")
    def _check(self) -> "OAuthConfig":
        if self.provider == "google" and self.flow != "refresh_token":
            raise ValueError("Gmail mailboxes use the refresh_token flow")
        if self.provider == "microsoft" and not self.tenant:
            raise ValueError("a Microsoft 365 mailbox needs its tenant")
        if self.flow == "refresh_token" and not self.refresh_token_env:
            raise ValueError("the refresh_token flow needs refresh_token_env (the token of the first consent)")
        return self

    def wanted_scopes(self) -> list[str]:
        return self.scopes or DEFAULT_SCOPES[(self.provider, self.flow)]

    def secret(self) -> str:
        value = os.environ.get(self.client_secret_env)
        if not value:
            raise ConfigError(f"environment variable {self.client_secret_env} (OAuth client secret) is not set")
        return value


class Grant(NamedTuple):
    access_token: str
    expires_at: datetime
    refresh_token: Optional[str]


class ConsentRevoked(MailboxError):
    """The provider refused the grant: consent revoked, refresh token expired, or the app disabled."""


def cipher():
    from cryptography.fernet import Fernet
    key = os.environ.get("INTAKE_OAUTH_KEY")
    if not key:
        raise ConfigError("INTAKE_OAUTH_KEY is not set: OAuth mailbox tokens are stored encrypted with it "
                          "(make one with: python -c 'from cryptography.fernet import Fernet; "
                          "print(Fernet.generate_key().decode())')")
    try:
        return Fernet(key.encode())
    except ValueError as error:
        raise ConfigError(f"INTAKE_OAUTH_KEY is not a Fernet key: {error}") from None


def _session(config: OAuthConfig):
    import requests
    session = requests.Session()
    if config.ca_file:
        session.verify = config.ca_file
        session.trust_env = False   # else REQUESTS_CA_BUNDLE from the environment overrides the CA given here
    return session


def _refused(text: str) -> bool:
    return any(code.lower() in text.lower() for code in REVOKED)


def fetch_microsoft(config: OAuthConfig, refresh_token: Optional[str], now: datetime) -> Grant:
    import msal
    app = msal.ConfidentialClientApplication(
        config.client_id, client_credential=config.secret(), authority=f"{config.authority_host}/{config.tenant}",
        instance_discovery=False, http_client=_session(config), token_cache=msal.TokenCache())
    if config.flow == "client_credentials":
        result = app.acquire_token_for_client(scopes=config.wanted_scopes())
    else:
        result = app.acquire_token_by_refresh_token(refresh_token, scopes=config.wanted_scopes())
    if "access_token" not in result:
        text = f"{result.get('error')}: {result.get('error_description', '')}".strip()
        raise (ConsentRevoked if _refused(text) else MailboxError)(f"token endpoint refused: {text[:400]}")
    return Grant(result["access_token"], now + timedelta(seconds=int(result.get("expires_in", 3600))),
                 result.get("refresh_token"))


def fetch_google(config: OAuthConfig, refresh_token: Optional[str], now: datetime) -> Grant:
    from google.auth.exceptions import RefreshError, TransportError
    from google.auth.transport.requests import Request
    from google.oauth2.credentials import Credentials
    credentials = Credentials(None, refresh_token=refresh_token, token_uri=config.token_uri,
                              client_id=config.client_id, client_secret=config.secret(),
                              scopes=config.wanted_scopes())
    try:
        credentials.refresh(Request(session=_session(config)))
    except RefreshError as error:
        text = str(error)
        raise (ConsentRevoked if _refused(text) else MailboxError)(f"token endpoint refused: {text[:400]}") from None
    except TransportError as error:
        raise MailboxError(f"token endpoint unreachable: {error}") from None
    expiry = credentials.expiry.replace(tzinfo=timezone.utc) if credentials.expiry else now + timedelta(hours=1)
    return Grant(credentials.token, expiry, credentials.refresh_token)


FETCHERS = {"microsoft": fetch_microsoft, "google": fetch_google}


class TokenManager:
    def __init__(self, store: Any, key: str, config: OAuthConfig, label: Optional[str] = None):
        self.store, self.key, self.config, self.label = store, key, config, label or key
        self.cipher = cipher()

    def access_token(self, now: Optional[datetime] = None) -> str:
        now = now or datetime.now(timezone.utc)
        row = self.store.oauth_token(self.key)
        if row and row["access_token"] and row["expires_at"] \
                and row["expires_at"] - now > timedelta(seconds=self.config.refresh_before_s):
            return self.cipher.decrypt(row["access_token"].encode()).decode()
        refresh = None
        if self.config.flow == "refresh_token":
            stored = row["refresh_token"] if row else None
            refresh = self.cipher.decrypt(stored.encode()).decode() if stored \
                else os.environ.get(self.config.refresh_token_env or "")
            if not refresh:
                raise ConfigError(f"{self.label}: no refresh token (set {self.config.refresh_token_env})")
        try:
            grant = FETCHERS[self.config.provider](self.config, refresh, now)
        except ConsentRevoked as error:
            self.store.save_oauth_token(self.key, error=str(error))
            log.error("mailbox OAuth consent revoked", extra={"mailbox": self.label, "error": str(error)})
            raise ConsentRevoked(f"{self.label}: OAuth consent revoked or refresh token expired; grant access "
                                 f"again ({error})") from None
        except MailboxError as error:
            self.store.save_oauth_token(self.key, error=str(error))
            raise MailboxError(f"{self.label}: {error}") from None
        encrypt = self.cipher.encrypt
        self.store.save_oauth_token(
            self.key, access_token=encrypt(grant.access_token.encode()).decode(), expires_at=grant.expires_at,
            refresh_token=encrypt(grant.refresh_token.encode()).decode() if grant.refresh_token else None)
        log.info("mailbox OAuth token refreshed", extra={"mailbox": self.label,
                                                          "expires_at": grant.expires_at.isoformat()})
        return grant.access_token


def access_token_for(box: Any, store: Any) -> Optional[str]:
    """The XOAUTH2 access token of a mailbox with an `oauth2:` block (refreshed when due), else None."""
    if getattr(box, "oauth2", None) is None:
        return None
    return TokenManager(store, box.authority(), box.oauth2, box.label).access_token()
