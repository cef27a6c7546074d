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
from reviewdesk import security
from outputs.portal_tables import LoginAttempt, OneTimeToken, Team, User, UserChannelRight, utcnow


class UserError(ValueError):
    """A refused administration action; the message is French, for the form."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user(session: Session, user_id: Optional[int]) -> Optional[User]:
    return session.get(User, user_id) if user_id is not None else None


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


BLOCKED_MESSAGE = "Compte bloqué après plusieurs échecs. Contactez votre administrateur pour le débloquer."
WRONG_MESSAGE = "Adresse e-mail ou mot de passe incorrect."


def _record_failure(session: Session, user: User, max_failures: int) -> None:
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= max_failures:
        user.blocked = True


def check_password(session: Session, email: str, password: str, client: Optional[str], max_failures: int) -> LoginResult:
    """First step. Wrong passwords count towards the block; a blocked account is refused even with the right one."""
    user = find_by_email(session, email)
    ok = security.verify_password(user.password_hash if user else None, password)
    session.add(LoginAttempt(email=normalise_email(email)[:254], user_id=user.id if user else None, step="password",
                             success=bool(ok and user and user.active and not user.blocked), client=client))
    if user is None:
        return LoginResult(None, WRONG_MESSAGE)
    if user.blocked:
        return LoginResult(None, BLOCKED_MESSAGE)
    if not ok:
        _record_failure(session, user, max_failures)
        return LoginResult(None, BLOCKED_MESSAGE if user.blocked else WRONG_MESSAGE)
    if not user.active:
        return LoginResult(None, "Compte non activé : utilisez le lien reçu par e-mail.")
    return LoginResult(user)


def check_totp(session: Session, user: User, code: str, client: Optional[str], max_failures: int) -> LoginResult:
    """Second step: a wrong code counts towards the block like a wrong password."""
    if user.blocked or not user.active:
        return LoginResult(None, BLOCKED_MESSAGE if user.blocked else "Compte non activé.")
    counter = security.totp_counter_if_valid(user.totp_secret, code, user.totp_last_counter)
    session.add(LoginAttempt(email=user.email, user_id=user.id, step="totp", success=counter is not None, client=client))
    if counter is None:
        _record_failure(session, user, max_failures)
        return LoginResult(None, BLOCKED_MESSAGE if user.blocked else "Code de vérification incorrect.")
    user.totp_last_counter = counter
    user.failed_logins = 0
    user.last_login_at = utcnow()
    return LoginResult(user)


def unblock(user: User) -> None:
    user.blocked = False
    user.failed_logins = 0


def activate(session: Session, token_row: OneTimeToken, password: str, totp_secret: str, code: str) -> Optional[str]:
    """Set the password and confirm the authenticator; returns a French error, or None when done."""
    user = session.get(User, token_row.user_id)
    if user is None:
        return "Lien invalide."
    counter = security.totp_counter_if_valid(totp_secret, code, None)
    if counter is None:
        return "Code de vérification incorrect : vérifiez l'heure de votre téléphone et réessayez."
    user.password_hash = security.hash_password(password)
    user.totp_secret = totp_secret
    user.totp_last_counter = counter
    user.active = True
    token_row.used_at = utcnow()
    return None


def reset_password(session: Session, token_row: OneTimeToken, password: str) -> None:
    user = session.get(User, token_row.user_id)
    if user is not None:
        user.password_hash = security.hash_password(password)
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

