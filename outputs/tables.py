"""SQLAlchemy 2 tables of the store: raw messages, their documents, records, dossiers, the timeline.

Why these tables: the raw bytes are kept first (nothing is ever lost, a failed message can be re-read),
the record is kept twice (`machine_json` as extracted and routed, `current_json` with reviewers'
corrections: what `intake export` prints), and every state change is an append-only `events` row, which the
portal shows as the dossier's timeline.

The declarative `Base` is shared: the review portal declares its user tables on it in its own migration
(`0002`, down_revision "0001"). The production path creates tables with Alembic (`outputs.db.upgrade`),
never with `create_all`.

All datetimes are stored in UTC (`DateTime(timezone=True)`; SQLite gives them back naive, see `utc()`).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import (
    JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so migrations (and SQLite batch mode) can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RAW_KINDS = ("file", "imap", "fax", "upload")
RAW_STATUSES = ("pending", "processed", "failed")
REVIEW_STATUSES = ("none", "pending", "accepted", "refused", "attached")
DOSSIER_STATUSES = ("open", "pending_review", "refused", "closed", "waiting_for_client")
EVENT_KINDS = ("received", "parsed", "classified", "routed", "attached", "corrected", "opened", "refused",
               "closed", "reopened", "failed", "reminder", "admin", "followup", "reprocessed")


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def utc(value: Optional[datetime]) -> Optional[datetime]:
    """Aware UTC datetime: naive values (SQLite reads, naive inputs) are taken as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: DateTime(timezone=True)}


class RawMessage(Base):
    """The bytes exactly as received, stored before any reading."""
    __tablename__ = "raw_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[Optional[str]] = mapped_column(String(998), index=True)
    source_uri: Mapped[str] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(String(16))          # RAW_KINDS
    mailbox: Mapped[Optional[str]] = mapped_column(String(500), index=True)
    received_at: Mapped[Optional[datetime]]                        # arrival (IMAP INTERNALDATE, file mtime)
    date_header: Mapped[Optional[datetime]]                        # the Date header, when there is one
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # RAW_STATUSES
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class DocumentRow(Base):
    """One readable part of a message (body or attachment) with its page texts and word boxes."""
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raw_message_id: Mapped[int] = mapped_column(ForeignKey("raw_messages.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    filename: Mapped[Optional[str]] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[Optional[str]] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")            # page texts joined with "\f"
    pages_json: Mapped[list[Any]] = mapped_column(JSON, default=list)
    notes: Mapped[Optional[list[str]]] = mapped_column(JSON)       # read in part: ReadReason codes and details
    page_count: Mapped[Optional[int]] = mapped_column(Integer)     # pages the file has, when more than were read


class Dossier(Base):
    """A case file. `opening_record_id` is a plain integer (no FK) to avoid a cycle with records.dossier_id."""
    __tablename__ = "dossiers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # rulestage.routing.dossier_id_for
    claim_number: Mapped[Optional[str]] = mapped_column(String(100), index=True)
    channel: Mapped[Optional[str]] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), index=True)   # DOSSIER_STATUSES
    opening_record_id: Mapped[Optional[int]] = mapped_column(Integer)
    last_name: Mapped[Optional[str]] = mapped_column(String(255), index=True)
    peril: Mapped[Optional[str]] = mapped_column(String(40))
    opened_at: Mapped[Optional[datetime]]
    closed_at: Mapped[Optional[datetime]]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # IBAN, other party's plate/make/insurer...


class RecordRow(Base):
    """The mission record of one raw message: as the machine made it, and as reviewers corrected it."""
    __tablename__ = "records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raw_message_id: Mapped[int] = mapped_column(ForeignKey("raw_messages.id", ondelete="CASCADE"), unique=True)
    machine_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    current_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    document_type: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(40), index=True)
    claim_number: Mapped[Optional[str]] = mapped_column(String(100), index=True)
    last_name: Mapped[Optional[str]] = mapped_column(String(255), index=True)
    decision: Mapped[str] = mapped_column(String(20), index=True)
    queue: Mapped[Optional[str]] = mapped_column(String(100))
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    dossier_id: Mapped[Optional[str]] = mapped_column(ForeignKey("dossiers.id"), index=True)
    review_status: Mapped[str] = mapped_column(String(20), default="none", index=True)  # REVIEW_STATUSES
    refuse_reason: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    # the message's own time: its Date header, else its arrival (the fax file's time), else when it was stored;
    # copied from raw_messages when the record is saved, so the queue sorts and filters on an index
    message_date: Mapped[Optional[datetime]]
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
    decided_by: Mapped[Optional[str]] = mapped_column(String(320))
    decided_at: Mapped[Optional[datetime]]


class FieldCorrection(Base):
    """One reviewer's change of one field (the old value stays here; the record keeps the new one)."""
    __tablename__ = "field_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    old_value: Mapped[Optional[Any]] = mapped_column(JSON)
    new_value: Mapped[Optional[Any]] = mapped_column(JSON)
    user: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(default=now_utc)


class Event(Base):
    """Append-only timeline: what happened to a message, a record or a dossier, who did it, when."""
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_dossier_at", "dossier_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now_utc)
    kind: Mapped[str] = mapped_column(String(20), index=True)     # EVENT_KINDS
    raw_message_id: Mapped[Optional[int]] = mapped_column(Integer, index=True)
    record_id: Mapped[Optional[int]] = mapped_column(Integer, index=True)
    dossier_id: Mapped[Optional[str]] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(320), default="system")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MailboxState(Base):
    """Where a mailbox poll stopped (UIDVALIDITY + last UID), and how the last polls went."""
    __tablename__ = "mailbox_state"

    key: Mapped[str] = mapped_column(String(500), primary_key=True)  # e.g. imap://user@host/INBOX
    uidvalidity: Mapped[Optional[int]] = mapped_column(BigInteger)  # IMAP values are unsigned 32-bit
    last_uid: Mapped[Optional[int]] = mapped_column(BigInteger)
    last_poll_at: Mapped[Optional[datetime]]
    last_success_at: Mapped[Optional[datetime]]                    # the last poll without error (0004)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    polls: Mapped[int] = mapped_column(Integer, default=0)
    messages: Mapped[int] = mapped_column(Integer, default=0)


class Lease(Base):
    """A named lock with an expiry, held in the database so two processes never poll one mailbox at once."""
    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(500), primary_key=True)
    holder: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[datetime]
