"""The installation's secret: never a default from the source.

Order: INTAKE_SECRET_KEY when set (the old shipped default is refused); else a random secret generated on first
start and kept with the operator's data — a file `<database>.secret` (mode 0600) beside a SQLite file, or a row
of `installation_secrets` in any other database. It signs the session cookie and derives the key that seals TOTP
secrets (reviewdesk.cipher). Serving on a non-loopback address with a short configured secret is refused.

Rotation: set the new value in INTAKE_SECRET_KEY and the old one in INTAKE_PREVIOUS_SECRET_KEYS (a JSON list);
TOTP secrets sealed with an old key are read and sealed again with the new one at the user's next login.
"""
from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from foundation.errors import ConfigError
from outputs.portal_tables import InstallationSecret

log = logging.getLogger(__name__)

KNOWN_PUBLIC_KEYS = frozenset({"change-me-in-production", "changeme", "secret", "test-secret-key"})
MIN_SECRET_LENGTH = 32
SECRET_NAME = "portal"


class InstallationError(ConfigError):
    """The portal must not start with this secret on this address."""


@dataclass(frozen=True)
class Secret:
    value: str
    source: str          # "environment" | "file:<path>" | "database"
    previous: tuple[str, ...] = ()

    @property
    def weak(self) -> bool:
        return len(self.value) < MIN_SECRET_LENGTH or self.value in KNOWN_PUBLIC_KEYS


def _sqlite_file(database_url: str) -> Optional[Path]:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" \
            or url.database.startswith("file:"):
        return None
    return Path(url.database)


def _file_secret(path: Path) -> str:
    """Read the secret beside the database, or create it (exclusive create, owner-only) on first start."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    value = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:                       # another process won the race: use its secret
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    log.warning("generated the installation secret", extra={"path": str(path)})
    return value


def _database_secret(session: Session) -> str:
    row = session.get(InstallationSecret, SECRET_NAME)
    if row is None:
        row = InstallationSecret(name=SECRET_NAME, value=secrets.token_urlsafe(48))
        session.add(row)
        session.commit()
        log.warning("generated the installation secret in the database; set INTAKE_SECRET_KEY in production so "
                    "a copy of the database does not carry the key that seals TOTP secrets")
    return row.value


def resolve_secret(settings, database_url: str, sessionmaker) -> Secret:
    previous = tuple(k.get_secret_value() for k in settings.previous_secret_keys)
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        value = settings.secret_key.get_secret_value()
        if value == "change-me-in-production":
            raise InstallationError("INTAKE_SECRET_KEY is the value once shipped in the source: choose a random one "
                                    "(python -c 'import secrets; print(secrets.token_urlsafe(48))')")
        return Secret(value, "environment", previous)
    path = _sqlite_file(database_url)
    if path is not None:
        return Secret(_file_secret(Path(str(path) + ".secret")), f"file:{path}.secret", previous)
    with sessionmaker() as session:
        return Secret(_database_secret(session), "database", previous)


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, secret: Secret) -> None:
    """Refuse to listen beyond this machine with a secret someone could guess."""
    if secret.weak and not is_loopback(host):
        raise InstallationError(f"refusing to serve on {host}: INTAKE_SECRET_KEY is too short or publicly known "
                                f"(at least {MIN_SECRET_LENGTH} random characters), or unset it to use the "
                                "generated secret")
