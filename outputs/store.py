"""The store: raw messages kept before reading, records routed against the dossiers already known, reviewers'
actions, and an append-only timeline. One API for every door (ingest, IMAP poller, fax folder, portal).

What the exported record says after a reviewer acts (`current_json`, printed by `intake export`):
- a correction changes the field's value and sets `fields.<name>.corrected_by` (confidence 1.0, evidence
  kept); the machine's version stays in `machine_json` and the old value in `field_corrections`.
- `decision`, `queue` and `reasons` stay what the machine decided: they say how the message was routed
  (a `manual_review` record that a reviewer accepted *was* reviewed; pretending it was `auto_open` would
  lie to the reporting). The reviewer's verdict is `records.review_status` (accepted / attached /
  refused) and the timeline.
- `dossier_id` is the dossier the record opened or was attached to: after `open_dossier` the dossier the
  reviewer opened, after `attach` the dossier chosen, after `refuse` null (no dossier exists for it; the
  refused dossier row stays for the timeline).

Dossiers: every mission order that routing does not attach gets a dossier row at once (status `open` when
auto-opened, `pending_review` when sent to review), so a later copy of the same claim is attached to it as
`duplicate` whichever way the first one went.

Errors: an unreachable or broken database raises `intake.errors.DatabaseError`; unknown ids raise
`NotFoundError`; a correction that does not fit the contract raises `InvalidCorrection`.
"""
from __future__ import annotations

import copy
import hashlib
import logging
import re
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Iterator, Optional

from pydantic import ValidationError
from sqlalchemy import case, func, or_, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from intake.errors import DatabaseError, IntakeError
from intake.models import MissionRecord, ParsedMessage, SourceRef
from intake.record import INSURED_FIELDS, sha256_hex
from outputs.db import READ_ONLY, _short, describe, make_engine, upgrade_engine
from outputs.headers import peek
from outputs.models import (
    RAW_KINDS, DocumentRow, Dossier, Event, FieldCorrection, Lease, MailboxState, RawMessage, RecordRow,
    now_utc, utc,
)
from rulestage.routing import dossier_id_for, route

log = logging.getLogger(__name__)

# Fields a reviewer may correct (the rest -- source, decision, reasons, dossier -- change through actions).
TOP_EDITABLE = ("document_type", "channel", "claim_number", "order_number", "intermediary_code", "peril",
                "occupancy", "dwelling", "loss_date", "amount_eur", "cause_repaired", "description",
                "expertise_on_site", "expertise_note", "management_limit_eur")


class NotFoundError(IntakeError, LookupError):
    """A record, raw message or dossier id that the store does not hold."""


class InvalidCorrection(IntakeError, ValueError):
    """A reviewer's value that the export contract would not accept (kept out of the record)."""


def _txt(value: Optional[str], limit: Optional[int] = None) -> Optional[str]:
    """Text safe for every database: no NUL (PostgreSQL refuses it), cut to the column's length."""
    if value is None:
        return None
    value = str(value).replace("\x00", "")
    return value[:limit] if limit else value


def normalise_claim(value: Optional[str]) -> Optional[str]:
    """Upper case without spaces, dots or dashes (the contract's form)."""
    if value is None:
        return None
    cleaned = re.sub(r"[\s.\-]+", "", str(value)).upper()
    return cleaned or None


class DbIndex:
    """`rulestage.routing.DossierIndex` on the database, inside the caller's transaction.

    `register` creates the dossier row at once (open or pending_review), so the next message of the same
    transaction or of a later run finds it.
    """

    def __init__(self, session: Session):
        self.session = session
        self.opened: list[Dossier] = []

    def find_by_claim(self, claim_number: str) -> Optional[str]:
        return self.session.scalar(
            select(Dossier.id).where(Dossier.claim_number == _txt(claim_number, 100))
            .order_by(Dossier.created_at, Dossier.id).limit(1))

    def register(self, claim_number: Optional[str], dossier_id: str, record: MissionRecord) -> None:
        if self.session.get(Dossier, dossier_id) is not None:
            return
        auto = record.decision == "auto_open"
        dossier = Dossier(
            id=dossier_id, claim_number=_txt(claim_number, 100), channel=record.channel,
            status="open" if auto else "pending_review", last_name=_txt(record.insured.last_name, 255),
            peril=record.peril, opened_at=now_utc() if auto else None, created_at=now_utc(), extra={})
        self.session.add(dossier)
        self.session.flush()
        self.opened.append(dossier)


class Store:
    """The database behind intake. Opening it brings the schema up to date (Alembic), unless upgrade=False."""

    def __init__(self, url: str, upgrade: bool = True):
        self.url = url
        self.engine = make_engine(url)
        if upgrade:
            upgrade_engine(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def session(self, read: bool = False) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error.

        `read=True` for blocks that only read: on SQLite they take no write lock (see outputs.db).
        Driver errors other than integrity violations become `DatabaseError` with a one-line reason.
        """
        session = self._sessions()
        try:
            if read:
                session.connection(execution_options={READ_ONLY: True})
            yield session
            session.commit()
        except IntegrityError:
            session.rollback()
            raise
        except DBAPIError as error:
            session.rollback()
            raise DatabaseError(f"database {describe(self.url)}: {_short(error)}") from error
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def index(self, session: Session) -> DbIndex:
        return DbIndex(session)

    @staticmethod
    def _event(session: Session, kind: str, *, raw_message_id: Optional[int] = None,
               record_id: Optional[int] = None, dossier_id: Optional[str] = None, actor: str = "system",
               **detail: Any) -> None:
        session.add(Event(kind=kind, at=now_utc(), raw_message_id=raw_message_id, record_id=record_id,
                          dossier_id=dossier_id, actor=_txt(actor, 320) or "system", detail=detail))

    # ------------------------------------------------------------------ raw messages

    def add_raw(self, raw: bytes, source: SourceRef, kind: str, mailbox: Optional[str] = None,
                date_header: Optional[datetime] = None) -> tuple[int, bool]:
        """Keep the bytes (committed) before anything reads them. Idempotent on sha256: (id, created)."""
        if kind not in RAW_KINDS:
            raise ValueError(f"source kind must be one of {RAW_KINDS}, not {kind!r}")
        digest = sha256_hex(raw)
        with self.session(read=True) as s:
            found = s.scalar(select(RawMessage.id).where(RawMessage.sha256 == digest))
            if found is not None:
                return found, False
        message_id, peeked_date = peek(raw)
        try:
            with self.session() as s:
                row = RawMessage(
                    sha256=digest, message_id=_txt(message_id, 998), source_uri=_txt(source.uri) or "",
                    source_kind=kind, mailbox=_txt(mailbox, 500), received_at=utc(source.received_at),
                    date_header=utc(date_header) if date_header else peeked_date, raw=bytes(raw), size=len(raw),
                    status="pending", attempts=0, created_at=now_utc())
                s.add(row)
                s.flush()
                self._event(s, "received", raw_message_id=row.id, uri=row.source_uri, source_kind=kind,
                            mailbox=row.mailbox, size=row.size, sha256=digest)
                return row.id, True
        except IntegrityError:  # another process stored the same bytes meanwhile
            with self.session() as s:
                found = s.scalar(select(RawMessage.id).where(RawMessage.sha256 == digest))
            if found is None:
                raise
            return found, False

    def raw_id_for(self, sha256: str) -> Optional[int]:
        with self.session(read=True) as s:
            return s.scalar(select(RawMessage.id).where(RawMessage.sha256 == sha256))

    def has_raw(self, sha256: str) -> bool:
        return self.raw_id_for(sha256) is not None

    def has_message_id(self, message_id: str) -> bool:
        with self.session(read=True) as s:
            return s.scalar(select(RawMessage.id).where(RawMessage.message_id == _txt(message_id, 998))
                            .limit(1)) is not None

    @staticmethod
    def _date_order():
        """Oldest first by Date header, else arrival; unknown dates last; then storage order."""
        moment = func.coalesce(RawMessage.date_header, RawMessage.received_at)
        return [case((moment.is_(None), 1), else_=0), moment, RawMessage.id]

    def raw_status(self, raw_id: int) -> Optional[str]:
        with self.session(read=True) as s:
            return s.scalar(select(RawMessage.status).where(RawMessage.id == raw_id))

    def pending_raw_ids(self, limit: int = 100, include_failed: bool = False,
                        among: Optional[list[int]] = None) -> list[int]:
        """Raw messages still to read, oldest date first. `among` restricts to given ids (one ingest run).
        `limit=0` means no limit."""
        statuses = ("pending", "failed") if include_failed else ("pending",)
        query = select(RawMessage.id).where(RawMessage.status.in_(statuses))
        with self.session(read=True) as s:
            if among is None:
                ordered = query.order_by(*self._date_order())
                return list(s.scalars(ordered.limit(limit) if limit else ordered).all())
            keyed = []
            for start in range(0, len(among), 500):
                chunk = among[start:start + 500]
                keyed += s.execute(select(RawMessage.id, RawMessage.date_header, RawMessage.received_at)
                                   .where(RawMessage.status.in_(statuses), RawMessage.id.in_(chunk))).all()
        keyed.sort(key=lambda k: _py_date_key(k[1], k[2], k[0]))
        ids = [k[0] for k in keyed]
        return ids[:limit] if limit else ids

    def load_raw(self, raw_id: int) -> tuple[bytes, SourceRef]:
        """The bytes and where they came from, as the pipeline wants them."""
        with self.session(read=True) as s:
            row = s.get(RawMessage, raw_id)
            if row is None:
                raise NotFoundError(f"no raw message {raw_id}")
            name = row.source_uri.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1] if row.source_kind in (
                "file", "fax", "upload") else None
            return bytes(row.raw), SourceRef(uri=row.source_uri, received_at=utc(row.received_at),
                                             filename=name or None)

    def mark_failed(self, raw_id: int, error: str) -> None:
        """The message could not be stored as a record: keep the raw (status failed) to retry later."""
        with self.session() as s:
            row = s.get(RawMessage, raw_id)
            if row is None:
                raise NotFoundError(f"no raw message {raw_id}")
            row.status = "failed"
            row.attempts = (row.attempts or 0) + 1
            row.error = _txt(error, 4000)
            self._event(s, "failed", raw_message_id=raw_id, error=_txt(error, 1000), attempts=row.attempts)

    # ------------------------------------------------------------------ records

    def save_processed(self, raw_id: int, processed) -> int:
        """Route the record against the dossiers in the database and store it, its documents and events.

        One transaction: either everything (record, dossier, documents, events, raw marked processed) or
        nothing. A raw already processed keeps its record (idempotent): its id is returned unchanged.
        """
        record: MissionRecord = processed.record
        message: Optional[ParsedMessage] = getattr(processed, "message", None)
        with self.session() as s:
            raw = s.get(RawMessage, raw_id)
            if raw is None:
                raise NotFoundError(f"no raw message {raw_id}")
            existing = s.scalar(select(RecordRow.id).where(RecordRow.raw_message_id == raw_id))
            if existing is not None:
                raw.status = "processed"
                return existing
            self._lock_claim(s, record.claim_number)
            index = DbIndex(s)
            routed = route(record, index)
            if routed.dossier_id and s.get(Dossier, routed.dossier_id) is None:
                # a mission order with no claim number still gets its dossier (in review)
                index.register(routed.claim_number, routed.dossier_id, record)
            data = routed.to_json_dict()
            row = RecordRow(
                raw_message_id=raw_id, machine_json=data, current_json=copy.deepcopy(data),
                document_type=routed.document_type, channel=routed.channel,
                claim_number=_txt(routed.claim_number, 100), last_name=_txt(routed.insured.last_name, 255),
                decision=routed.decision, queue=_txt(routed.queue, 100), reasons=list(routed.reasons),
                dossier_id=routed.dossier_id,
                review_status="pending" if routed.decision == "manual_review" else "none",
                created_at=now_utc(), updated_at=now_utc())
            s.add(row)
            s.flush()
            for dossier in index.opened:
                dossier.opening_record_id = row.id
            self._store_documents(s, raw_id, message)
            ids = {"raw_message_id": raw_id, "record_id": row.id}
            self._event(s, "parsed", **ids, message_kind=message.kind if message else None,
                        documents=len(message.documents()) if message else 0,
                        unreadable="unreadable_input" in routed.reasons)
            self._event(s, "classified", **ids, document_type=routed.document_type, channel=routed.channel,
                        peril=routed.peril, claim_number=routed.claim_number)
            self._event(s, "routed", **ids, dossier_id=routed.dossier_id, decision=routed.decision,
                        queue=routed.queue, reasons=list(routed.reasons))
            opened_ids = {d.id for d in index.opened}
            for dossier in index.opened:
                self._event(s, "opened", **ids, dossier_id=dossier.id, status=dossier.status)
            if routed.decision == "attach" and routed.dossier_id and routed.dossier_id not in opened_ids:
                self._event(s, "attached", **ids, dossier_id=routed.dossier_id, reasons=list(routed.reasons))
            raw.status = "processed"
            raw.error = None
            raw.attempts = (raw.attempts or 0) + 1
            return row.id

    @staticmethod
    def _lock_claim(session: Session, claim: Optional[str]) -> None:
        """PostgreSQL: serialise routing of one claim across processes (SQLite: BEGIN IMMEDIATE already does)."""
        if not claim or session.get_bind().dialect.name != "postgresql":
            return
        key = int.from_bytes(hashlib.sha256(claim.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    @staticmethod
    def _store_documents(session: Session, raw_id: int, message: Optional[ParsedMessage]) -> None:
        if message is None:
            return
        for position, doc in enumerate(message.documents()):
            pages = [p.model_dump(mode="json") for p in doc.pages]
            for page in pages:
                page["text"] = _txt(page.get("text")) or ""
            session.add(DocumentRow(
                raw_message_id=raw_id, position=position, name=_txt(doc.name) or "", filename=_txt(doc.filename),
                content_type=_txt(doc.content_type, 255) or "application/octet-stream", sha256=doc.sha256,
                pages=len(doc.pages), ocr=bool(doc.ocr), error=_txt(doc.error),
                text=_txt("\f".join(p.text for p in doc.pages)) or "", pages_json=pages))

    def _record(self, session: Session, record_id: int) -> RecordRow:
        row = session.get(RecordRow, record_id)
        if row is None:
            raise NotFoundError(f"no record {record_id}")
        return row

    def get_record(self, record_id: int) -> dict:
        """The current record (with corrections) as the contract's dict."""
        with self.session(read=True) as s:
            return copy.deepcopy(self._record(s, record_id).current_json)

    # ------------------------------------------------------------------ reviewer side

    def correct_field(self, record_id: int, name: str, value: Any, user: str) -> None:
        """Replace one field's value (top level, or `insured.<x>` / `<x>` for the insured's fields)."""
        short = name[len("insured."):] if name.startswith("insured.") else name
        if short in INSURED_FIELDS:
            in_insured = True
        elif short in TOP_EDITABLE and not name.startswith("insured."):
            in_insured = False
        else:
            raise InvalidCorrection(f"field {name!r} cannot be corrected")
        if isinstance(value, str):
            value = value.strip() or None
        if short == "claim_number":
            value = normalise_claim(value)
        elif short == "last_name" and isinstance(value, str):
            value = value.upper()
        with self.session() as s:
            row = self._record(s, record_id)
            current = copy.deepcopy(row.current_json)
            target = current.setdefault("insured", {}) if in_insured else current
            old = target.get(short)
            target[short] = value
            field = dict(current.setdefault("fields", {}).get(short) or {})
            field.update(confidence=1.0, corrected_by=user)
            field.setdefault("evidence", None)
            current["fields"][short] = field
            try:
                checked = MissionRecord.model_validate(current).to_json_dict()
            except ValidationError as error:
                problem = "; ".join(e["msg"] for e in error.errors()[:3])
                raise InvalidCorrection(f"{name}: {value!r} is not accepted ({problem})") from error
            row.current_json = checked
            row.claim_number = _txt(checked.get("claim_number"), 100)
            row.last_name = _txt((checked.get("insured") or {}).get("last_name"), 255)
            row.document_type = checked["document_type"]
            row.channel = checked["channel"]
            row.updated_at = now_utc()
            new = (checked.get("insured") or {}).get(short) if in_insured else checked.get(short)
            s.add(FieldCorrection(record_id=record_id, name=short, old_value=old, new_value=new,
                                  user=_txt(user, 320) or "unknown", at=now_utc()))
            dossier = s.get(Dossier, row.dossier_id) if row.dossier_id else None
            if dossier is not None and dossier.opening_record_id == row.id:
                dossier.claim_number = row.claim_number
                dossier.last_name = row.last_name
                dossier.peril = checked.get("peril")
                dossier.channel = checked["channel"]
            self._event(s, "corrected", raw_message_id=row.raw_message_id, record_id=record_id,
                        dossier_id=row.dossier_id, actor=user, field=short, old=old, new=new)

    def _set_dossier(self, row: RecordRow, dossier_id: Optional[str]) -> None:
        current = copy.deepcopy(row.current_json)
        current["dossier_id"] = dossier_id
        row.current_json = current
        row.dossier_id = dossier_id
        row.updated_at = now_utc()

    def open_dossier(self, record_id: int, user: str) -> str:
        """The reviewer accepts the order: its dossier is opened (created when the record had none)."""
        with self.session() as s:
            row = self._record(s, record_id)
            dossier = s.get(Dossier, row.dossier_id) if row.dossier_id else None
            if dossier is None or dossier.opening_record_id != row.id:
                record = MissionRecord.model_validate(row.current_json)
                dossier_id = dossier_id_for(record)
                dossier = s.get(Dossier, dossier_id)
                if dossier is None:
                    dossier = Dossier(id=dossier_id, claim_number=row.claim_number, channel=row.channel,
                                      status="pending_review", opening_record_id=row.id, last_name=row.last_name,
                                      peril=record.peril, created_at=now_utc(), extra={})
                    s.add(dossier)
                    s.flush()
            dossier.status = "open"
            dossier.opened_at = dossier.opened_at or now_utc()
            dossier.closed_at = None
            self._set_dossier(row, dossier.id)
            row.review_status = "accepted"
            row.decided_by, row.decided_at = _txt(user, 320), now_utc()
            self._event(s, "opened", raw_message_id=row.raw_message_id, record_id=row.id, dossier_id=dossier.id,
                        actor=user, status="open")
            return dossier.id

    def attach(self, record_id: int, dossier_id: str, user: str) -> None:
        """The reviewer attaches the message to an existing dossier.

        A dossier this record had put in review (and that nobody opened) is closed, and what was attached to
        it follows to the chosen dossier.
        """
        with self.session() as s:
            row = self._record(s, record_id)
            target = s.get(Dossier, dossier_id)
            if target is None:
                raise NotFoundError(f"no dossier {dossier_id}")
            own = s.get(Dossier, row.dossier_id) if row.dossier_id else None
            if own is not None and own.id != target.id and own.opening_record_id == row.id \
                    and own.status == "pending_review":
                own.status, own.closed_at = "closed", now_utc()
                self._event(s, "closed", record_id=row.id, dossier_id=own.id, actor=user, merged_into=target.id)
                for other in s.scalars(select(RecordRow).where(RecordRow.dossier_id == own.id,
                                                               RecordRow.id != row.id)).all():
                    self._set_dossier(other, target.id)
                    self._event(s, "attached", raw_message_id=other.raw_message_id, record_id=other.id,
                                dossier_id=target.id, actor=user, moved_from=own.id)
            self._set_dossier(row, target.id)
            row.review_status = "attached"
            row.decided_by, row.decided_at = _txt(user, 320), now_utc()
            self._event(s, "attached", raw_message_id=row.raw_message_id, record_id=row.id, dossier_id=target.id,
                        actor=user)

    def refuse(self, record_id: int, reason: str, user: str) -> None:
        """The reviewer refuses the order (reason from the portal's list): no dossier for it."""
        if not reason or not str(reason).strip():
            raise InvalidCorrection("a refusal needs a reason")
        with self.session() as s:
            row = self._record(s, record_id)
            own = s.get(Dossier, row.dossier_id) if row.dossier_id else None
            if own is not None and own.opening_record_id == row.id and own.status == "pending_review":
                own.status, own.closed_at = "refused", now_utc()
            self._event(s, "refused", raw_message_id=row.raw_message_id, record_id=row.id,
                        dossier_id=row.dossier_id, actor=user, reason=_txt(reason, 1000))
            current = copy.deepcopy(row.current_json)
            current["dossier_id"] = None
            row.current_json = current
            row.review_status = "refused"
            row.refuse_reason = _txt(reason, 4000)
            row.decided_by, row.decided_at = _txt(user, 320), now_utc()
            row.updated_at = now_utc()

    def close_dossier(self, dossier_id: str, user: str) -> None:
        self._dossier_status(dossier_id, "closed", "closed", user)

    def reopen_dossier(self, dossier_id: str, user: str) -> None:
        self._dossier_status(dossier_id, "open", "reopened", user)

    def _dossier_status(self, dossier_id: str, status: str, kind: str, user: str) -> None:
        with self.session() as s:
            dossier = s.get(Dossier, dossier_id)
            if dossier is None:
                raise NotFoundError(f"no dossier {dossier_id}")
            before = dossier.status
            dossier.status = status
            dossier.closed_at = now_utc() if status == "closed" else None
            if status == "open":
                dossier.opened_at = dossier.opened_at or now_utc()
            self._event(s, kind, dossier_id=dossier_id, actor=user, before=before)

    # ------------------------------------------------------------------ reading out

    def export_records(self) -> Iterator[dict]:
        """`current_json` of every record, oldest first (message date, else arrival; then storage order)."""
        query = (select(RecordRow.current_json).join(RawMessage, RawMessage.id == RecordRow.raw_message_id)
                 .order_by(*self._date_order()[:2], RecordRow.id))
        with self.session(read=True) as s:
            for (data,) in s.execute(query.execution_options(yield_per=200)):
                yield data

    def counts(self) -> dict:
        """Per decision, per mailbox (or source kind), per raw status, per review status, per dossier status."""
        with self.session(read=True) as s:
            def grouped(column, *joins) -> dict:
                query = select(column, func.count()).group_by(column)
                return {str(k) if k is not None else "none": n for k, n in s.execute(query).all()}
            mailbox = func.coalesce(RawMessage.mailbox, RawMessage.source_kind)
            return {
                "decisions": grouped(RecordRow.decision),
                "mailboxes": grouped(mailbox),
                "raw_status": grouped(RawMessage.status),
                "review_status": grouped(RecordRow.review_status),
                "dossiers": grouped(Dossier.status),
                "records": s.scalar(select(func.count()).select_from(RecordRow)) or 0,
                "raw_messages": s.scalar(select(func.count()).select_from(RawMessage)) or 0,
            }

    # ------------------------------------------------------------------ mailboxes and leases

    def mailbox_state(self, key: str) -> Optional[dict]:
        with self.session(read=True) as s:
            row = s.get(MailboxState, key)
            if row is None:
                return None
            return {"key": row.key, "uidvalidity": row.uidvalidity, "last_uid": row.last_uid,
                    "last_poll_at": utc(row.last_poll_at), "last_error": row.last_error, "polls": row.polls,
                    "messages": row.messages}

    def mailbox_states(self) -> list[dict]:
        with self.session(read=True) as s:
            keys = s.scalars(select(MailboxState.key).order_by(MailboxState.key)).all()
        return [state for key in keys if (state := self.mailbox_state(key)) is not None]

    def record_poll(self, key: str, *, uidvalidity: Optional[int] = None, last_uid: Optional[int] = None,
                    new_messages: int = 0, error: Optional[str] = None) -> None:
        """After one poll of a mailbox: where it stopped, how many messages came, the error if it failed."""
        with self.session() as s:
            row = s.get(MailboxState, key)
            if row is None:
                row = MailboxState(key=key, polls=0, messages=0)
                s.add(row)
            if uidvalidity is not None:
                row.uidvalidity = uidvalidity
            if last_uid is not None:
                row.last_uid = last_uid
            row.polls = (row.polls or 0) + 1
            row.messages = (row.messages or 0) + new_messages
            row.last_poll_at = now_utc()
            row.last_error = _txt(error, 4000)

    def acquire_lease(self, name: str, holder: str, ttl_s: float) -> bool:
        """Take (or extend) the named lease until now + ttl_s; False when someone else holds it unexpired."""
        now = now_utc()
        until = now + timedelta(seconds=ttl_s)
        with self.session() as s:
            result = s.execute(update(Lease).where(Lease.name == name,
                                                   or_(Lease.holder == holder, Lease.expires_at < now))
                               .values(holder=holder, expires_at=until))
            if result.rowcount == 1:
                return True
            if s.get(Lease, name) is not None:
                return False
        try:
            with self.session() as s:
                s.add(Lease(name=name, holder=holder, expires_at=until))
            return True
        except IntegrityError:
            return False

    def release_lease(self, name: str, holder: str) -> None:
        with self.session() as s:
            lease = s.get(Lease, name)
            if lease is not None and lease.holder == holder:
                s.delete(lease)


def _py_date_key(date_header: Optional[datetime], received_at: Optional[datetime], raw_id: int) -> tuple:
    """The same order as `Store._date_order`, in Python."""
    moment = utc(date_header) or utc(received_at)
    return (moment is None, moment.timestamp() if moment else 0.0, raw_id)
