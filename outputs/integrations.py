"""The integration room of the store: webhook deliveries (fan-out, due deliveries, outcomes, backlog) and
per-client API tokens (create, revoke, check). The outbox rows themselves are written by `StoreBase._event`
(outputs/outbox.py), in the transaction of the event.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional, Sequence

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError

from foundation.errors import IntakeError
from outputs.base import NotFoundError, StoreBase, _txt
from outputs.integration_tables import API_SCOPES, ApiToken, OAuthToken, OutboxEvent, WebhookDelivery
from outputs.tables import now_utc, utc

TOKEN_PREFIX = "itk_"
FAN_OUT_BATCH = 500


class TokenError(IntakeError, ValueError):
    """A token name already taken, or unknown."""


@dataclass(frozen=True)
class DueDelivery:
    id: int
    target: str
    attempts: int
    event_key: str
    kind: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class ApiClient:
    """Who an API token speaks for, shaped like a portal user for the visibility rules: a token with no
    channel sees every channel (like an administrator), else only its channels. `scopes`: what it may do
    (API_SCOPES); its actions are signed `api:<name>` in the timeline."""
    token_id: int
    name: str
    channels: frozenset[str]
    team_id: None = None
    scopes: frozenset[str] = frozenset({"read"})

    @property
    def is_admin(self) -> bool:
        return not self.channels

    @property
    def email(self) -> str:
        return f"api:{self.name}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class IntegrationRoom(StoreBase):
    # ----------------------------------------------------------------- webhook deliveries

    def fan_out(self, targets: Sequence[str], limit: int = FAN_OUT_BATCH) -> int:
        """A pending delivery per (outbox event, target) that has none yet; returns how many were made."""
        made = 0
        with self.session() as s:
            for target in targets:
                missing = select(OutboxEvent.id).outerjoin(WebhookDelivery, and_(
                    WebhookDelivery.outbox_id == OutboxEvent.id, WebhookDelivery.target == target)) \
                    .where(WebhookDelivery.id.is_(None)).order_by(OutboxEvent.id).limit(limit)
                now = now_utc()
                for outbox_id in s.scalars(missing).all():
                    s.add(WebhookDelivery(outbox_id=outbox_id, target=_txt(target, 100), status="pending",
                                          attempts=0, next_attempt_at=now, created_at=now))
                    made += 1
        return made

    def due_deliveries(self, now: datetime, limit: int = 100,
                       targets: Optional[Sequence[str]] = None) -> list[DueDelivery]:
        """Pending deliveries whose time has come, oldest event first (so a receiver sees them in order)."""
        query = (select(WebhookDelivery.id, WebhookDelivery.target, WebhookDelivery.attempts,
                        OutboxEvent.event_key, OutboxEvent.kind, OutboxEvent.payload)
                 .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.outbox_id)
                 .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
                 .order_by(OutboxEvent.id, WebhookDelivery.id).limit(limit))
        if targets is not None:
            query = query.where(WebhookDelivery.target.in_(list(targets)))
        with self.session(read=True) as s:
            return [DueDelivery(*row) for row in s.execute(query).all()]

    def delivery_done(self, delivery_id: int, status: int) -> None:
        self.deliveries_done([(delivery_id, status)])

    def deliveries_done(self, done: Sequence[tuple[int, int]]) -> None:
        """Acknowledged deliveries (id, HTTP status), in one transaction. A crash before it only means the
        receiver sees those events again (at least once; it de-duplicates on the event id)."""
        if not done:
            return
        with self.session() as s:
            now = now_utc()
            for delivery_id, status in done:
                row = s.get(WebhookDelivery, delivery_id)
                if row is None:
                    raise NotFoundError(f"no webhook delivery {delivery_id}")
                row.status, row.last_status, row.last_error = "delivered", status, None
                row.attempts += 1
                row.delivered_at = now

    def delivery_failed(self, delivery_id: int, status: Optional[int], error: str,
                        retry_at: Optional[datetime]) -> None:
        """A failed attempt: tried again at `retry_at`, or given up (`dead`, kept for a person) when None."""
        with self.session() as s:
            row = s.get(WebhookDelivery, delivery_id)
            if row is None:
                raise NotFoundError(f"no webhook delivery {delivery_id}")
            row.attempts += 1
            row.last_status, row.last_error = status, _txt(error, 2000)
            if retry_at is None:
                row.status = "dead"
            else:
                row.next_attempt_at = retry_at

    def retry_dead(self, target: Optional[str] = None) -> int:
        """Put given-up deliveries back in the queue (after the receiver was mended)."""
        with self.session() as s:
            query = select(WebhookDelivery).where(WebhookDelivery.status == "dead")
            if target:
                query = query.where(WebhookDelivery.target == target)
            rows = s.scalars(query).all()
            for row in rows:
                row.status, row.next_attempt_at = "pending", now_utc()
            return len(rows)

    def webhook_backlog(self) -> dict[str, Any]:
        """Deliveries per status, events not yet fanned out, and the age of the oldest pending delivery."""
        with self.session(read=True) as s:
            by_status = {k: n for k, n in s.execute(select(WebhookDelivery.status, func.count())
                                                   .group_by(WebhookDelivery.status)).all()}
            oldest = s.scalar(select(func.min(WebhookDelivery.created_at)).where(WebhookDelivery.status == "pending"))
            events = s.scalar(select(func.count()).select_from(OutboxEvent)) or 0
        age = (now_utc() - utc(oldest)).total_seconds() if oldest is not None else 0.0
        return {"statuses": by_status, "events": events, "oldest_pending_s": max(0.0, age)}

    def delivery_log(self, limit: int = 50) -> list[dict[str, Any]]:
        query = (select(WebhookDelivery, OutboxEvent.event_key, OutboxEvent.kind)
                 .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.outbox_id)
                 .order_by(WebhookDelivery.id.desc()).limit(limit))
        with self.session(read=True) as s:
            return [{"id": d.id, "target": d.target, "event": key, "kind": kind, "status": d.status,
                     "attempts": d.attempts, "last_status": d.last_status, "last_error": d.last_error,
                     "delivered_at": utc(d.delivered_at)} for d, key, kind in s.execute(query).all()]

    # ----------------------------------------------------------------- API tokens

    def create_api_token(self, name: str, channels: Sequence[str] = (), scopes: Sequence[str] = ("read",)) -> str:
        """A new token for a client; the token itself is returned once and never stored."""
        name = (name or "").strip()
        if not name:
            raise TokenError("an API token needs a name")
        unknown = sorted(set(scopes) - set(API_SCOPES))
        if unknown or not scopes:
            raise TokenError(f"unknown API scope(s) {unknown} (known: {', '.join(API_SCOPES)})" if unknown
                             else "an API token needs at least one scope")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        try:
            with self.session() as s:
                s.add(ApiToken(name=_txt(name, 100), token_hash=hash_token(token), prefix=token[:12],
                               channels=sorted(set(channels)),
                               scopes=[x for x in API_SCOPES if x in set(scopes)], created_at=now_utc()))
        except IntegrityError as error:
            raise TokenError(f"an API token named {name!r} already exists") from error
        return token

    def revoke_api_token(self, name: str) -> None:
        with self.session() as s:
            row = s.scalar(select(ApiToken).where(ApiToken.name == name))
            if row is None:
                raise TokenError(f"no API token named {name!r}")
            row.revoked_at = row.revoked_at or now_utc()

    def api_tokens(self) -> list[dict[str, Any]]:
        with self.session(read=True) as s:
            return [{"name": t.name, "prefix": t.prefix, "channels": list(t.channels or []),
                     "scopes": list(t.scopes or ["read"]),
                     "created_at": utc(t.created_at), "revoked_at": utc(t.revoked_at),
                     "last_used_at": utc(t.last_used_at)}
                    for t in s.scalars(select(ApiToken).order_by(ApiToken.id)).all()]

    def check_api_token(self, token: str, touch_every: timedelta = timedelta(minutes=1)) -> Optional[ApiClient]:
        """The client a presented token belongs to, or None (unknown, revoked, malformed)."""
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        digest = hash_token(token)
        with self.session(read=True) as s:   # a read: an API call takes SQLite's write lock only to note its use
            row = s.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
            if row is None or row.revoked_at is not None:
                return None
            client = ApiClient(row.id, row.name, frozenset(row.channels or []),
                               scopes=frozenset(row.scopes or ["read"]))
            last_used = utc(row.last_used_at) if row.last_used_at else None
        now = now_utc()
        if last_used is None or now - last_used >= touch_every:   # at most once a minute, its own short transaction
            with self.session() as s:
                s.execute(update(ApiToken).where(ApiToken.id == client.token_id).values(last_used_at=now))
        return client

    # ----------------------------------------------------------------- OAuth2 tokens of mailboxes (encrypted by the caller)

    def oauth_token(self, key: str) -> Optional[dict[str, Any]]:
        with self.session(read=True) as s:
            row = s.get(OAuthToken, key)
            if row is None:
                return None
            return {"access_token": row.access_token, "refresh_token": row.refresh_token,
                    "expires_at": utc(row.expires_at), "last_error": row.last_error}

    def save_oauth_token(self, key: str, *, access_token: Optional[str] = None, refresh_token: Optional[str] = None,
                         expires_at: Optional[datetime] = None, error: Optional[str] = None) -> None:
        """Store new (encrypted) tokens, or only the error of a failed refresh (the old tokens stay)."""
        with self.session() as s:
            row = s.get(OAuthToken, key)
            if row is None:
                row = OAuthToken(key=_txt(key, 500))
                s.add(row)
            if error is None:
                row.access_token, row.expires_at = access_token, expires_at
                if refresh_token:
                    row.refresh_token = refresh_token
            row.last_error = _txt(error, 2000)
            row.updated_at = now_utc()
