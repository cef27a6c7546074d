"""Read side of the portal over the store's tables: what a user may see, the queue, dossier search.

Visibility is one SQL condition (`visible_condition`) used by every list and checked again for every
detail page (`can_see_record`), so a hand-typed URL gets the same answer as the lists.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Optional

from sqlalchemy import ColumnElement, String, and_, cast, false, func, or_, select, true
from sqlalchemy.orm import Session

from foundation.config import Config

from outputs.tables import Dossier, Event, RecordRow, RawMessage, DocumentRow
from outputs.portal_tables import TeamAssignment, User
from reviewdesk.users import team_and_descendants

PAGE_SIZE = 50
AGE_FILTERS = {"1h": timedelta(hours=1), "24h": timedelta(days=1), "3d": timedelta(days=3), "7d": timedelta(days=7)}


def visible_condition(session: Session, user: User) -> ColumnElement[bool]:
    """Records this user may see: all for an admin; their channels; a head office also its sub-teams' work."""
    if user.is_admin:
        return true()
    parts: list[ColumnElement[bool]] = []
    channels = sorted(user.channels)
    if channels:
        parts.append(RecordRow.channel.in_(channels))
    sub_teams = [t for t in team_and_descendants(session, user.team_id) if t != user.team_id]
    if sub_teams:
        parts.append(RecordRow.id.in_(select(TeamAssignment.record_id).where(TeamAssignment.team_id.in_(sub_teams))))
    return or_(*parts) if parts else false()


def can_see_record(session: Session, user: User, record_id: int) -> bool:
    return session.scalar(select(RecordRow.id).where(RecordRow.id == record_id, visible_condition(session, user))) is not None


def can_see_dossier(session: Session, user: User, dossier_id: str) -> bool:
    """A dossier is visible when one of its records is."""
    if user.is_admin:
        return session.get(Dossier, dossier_id) is not None
    return session.scalar(select(RecordRow.id).where(RecordRow.dossier_id == dossier_id,
                                                     visible_condition(session, user)).limit(1)) is not None


def waiting_since() -> ColumnElement[Any]:
    """The message's own time, shown as "Reçu": its Date header, else its arrival (the fax file's time, the
    mailbox's INTERNALDATE), else when it was stored — never merely when intake read it. Stored on the record
    (`records.message_date`, migration 0007) so the queue sorts and filters by it on an index."""
    return func.coalesce(RecordRow.message_date, RawMessage.date_header, RawMessage.received_at, RecordRow.created_at)


# The queue is served by the message's own date (oldest first unless asked otherwise), on the index
# (review_status, message_date) of migration 0007, so a page of 50 among tens of thousands costs an index walk.
QUEUE_ORDER = (RecordRow.message_date, RecordRow.id)
SORTS = ("asc", "desc")
PARIS = "Europe/Paris"


def queue_order(sort: str = "asc") -> tuple:
    if sort == "desc":
        return (RecordRow.message_date.desc(), RecordRow.id.desc())
    return QUEUE_ORDER


def day_start(day: date) -> datetime:
    """Midnight in Paris of a day typed in the filter, as a UTC instant."""
    from zoneinfo import ZoneInfo
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(PARIS)).astimezone(timezone.utc)


def parse_day(text: str) -> Optional[date]:
    try:
        return date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None


def pending_condition() -> ColumnElement[bool]:
    return RecordRow.review_status == "pending"


def pending_count(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(RecordRow)
                          .where(pending_condition(), visible_condition(session, user))) or 0


@dataclass
class QueueFilter:
    channel: Optional[str] = None
    reason: Optional[str] = None
    queue: Optional[str] = None
    age: Optional[str] = None        # a key of AGE_FILTERS: "older than"
    page: int = 1
    sort: str = "asc"                # by the message's own date: "asc" oldest first, "desc" newest first
    date_from: Optional[date] = None  # the message's own date, Paris days, both ends included
    date_to: Optional[date] = None

    @property
    def active(self) -> bool:
        return bool(self.channel or self.reason or self.queue or self.age or self.date_from or self.date_to)

    def query_string(self, **override: Any) -> str:
        from urllib.parse import urlencode
        values = {"channel": self.channel, "reason": self.reason, "queue": self.queue, "age": self.age,
                  "from": self.date_from.isoformat() if self.date_from else None,
                  "to": self.date_to.isoformat() if self.date_to else None,
                  "sort": None if self.sort == "asc" else self.sort, "page": self.page, **override}
        return urlencode({k: v for k, v in values.items() if v not in (None, "", 1) or (k == "page" and v != 1)})


@dataclass
class QueuePage:
    rows: list[tuple[RecordRow, Any]]      # (record, waiting since)
    total: int
    page: int
    pages: int
    filters: QueueFilter
    ids: list[int] = field(default_factory=list)


def _reason_condition(reason: str) -> ColumnElement[bool]:
    """Reasons are a JSON list; a text match on the quoted code works on SQLite and PostgreSQL alike."""
    return cast(RecordRow.reasons, String).like(f'%"{reason}"%')


def queue_conditions(session: Session, user: User, filters: QueueFilter) -> list[ColumnElement[bool]]:
    conditions = [pending_condition(), visible_condition(session, user)]
    if filters.channel:
        conditions.append(RecordRow.channel == filters.channel)
    if filters.reason:
        conditions.append(_reason_condition(filters.reason))
    if filters.queue:
        conditions.append(RecordRow.queue == filters.queue)
    if filters.age in AGE_FILTERS:
        conditions.append(RecordRow.message_date <= datetime.now(timezone.utc) - AGE_FILTERS[filters.age])
    if filters.date_from:
        conditions.append(RecordRow.message_date >= day_start(filters.date_from))
    if filters.date_to:
        conditions.append(RecordRow.message_date < day_start(filters.date_to + timedelta(days=1)))
    return conditions


def queue_page(session: Session, user: User, filters: QueueFilter) -> QueuePage:
    conditions = queue_conditions(session, user, filters)
    total = session.scalar(select(func.count()).select_from(RecordRow).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    # Two steps: the page's ids from the narrow index walk, then those 50 rows with their JSON and arrival time
    # (sorting whole rows, JSON included, is what made PostgreSQL slow).
    ids = list(session.scalars(select(RecordRow.id).where(*conditions).order_by(*queue_order(filters.sort))
                               .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    since = waiting_since()
    found = {r[0].id: tuple(r) for r in session.execute(
        select(RecordRow, since).join(RawMessage, RawMessage.id == RecordRow.raw_message_id)
        .where(RecordRow.id.in_(ids)))} if ids else {}
    rows = [found[i] for i in ids if i in found]
    return QueuePage(rows=rows, total=total, page=page, pages=pages, filters=filters)


def neighbours(session: Session, user: User, record: RecordRow) -> tuple[Optional[int], Optional[int]]:
    """Previous and next pending records in queue order (the message's own date), for j/k navigation."""
    base = [pending_condition(), visible_condition(session, user), RecordRow.id != record.id]
    at = record.message_date
    if at is None:
        return None, None
    prev_id = session.scalar(select(RecordRow.id).where(*base, or_(
        RecordRow.message_date < at, and_(RecordRow.message_date == at, RecordRow.id < record.id)))
        .order_by(RecordRow.message_date.desc(), RecordRow.id.desc()).limit(1))
    next_id = session.scalar(select(RecordRow.id).where(*base, or_(
        RecordRow.message_date > at, and_(RecordRow.message_date == at, RecordRow.id > record.id)))
        .order_by(*QUEUE_ORDER).limit(1))
    return prev_id, next_id


def filter_options(user: User, config: Config) -> dict[str, list[str]]:
    """Choices for the filter selects, from what is known (no scan of the queue): the user's channels, the
    reason codes, the queues the rules stage is configured with (in the portal's configuration)."""
    from foundation.models import CHANNELS
    from reviewdesk.labels import REASONS
    rules = config.section("rules") or {}
    queues = {q for q in [rules.get("review_queue")] + [t.get("queue") for t in (rules.get("always_review") or {}).values()
                                                       if isinstance(t, dict)] if q}
    channels = list(CHANNELS) if user.is_admin or not user.channels else sorted(user.channels)
    return {"channels": channels, "queues": sorted(queues), "reasons": sorted(REASONS)}


def plate_variants(text: str) -> set[str]:
    """A plate as typed, compact, and in the SIV form AB-123-CD (how the dossier stores it)."""
    upper = text.strip().upper()
    compact = "".join(ch for ch in upper if ch.isalnum())
    variants = {v for v in (upper, compact) if len(v) >= 3}
    if len(compact) == 7 and compact[:2].isalpha() and compact[2:5].isdigit() and compact[5:].isalpha():
        variants.add(f"{compact[:2]}-{compact[2:5]}-{compact[5:]}")
    return variants


def _dossier_query(session: Session, user: User, text: str):
    """Dossiers the user may see, matching a claim number, a last name or the other party's plate."""
    query = select(Dossier)
    text = (text or "").strip()
    if text:
        compact = "".join(ch for ch in text.upper() if ch.isalnum())
        like = f"%{text.upper()}%"
        query = query.where(or_(
            Dossier.claim_number.like(f"%{compact}%") if compact else false(),
            func.upper(Dossier.last_name).like(like),
            *[func.upper(cast(Dossier.extra, String)).like(f"%{variant}%") for variant in plate_variants(text)],
        ))
    if not user.is_admin:
        query = query.where(Dossier.id.in_(select(RecordRow.dossier_id).where(visible_condition(session, user),
                                                                             RecordRow.dossier_id.is_not(None))))
    return query


def search_dossiers(session: Session, user: User, text: str, limit: int = 100) -> tuple[list[Dossier], list[Dossier]]:
    """Active and closed dossiers matching a claim number, a last name or the other party's plate."""
    query = _dossier_query(session, user, text)
    rows = list(session.scalars(query.order_by(Dossier.created_at.desc()).limit(limit)))
    active = [d for d in rows if d.status != "closed"]
    closed = [d for d in rows if d.status == "closed"]
    return active, closed


@dataclass
class DossierPage:
    rows: list[Dossier]
    total: int
    page: int
    pages: int
    query: dict[str, str]             # the filters, for the pager's links

    def link(self, page: int) -> str:
        from urllib.parse import urlencode
        return "/dossiers?" + urlencode({**{k: v for k, v in self.query.items() if v}, "page": page})


DOSSIER_SORTS = {"recent": (Dossier.created_at.desc(), Dossier.id.desc()),
                 "oldest": (Dossier.created_at, Dossier.id), "claim": (Dossier.claim_number, Dossier.id),
                 "name": (Dossier.last_name, Dossier.id)}


def dossier_page(session: Session, user: User, text: str = "", status: str = "", channel: str = "",
                 sort: str = "recent", page: int = 1) -> DossierPage:
    """One page of the dossier list: search text, status (active / closed / a status code), channel, sort."""
    query = _dossier_query(session, user, text)
    if status == "active":
        query = query.where(Dossier.status != "closed")
    elif status:
        query = query.where(Dossier.status == status)
    if channel:
        query = query.where(Dossier.channel == channel)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    order = DOSSIER_SORTS.get(sort, DOSSIER_SORTS["recent"])
    rows = list(session.scalars(query.order_by(*order).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    return DossierPage(rows=rows, total=total, page=page, pages=pages,
                       query={"q": text, "status": status, "channel": channel,
                              "sort": sort if sort != "recent" else ""})


def dossier_records(session: Session, dossier_id: str, user: Optional[User] = None) -> list[RecordRow]:
    """A dossier's records, oldest first; with a user, only those the user may see."""
    condition = [RecordRow.dossier_id == dossier_id]
    if user is not None:
        condition.append(visible_condition(session, user))
    return list(session.scalars(select(RecordRow).where(*condition).order_by(RecordRow.created_at, RecordRow.id)))


def dossier_events(session: Session, dossier_id: str, record_ids: list[int]) -> list[Event]:
    """The dossier's own events and those of the given (visible) records; not those of other records."""
    condition = and_(Event.dossier_id == dossier_id, Event.record_id.is_(None))
    if record_ids:
        condition = or_(condition, Event.record_id.in_(record_ids))
    return list(session.scalars(select(Event).where(condition).order_by(Event.at, Event.id)))


def record_events(session: Session, record: RecordRow) -> list[Event]:
    return list(session.scalars(select(Event).where(or_(Event.record_id == record.id,
                                                        Event.raw_message_id == record.raw_message_id))
                                .order_by(Event.at, Event.id)))


def documents_of(session: Session, raw_message_id: int) -> list[DocumentRow]:
    return list(session.scalars(select(DocumentRow).where(DocumentRow.raw_message_id == raw_message_id)
                                .order_by(DocumentRow.position)))


def raw_message(session: Session, raw_message_id: int) -> Optional[RawMessage]:
    return session.get(RawMessage, raw_message_id)
