"""Portal settings from the environment (INTAKE_*). Kept apart from intake.settings so the portal's
knobs (SMTP, secret, token lifetimes) grow without touching the shared settings class."""
from __future__ import annotations

from typing import Optional

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", env_file=".env", env_file_encoding="utf-8", extra="ignore")

    secret_key: SecretStr = SecretStr("change-me-in-production")
    smtp_host: Optional[str] = None        # no host: mails are logged instead of sent (demo, development)
    smtp_port: int = 25
    smtp_from: str = "intake@localhost"
    public_url: Optional[str] = None       # base of links in mails; default: the URL the request came to
    https_cookies: bool = False            # set the Secure flag on the session cookie (behind TLS)
    session_max_age_s: int = 8 * 3600      # one working day
    activation_ttl_hours: int = 72
    reset_ttl_minutes: int = 60
    max_failed_logins: int = 5


def portal_settings() -> PortalSettings:
    return PortalSettings()
