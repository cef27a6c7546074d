"""The webhook outbox writer: called by `StoreBase._event` inside the caller's transaction, so the row that
tells the case-management system about an event commits or rolls back with the event itself.

What is published: `opened` (only when the dossier is really open, not a dossier created in review),
`attached`, `refused`, `corrected`. The payload is what the receiver gets, signed, as the HTTP body; its `id`
(a UUID, also the `Idempotency-Key` header) stays the same across retries, so a receiver de-duplicates on it.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Optional

from sqlalchemy.orm import Session

from outputs.integration_tables import WEBHOOK_KINDS, OutboxEvent
from outputs.tables import RecordRow

PAYLOAD_VERSION = 1


def publishable(kind: str, detail: dict[str, Any]) -> bool:
    if kind not in WEBHOOK_KINDS:
        return False
    return kind != "opened" or detail.get("status") == "open"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def add_outbox_event(session: Session, kind: str, at: datetime, *, record_id: Optional[int],
                     dossier_id: Optional[str], actor: str, detail: dict[str, Any]) -> OutboxEvent:
    record = session.get(RecordRow, record_id) if record_id is not None else None
    channel = record.channel if record is not None else None
    claim = record.claim_number if record is not None else None
    key = str(uuid.uuid4())
    payload = {
        "id": key, "version": PAYLOAD_VERSION, "type": f"dossier.{kind}", "occurred_at": at.isoformat(),
        "dossier_id": dossier_id, "record_id": record_id, "channel": channel, "claim_number": claim,
        "actor": actor, "detail": _jsonable(detail),
    }
    row = OutboxEvent(event_key=key, kind=kind, dossier_id=dossier_id, record_id=record_id, channel=channel,
                      payload=payload, created_at=at)
    session.add(row)
    return row
