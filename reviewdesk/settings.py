"""Portal settings from the environment (INTAKE_*). Kept apart from intake.settings so the portal's
knobs (SMTP, secret, token lifetimes) grow without touching the shared settings class.

No usable default secret: without INTAKE_SECRET_KEY the installation generates one on first start
(reviewdesk.installation). Links in mails are built only from INTAKE_PUBLIC_URL, never from a request.
"""
from __future__ import annotations

from typing import Optional
from urllib.parse import urlsplit

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", env_file=".env", env_file_encoding="utf-8", extra="ignore")

    secret_key: Optional[SecretStr] = None          # none: generated on first start and kept with the data
    previous_secret_keys: list[SecretStr] = []      # rotation: older keys still read TOTP secrets sealed with them
    smtp_host: Optional[str] = None        # no host: mails are not sent (the log says one was made, without it)
    smtp_port: int = 25
    smtp_from: str = "intake@localhost"
    public_url: Optional[str] = None       # base of links in mails (required before any link is mailed)
    allowed_hosts: list[str] = []          # Host headers served besides the public URL's and loopback names
    https_cookies: Optional[bool] = None   # Secure session cookie; default: on when the public URL is https
    session_max_age_s: int = 8 * 3600      # absolute lifetime of a login (one working day)
    session_idle_s: int = 30 * 60          # a login unused this long ends
    activation_ttl_hours: int = 72
    reset_ttl_minutes: int = 60
    max_failed_logins: int = 5             # per address and client before the delays start
    throttle_base_s: int = 30              # first delay; doubles with each further failure
    throttle_max_s: int = 15 * 60          # longest delay
    max_body_bytes: int = 1_000_000        # request bodies above this are refused before they are read

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: Optional[str]) -> Optional[str]:
        if not value:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("INTAKE_PUBLIC_URL must be an absolute http(s) URL, e.g. https://revue.example.fr")
        return value.strip().rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        if self.https_cookies is not None:
            return self.https_cookies
        return bool(self.public_url and self.public_url.startswith("https://"))

    @property
    def trusted_hosts(self) -> list[str]:
        hosts = ["127.0.0.1", "localhost", "::1", "[::1]", *self.allowed_hosts]
        if self.public_url:
            hosts.append(urlsplit(self.public_url).hostname or "")
        return sorted({h.lower() for h in hosts if h})


def portal_settings() -> PortalSettings:
    return PortalSettings()
