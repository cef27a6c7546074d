"""Login throttling instead of a permanent lock: after a few failures, a delay that doubles with each further
failure (up to a cap), counted per address and client, per client across addresses (password spraying) and per
address across clients (a distributed guess). Unknown addresses are counted exactly like known ones, so the
answer says nothing about who has an account. An admin's unblock (or `intake users unblock`) starts the count
again."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from outputs.portal_tables import LoginAttempt, utcnow

WINDOW = timedelta(hours=24)
LOCKED_MESSAGE = "Trop de tentatives : patientez quelques minutes avant de réessayer."
RESET_STEP = "unblock"


@dataclass(frozen=True)
class Verdict:
    locked: bool
    retry_after_s: int = 0


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _delay(session: Session, scope: ColumnElement[bool], reset_scope: ColumnElement[bool], threshold: int,
           base_s: int, max_s: int, now: datetime) -> int:
    """Seconds still to wait in one scope (0: free to try)."""
    since = now - WINDOW
    last_reset = session.scalar(select(func.max(LoginAttempt.at)).where(reset_scope, LoginAttempt.success.is_(True),
                                                                        LoginAttempt.at > since))
    start = max(since, _aware(last_reset)) if last_reset else since
    count, last = session.execute(select(func.count(), func.max(LoginAttempt.at)).where(
        scope, LoginAttempt.success.is_(False), LoginAttempt.at > start)).one()
    if not count or count < threshold:
        return 0
    delay = min(max_s, base_s * 2 ** min(count - threshold, 20))
    remaining = (_aware(last) + timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(remaining + 0.999))


def check(session: Session, email: str, client: Optional[str], settings, now: Optional[datetime] = None) -> Verdict:
    now = now or utcnow()
    by_email = LoginAttempt.email == email
    by_client = LoginAttempt.client == client if client else LoginAttempt.client.is_(None)
    limit = settings.max_failed_logins
    scopes = [
        (and_(by_email, by_client), by_email, limit),          # reset by a success or an unblock of the address
        (by_client, by_client, limit * 4),
        (by_email, by_email, limit * 10),
    ]
    wait = max(_delay(session, scope, reset, threshold, settings.throttle_base_s, settings.throttle_max_s, now)
               for scope, reset, threshold in scopes)
    return Verdict(wait > 0, wait)


def note(session: Session, email: str, user_id: Optional[int], client: Optional[str], step: str, success: bool) -> None:
    session.add(LoginAttempt(email=email[:254], user_id=user_id, step=step, success=success, client=client,
                             at=utcnow()))


def clear(session: Session, email: str, user_id: Optional[int]) -> None:
    """Start the count again for this address (every client)."""
    note(session, email, user_id, None, RESET_STEP, True)
