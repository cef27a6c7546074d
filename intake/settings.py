"""Runtime settings from the environment (INTAKE_*), via pydantic-settings. Secrets are never logged."""
from __future__ import annotations

from typing import Optional

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite:///intake.db"
    config: Optional[str] = None          # path of the business YAML (defaults shipped in the package)
    workers: int = 0                      # worker processes for reading; 0 = one per core
    log_level: str = "INFO"
    log_json: bool = False
    secret_key: Optional[SecretStr] = None  # no default: the portal generates one (reviewdesk.installation)


def get_settings() -> Settings:
    return Settings()
