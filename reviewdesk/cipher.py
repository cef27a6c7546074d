"""TOTP secrets sealed at rest (Fernet from `cryptography`), with a key derived from the installation secret
by HKDF. Stored form: "f1:" + Fernet token. A value without the prefix is a secret stored in clear by an
earlier version: it is still read, and sealed by `seal_clear_secrets` at start-up."""
from __future__ import annotations

import base64
from typing import Iterable, Optional

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from outputs.portal_tables import User

PREFIX = "f1:"


class CipherError(ValueError):
    """A sealed value no configured key opens (the installation secret changed without rotation)."""


def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"intake-portal", info=b"totp-secrets").derive(
        secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


class Cipher:
    def __init__(self, secret: str, previous: Iterable[str] = ()):
        self._current = _fernet(secret)
        self._all = MultiFernet([self._current, *(_fernet(p) for p in previous)])

    def seal(self, plain: str) -> str:
        return PREFIX + self._current.encrypt(plain.encode("utf-8")).decode("ascii")

    def reveal(self, stored: Optional[str]) -> Optional[str]:
        if not stored:
            return None
        if not stored.startswith(PREFIX):
            return stored                                  # written in clear before sealing existed
        try:
            return self._all.decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
        except InvalidToken as error:
            raise CipherError("TOTP secret sealed with an unknown key: set INTAKE_PREVIOUS_SECRET_KEYS") from error

    def needs_resealing(self, stored: Optional[str]) -> bool:
        if not stored:
            return False
        if not stored.startswith(PREFIX):
            return True
        try:
            self._current.decrypt(stored[len(PREFIX):].encode("ascii"))
            return False
        except InvalidToken:
            return True


def seal_clear_secrets(session: Session, cipher: Cipher) -> int:
    """Seal every TOTP secret still in clear or under an old key; returns how many were sealed."""
    count = 0
    for user in session.scalars(select(User).where(User.totp_secret.is_not(None))):
        if cipher.needs_resealing(user.totp_secret):
            try:
                user.totp_secret = cipher.seal(cipher.reveal(user.totp_secret) or "")
            except CipherError:
                continue                                   # left as is; that user's login will say why
            count += 1
    session.commit()
    return count
