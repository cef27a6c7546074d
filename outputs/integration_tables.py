"""Tables of the integration surface, on the store's declarative Base (migration `0004_integrations`):

- `outbox`: one row per event a case-management system is told about (opened, attached, refused,
  corrected), written by `StoreBase._event` in the same transaction as the timeline event, so an event
  is published if and only if it happened. `event_key` (a UUID) is the receiver's idempotency key.
- `webhook_deliveries`: one row per (outbox event, target URL): attempts, next try, last answer. The
  delivery worker (intake/webhooks.py) fans new outbox rows out to every configured target.
- `oauth_tokens`: mailboxes' OAuth2 access and refresh tokens, encrypted (intake/oauth.py).
- `api_tokens`: per-client API tokens; only the SHA-256 of the token is kept (the token is 256 random
  bits, so a plain hash is enough: no guessing, no dictionary). Scoped to channels; revocable; with scopes (read, write, reprocess).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outputs.tables import Base, now_utc

WEBHOOK_KINDS = ("opened", "attached", "refused", "corrected")
DELIVERY_STATUSES = ("pending", "delivered", "dead")
API_SCOPES = ("read", "write", "reprocess")   # read the records; correct and decide them; decide them again


class OutboxEvent(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_key: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    dossier_id: Mapped[Optional[str]] = mapped_column(String(40))
    record_id: Mapped[Optional[int]] = mapped_column(Integer)
    channel: Mapped[Optional[str]] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("outbox_id", "target", name="uq_webhook_deliveries_outbox_target"),
                      Index("ix_webhook_deliveries_due", "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(100))             # the target's name in the configuration
    status: Mapped[str] = mapped_column(String(12), default="pending")  # DELIVERY_STATUSES
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_status: Mapped[Optional[int]] = mapped_column(Integer)  # HTTP status of the last answer
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    delivered_at: Mapped[Optional[datetime]]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))              # first characters, to tell tokens apart
    channels: Mapped[list[Any]] = mapped_column(JSON, default=list)   # empty = every channel
    scopes: Mapped[Optional[list[Any]]] = mapped_column(JSON)         # API_SCOPES; null = ["read"] (migration 0007)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    revoked_at: Mapped[Optional[datetime]]
    last_used_at: Mapped[Optional[datetime]]


class OAuthToken(Base):
    """A mailbox's OAuth2 tokens, encrypted (Fernet, key from INTAKE_OAUTH_KEY): never readable from the database."""
    __tablename__ = "oauth_tokens"

    key: Mapped[str] = mapped_column(String(500), primary_key=True)   # the mailbox's authority (user@host:port)
    access_token: Mapped[Optional[str]] = mapped_column(Text)          # encrypted
    refresh_token: Mapped[Optional[str]] = mapped_column(Text)         # encrypted (rotated when the server sends one)
    expires_at: Mapped[Optional[datetime]]
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)
