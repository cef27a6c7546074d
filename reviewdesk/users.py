"""User administration and the login steps, over the portal's tables.

Each function takes an open SQLAlchemy session and commits nothing: the route commits, so one request is
one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foundation.models import CHANNELS
from reviewdesk import security, sessions, throttle
from outputs.portal_tables import OneTimeToken, Team, User, UserChannelRight, utcnow


class UserError(ValueError):
    """A refused administration action; the message is French, for the form."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user(session: Session, user_id: Optional[int]) -> Optional[User]:
    return session.get(User, user_id) if user_id is not None else None


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def find_by_email(session: Session, email: str) -> Optional[User]:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(session: Session, email: str, name: str = "", channels: Iterable[str] = (), is_admin: bool = False,
                team_id: Optional[int] = None) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise UserError("Adresse e-mail invalide.")
    if find_by_email(session, email) is not None:
        raise UserError("Un utilisateur existe déjà avec cette adresse e-mail.")
    user = User(email=email, name=name.strip()[:120], is_admin=is_admin, team_id=team_id)
    session.add(user)
    set_channels(user, channels)
    session.flush()
    return user


def set_channels(user: User, channels: Iterable[str]) -> None:
    wanted = {c for c in channels if c in CHANNELS}
    user.rights[:] = [r for r in user.rights if r.channel in wanted]
    for channel in sorted(wanted - user.channels):
        user.rights.append(UserChannelRight(channel=channel))


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; everything here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def issue_token(session: Session, user: User, purpose: str, ttl: timedelta) -> str:
    """A new one-time link token; earlier unused tokens of the same purpose stop working."""
    now = utcnow()
    for old in session.scalars(select(OneTimeToken).where(OneTimeToken.user_id == user.id,
                                                          OneTimeToken.purpose == purpose,
                                                          OneTimeToken.used_at.is_(None))):
        old.used_at = now
    token = security.new_token()
    session.add(OneTimeToken(user_id=user.id, purpose=purpose, token_hash=security.token_hash(token),
                             created_at=now, expires_at=now + ttl))
    session.flush()
    return token


def find_token(session: Session, token: str, purpose: str) -> Optional[OneTimeToken]:
    """The live token row (unused, not expired), or None."""
    row = session.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == security.token_hash(token or ""),
                                                    OneTimeToken.purpose == purpose))
    if row is None or row.used_at is not None or _aware(row.expires_at) <= utcnow():
        return None
    return row


@dataclass
class LoginResult:
    user: Optional[User]
    error: Optional[str] = None   # French message for the login form


WRONG_MESSAGE = "Adresse e-mail ou mot de passe incorrect."
WRONG_CODE = "Code de vérification incorrect."


def _usable(user: Optional[User]) -> bool:
    return user is not None and user.active and not user.blocked and user.deactivated_at is None


def check_password(session: Session, email: str, password: str, client: Optional[str], settings) -> LoginResult:
    """First step. While the address or the client is throttled, even the right password is refused, with the
    same words for a known and an unknown address."""
    email = normalise_email(email)[:254]
    if throttle.check(session, email, client, settings).locked:
        return LoginResult(None, throttle.LOCKED_MESSAGE)
    user = find_by_email(session, email)
    ok = security.verify_password(user.password_hash if user else None, password)
    throttle.note(session, email, user.id if user else None, client, "password", bool(ok and _usable(user)))
    if user is None or not ok or user.deactivated_at is not None:
        return LoginResult(None, WRONG_MESSAGE)
    if not user.active:
        return LoginResult(None, "Compte non activé : utilisez le lien reçu par e-mail.")
    return LoginResult(user)


def check_totp(session: Session, user: User, code: str, client: Optional[str], settings, cipher) -> LoginResult:
    """Second step: a wrong code counts like a wrong password; a secret under an old key is sealed again."""
    if not _usable(user):
        return LoginResult(None, WRONG_MESSAGE)
    if throttle.check(session, user.email, client, settings).locked:
        return LoginResult(None, throttle.LOCKED_MESSAGE)
    secret = cipher.reveal(user.totp_secret)
    counter = security.totp_counter_if_valid(secret, code, user.totp_last_counter)
    throttle.note(session, user.email, user.id, client, "totp", counter is not None)
    if counter is None:
        locked = throttle.check(session, user.email, client, settings).locked
        return LoginResult(None, throttle.LOCKED_MESSAGE if locked else WRONG_CODE)
    if cipher.needs_resealing(user.totp_secret) and secret:
        user.totp_secret = cipher.seal(secret)
    user.totp_last_counter = counter
    user.failed_logins = 0
    user.last_login_at = utcnow()
    return LoginResult(user)


def confirm_identity(session: Session, user: User, password: str, code: str, client: Optional[str], settings,
                     cipher) -> Optional[str]:
    """For a change of one's own password: the current password and a fresh TOTP code; a French error or None."""
    if throttle.check(session, user.email, client, settings).locked:
        return throttle.LOCKED_MESSAGE
    ok = security.verify_password(user.password_hash, password)
    counter = security.totp_counter_if_valid(cipher.reveal(user.totp_secret), code, user.totp_last_counter) if ok \
        else None
    throttle.note(session, user.email, user.id, client, "confirm", counter is not None)
    if counter is None:
        return "Mot de passe actuel ou code de vérification incorrect."
    user.totp_last_counter = counter
    return None


def unblock(session: Session, user: User) -> None:
    user.blocked = False
    user.failed_logins = 0
    throttle.clear(session, user.email, user.id)


def deactivate(session: Session, user: User) -> int:
    """No more logins; every session ends now. Returns how many sessions were ended."""
    user.deactivated_at = utcnow()
    return sessions.end_all(session, user.id, "deactivated")


def reactivate(user: User) -> None:
    user.deactivated_at = None


def activate(session: Session, token_row: OneTimeToken, password: str, totp_secret: str, code: str,
             cipher) -> Optional[str]:
    """Set the password and confirm the authenticator; returns a French error, or None when done."""
    user = session.get(User, token_row.user_id)
    if user is None:
        return "Lien invalide."
    counter = security.totp_counter_if_valid(totp_secret, code, None)
    if counter is None:
        return "Code de vérification incorrect : vérifiez l'heure de votre téléphone et réessayez."
    user.password_hash = security.hash_password(password)
    user.totp_secret = cipher.seal(totp_secret)
    user.totp_last_counter = counter
    user.active = True
    token_row.used_at = utcnow()
    sessions.end_all(session, user.id, "activated")
    return None


def set_password(session: Session, user: User, password: str, why: str, keep_token: Optional[str] = None) -> int:
    """A new password; every other session of the user ends. Returns how many were ended."""
    user.password_hash = security.hash_password(password)
    return sessions.end_all(session, user.id, why, keep_token)


def reset_password(session: Session, token_row: OneTimeToken, password: str) -> None:
    user = session.get(User, token_row.user_id)
    if user is not None:
        set_password(session, user, password, "password_reset")
        throttle.clear(session, user.email, user.id)
    token_row.used_at = utcnow()


def team_and_descendants(session: Session, team_id: Optional[int]) -> list[int]:
    """A team's id and all its sub-teams' ids (any depth), without recursion in SQL."""
    if team_id is None:
        return []
    parents: dict[Optional[int], list[int]] = {}
    for tid, parent in session.execute(select(Team.id, Team.parent_id)):
        parents.setdefault(parent, []).append(tid)
    out, todo = [], [team_id]
    while todo:
        current = todo.pop()
        if current in out:
            continue
        out.append(current)
        todo.extend(parents.get(current, []))
    return out

