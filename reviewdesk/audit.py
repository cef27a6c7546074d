"""Admin actions in the event log (kind "admin"): who did what to which account, shown to administrators."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from outputs.tables import Event, now_utc

ACTIONS = ("user_created", "rights_changed", "unblocked", "sessions_ended", "deactivated", "reactivated",
           "activation_sent", "reset_link_made", "team_created")


def record(session: Session, actor: str, action: str, target: str, **detail: Any) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown admin action {action!r}")
    session.add(Event(kind="admin", at=now_utc(), actor=actor[:320], detail={"action": action, "user": target,
                                                                             **detail}))


def recent(session: Session, limit: int = 200) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.kind == "admin").order_by(Event.at.desc(), Event.id.desc())
                                .limit(limit)))
