"""Server-side login sessions. The (signed) cookie carries only a random id; the database keeps its SHA-256,
when it started, when it was last used and whether it was ended. Logout, a password change or reset, a
deactivation and an admin's "end sessions" end it at once; so do the idle timeout and the absolute lifetime."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Callable, Optional

from sqlalchemy import delete, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from outputs.portal_tables import PortalSession, User, utcnow
from reviewdesk import security

log = logging.getLogger(__name__)
TOUCH_EVERY = timedelta(seconds=60)     # last_seen_at is written at most once a minute per session
KEEP_ENDED = timedelta(days=30)          # ended sessions stay this long (who was logged in, why it ended)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def start(session: Session, user: User, client: Optional[str]) -> str:
    """A new session for `user`; returns the token for the cookie. Old rows of any user are dropped on the way."""
    token = security.new_token()
    now = utcnow()
    session.execute(delete(PortalSession).where(PortalSession.created_at < now - KEEP_ENDED))
    session.add(PortalSession(token_hash=security.token_hash(token), user_id=user.id, created_at=now,
                              last_seen_at=now, client=client))
    session.flush()
    return token


def find(session: Session, token: Optional[str]) -> Optional[PortalSession]:
    if not token or not isinstance(token, str):
        return None
    return session.scalar(select(PortalSession).where(PortalSession.token_hash == security.token_hash(token)))


def live_user(session: Session, token: Optional[str], idle_s: int, max_age_s: int,
              writer: Optional[Callable[[], Session]] = None) -> Optional[User]:
    """The user of a live session (not ended, not idle too long, not too old, user still allowed), or None.

    A session found dead is marked ended, so the admin's list tells why it stopped. `writer` (a session factory)
    is for a read-only `session` (a page read): the rare writes (ended, last seen) then go in a short
    transaction of their own, and `session` stays without the write lock.
    """
    row = find(session, token)
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    why = None
    if now - _aware(row.last_seen_at) > timedelta(seconds=idle_s):
        why = "idle"
    elif now - _aware(row.created_at) > timedelta(seconds=max_age_s):
        why = "expired"
    user = session.get(User, row.user_id)
    if why is None and (user is None or not user.active or user.blocked or user.deactivated_at is not None):
        why = "user_disabled"
    if why is not None:
        if writer is not None:
            _write(writer, update(PortalSession).where(PortalSession.id == row.id, PortalSession.revoked_at.is_(None))
                   .values(revoked_at=now, revoked_why=why))
        else:
            row.revoked_at, row.revoked_why = now, why
            session.commit()
        return None
    if now - _aware(row.last_seen_at) > TOUCH_EVERY:
        if writer is not None:  # one UPDATE in its own transaction; another request may have touched it meanwhile
            _write(writer, update(PortalSession).where(PortalSession.id == row.id,
                                                       PortalSession.last_seen_at < now - TOUCH_EVERY)
                   .values(last_seen_at=now))
        else:
            row.last_seen_at = now
            session.commit()
    return user


def _write(writer: Callable[[], Session], statement) -> None:
    """Best effort: a bookkeeping write that cannot get the lock (busy timeout) must not fail the page."""
    try:
        with writer() as session:
            session.execute(statement)
            session.commit()
    except OperationalError as error:
        log.warning("login session bookkeeping not written: %s", str(error).splitlines()[0])


def end(session: Session, token: Optional[str], why: str = "logout") -> None:
    row = find(session, token)
    if row is not None and row.revoked_at is None:
        row.revoked_at, row.revoked_why = utcnow(), why


def end_all(session: Session, user_id: int, why: str, keep_token: Optional[str] = None) -> int:
    """End every live session of a user (but `keep_token`'s); returns how many were ended."""
    condition = [PortalSession.user_id == user_id, PortalSession.revoked_at.is_(None)]
    if keep_token:
        condition.append(PortalSession.token_hash != security.token_hash(keep_token))
    result = session.execute(update(PortalSession).where(*condition).values(revoked_at=utcnow(), revoked_why=why))
    return int(result.rowcount or 0)


def live_count(session: Session, user_id: int) -> int:
    return len(list(session.scalars(select(PortalSession.id).where(PortalSession.user_id == user_id,
                                                                   PortalSession.revoked_at.is_(None)))))
