"""The follow-up room of the store: the insured's follow-up after opening (the steps themselves are decided
by intake/followup.py; this room only keeps them). Each step is a `followup` timeline event; each message
to the insured a `followup_messages` row, written *before* it is sent (status `sending`), so a crash
between the two never sends it twice: at most once to a person, and the stuck row is visible.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional, Sequence

from sqlalchemy import select

from outputs.base import NotFoundError, StoreBase, _txt
from outputs.followup_tables import Followup, FollowupMessage
from outputs.tables import Dossier, RecordRow, now_utc, utc

ACTIVE = ("to_call", "reminder_1", "reminder_2", "reminder_3", "waiting_for_client")


class FollowupDone(ValueError):
    """The follow-up is no longer running (already answered or closed): nothing to stop."""


@dataclass(frozen=True)
class DueFollowup:
    dossier_id: str
    state: str
    channel: Optional[str]
    claim_number: Optional[str]
    last_name: Optional[str]
    first_name: Optional[str]
    phone: Optional[str]
    email: Optional[str]


@dataclass(frozen=True)
class OutgoingMessage:
    medium: str
    recipient: str
    text: str


class FollowupRoom(StoreBase):
    def start_followups(self, channels: Sequence[str], opened_since: datetime, first_due: timedelta) -> int:
        """Open dossiers of these channels, opened since `opened_since`, without a follow-up: start one."""
        started = 0
        with self.session() as s:
            query = (select(Dossier.id, Dossier.opened_at, Dossier.channel)
                     .outerjoin(Followup, Followup.dossier_id == Dossier.id)
                     .where(Followup.dossier_id.is_(None), Dossier.status == "open",
                            Dossier.channel.in_(list(channels)), Dossier.opened_at >= opened_since))
            for dossier_id, opened_at, channel in s.execute(query).all():
                now = now_utc()
                s.add(Followup(dossier_id=dossier_id, state="to_call", next_at=utc(opened_at) + first_due,
                               channel=channel, started_at=now, updated_at=now))
                self._event(s, "followup", dossier_id=dossier_id, actor="scheduler", state="to_call")
                started += 1
        return started

    def due_followups(self, now: datetime, limit: int = 200) -> list[DueFollowup]:
        query = (select(Followup, Dossier, RecordRow.current_json)
                 .join(Dossier, Dossier.id == Followup.dossier_id)
                 .outerjoin(RecordRow, RecordRow.id == Dossier.opening_record_id)
                 .where(Followup.state.in_(ACTIVE), Followup.next_at <= now,
                        Dossier.status.in_(("open", "waiting_for_client")))
                 .order_by(Followup.next_at).limit(limit))
        with self.session(read=True) as s:
            out = []
            for followup, dossier, record in s.execute(query).all():
                insured = (record or {}).get("insured") or {}
                out.append(DueFollowup(dossier.id, followup.state, followup.channel, dossier.claim_number,
                                       insured.get("last_name") or dossier.last_name, insured.get("first_name"),
                                       insured.get("phone"), insured.get("email")))
            return out

    def advance_followup(self, dossier_id: str, expected: str, state: str, next_at: Optional[datetime], *,
                         waiting_until: Optional[datetime] = None, dossier_status: Optional[str] = None,
                         messages: Sequence[OutgoingMessage] = (), **detail: Any) -> Optional[list[int]]:
        """Move one follow-up on (only from `expected`: two workers never take one step twice): None when it had
        already moved. Returns the ids of the message rows written with status `sending`, in order."""
        with self.session() as s:
            followup = s.get(Followup, dossier_id)
            if followup is None:
                raise NotFoundError(f"no follow-up for dossier {dossier_id}")
            if followup.state != expected:
                return None
            followup.state, followup.next_at, followup.updated_at = state, next_at, now_utc()
            if waiting_until is not None or state != "waiting_for_client":
                followup.waiting_until = waiting_until
            dossier = s.get(Dossier, dossier_id)
            if dossier_status and dossier is not None and dossier.status != dossier_status:
                before, dossier.status = dossier.status, dossier_status
                detail["dossier_status"] = {"before": before, "after": dossier_status}
            ids = []
            for message in messages:
                row = FollowupMessage(dossier_id=dossier_id, medium=message.medium,
                                      recipient=_txt(message.recipient, 320) or "", text=message.text,
                                      status="sending", at=now_utc())
                s.add(row)
                s.flush()
                ids.append(row.id)
            if ids:
                detail["message_id"] = ids[0]
                detail["message_ids"] = ids
            self._event(s, "followup", dossier_id=dossier_id, actor="scheduler", state=state, before=expected,
                        next_at=next_at.isoformat() if next_at else None, **detail)
            return ids

    def message_result(self, message_id: int, ok: bool, detail: str, status: Optional[str] = None) -> None:
        with self.session() as s:
            row = s.get(FollowupMessage, message_id)
            if row is None:
                raise NotFoundError(f"no follow-up message {message_id}")
            row.status = status or ("sent" if ok else "failed")
            if ok:
                row.provider_ref = _txt(detail, 200)
            else:
                row.error = _txt(detail, 2000)

    def followup_answered(self, dossier_id: str, user: str, note: Optional[str] = None) -> str:
        """The insured answered (a call back, the SMS, the mail): the follow-up ends (`answered`: no more reminder
        calls, no more waiting), the dossier is open again, and the answer is a `followup` event with who
        recorded it and the note. Only from an active state (FollowupDone otherwise). Returns the state before."""
        with self.session() as s:
            followup = s.get(Followup, dossier_id)
            if followup is None:
                raise NotFoundError(f"no follow-up for dossier {dossier_id}")
            before = followup.state
            if before not in ACTIVE:
                raise FollowupDone(f"the follow-up of {dossier_id} is already {before}")
            followup.state, followup.next_at, followup.updated_at = "answered", None, now_utc()
            followup.waiting_until = None
            dossier = s.get(Dossier, dossier_id)
            if dossier is not None and dossier.status == "waiting_for_client":
                dossier.status = "open"
            extra = {"note": _txt(note.strip(), 1000)} if note and note.strip() else {}
            self._event(s, "followup", dossier_id=dossier_id, actor=user, state="answered", before=before, **extra)
            return before

    def followup_of(self, dossier_id: str) -> Optional[dict[str, Any]]:
        """State, next step and every message sent, for the dossier view and the API."""
        with self.session(read=True) as s:
            followup = s.get(Followup, dossier_id)
            if followup is None:
                return None
            messages = s.scalars(select(FollowupMessage).where(FollowupMessage.dossier_id == dossier_id)
                                 .order_by(FollowupMessage.id)).all()
            return {"state": followup.state, "next_at": utc(followup.next_at),
                    "waiting_until": utc(followup.waiting_until), "started_at": utc(followup.started_at),
                    "messages": [{"id": m.id, "medium": m.medium, "recipient": m.recipient, "text": m.text,
                                  "status": m.status, "provider_ref": m.provider_ref, "error": m.error,
                                  "at": utc(m.at)} for m in messages]}
