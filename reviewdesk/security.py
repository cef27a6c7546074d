"""Secrets handling: password hashes (argon2), TOTP (pyotp), one-time tokens (only their hash is stored),
CSRF tokens bound to the session. Nothing here touches the database."""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import secrets
from datetime import datetime
from typing import Iterable, Optional

import pyotp
import qrcode
import qrcode.image.svg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
MIN_STRENGTH = 3                 # zxcvbn score 0..4: 3 = "safely unguessable" for an online attack
TOTP_ISSUER = "intake"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: Optional[str], password: str) -> bool:
    """False for a missing hash too, so callers never branch on 'has no password yet'."""
    if not password_hash:
        # Spend the same time as a real check, so response time does not reveal which emails exist.
        _hasher.hash(password or "x")
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str, confirm: str, user_inputs: Iterable[str] = ()) -> Optional[str]:
    """A French message for the form, or None when the password is acceptable: 12 characters or more and
    hard to guess by zxcvbn's estimate (common words, repeats, keyboard runs, the user's own name and address
    count against it)."""
    if password != confirm:
        return "Les deux mots de passe ne correspondent pas."
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères."
    from zxcvbn import zxcvbn
    inputs = [value for value in user_inputs if value]
    inputs += [part for value in inputs for part in re.split(r"[@._\-\s]+", value) if len(part) >= 3]
    if zxcvbn(password[:100], user_inputs=inputs)["score"] < MIN_STRENGTH:
        return ("Mot de passe trop facile à deviner : évitez les répétitions, les suites du clavier, les mots "
                "courants et votre nom ; une phrase de quatre mots sans rapport fait l'affaire.")
    return None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_counter_if_valid(secret: Optional[str], code: str, last_counter: Optional[int]) -> Optional[int]:
    """The time step the code belongs to (now, or one step either side), or None.

    A code whose step is not after the last one used is refused, so a code seen over a shoulder cannot be
    replayed within its 30 seconds.
    """
    if not secret:
        return None
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now())
    for counter in (now, now - 1, now + 1):
        if hmac.compare_digest(totp.generate_otp(counter), code):
            if last_counter is not None and counter <= last_counter:
                return None
            return counter
    return None


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def qr_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI (the CSP allows data: images; no inline SVG markup needed)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a one-time token: a leaked table cannot be used to log in."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_matches(expected: Optional[str], given: Optional[str]) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
