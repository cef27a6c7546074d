"""Writes the portal makes beyond the store's reviewer methods: team assignment and dossier data
(IBAN, other party), each recorded in the timeline with who and when."""
from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from outputs.tables import Dossier, Event, now_utc
from outputs.portal_tables import TeamAssignment, User


def assign_to_team(session: Session, record_id: int, user: User) -> None:
    """The first reviewer to act on a record brings it into their team's work (head offices see it)."""
    if user.team_id is None:
        return
    if session.scalar(select(TeamAssignment.id).where(TeamAssignment.record_id == record_id)) is None:
        session.add(TeamAssignment(record_id=record_id, team_id=user.team_id, at=now_utc()))


def set_dossier_extra(session: Session, dossier_id: str, name: str, value: Any, user: User) -> Optional[Any]:
    """Store one dossier datum in `dossiers.extra`; returns the old value. The timeline gets a `corrected` event."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        raise LookupError(dossier_id)
    extra = dict(dossier.extra or {})
    old = extra.get(name)
    if old == value:
        return old
    if value is None:
        extra.pop(name, None)
    else:
        extra[name] = value
    dossier.extra = extra
    session.add(Event(kind="corrected", at=now_utc(), dossier_id=dossier_id, actor=user.email,
                      detail={"field": name, "old": old, "new": value}))
    return old
