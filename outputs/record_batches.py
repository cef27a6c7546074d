"""Saving a batch of records in one transaction with few round trips (`RecordRoom.save_processed_many`).

The same rows and events as `save_processed` message by message, in the same order, but:
- the claims of the whole batch are locked at once (PostgreSQL advisory locks, taken in key order, so two
  processes saving batches never wait on each other in a cycle);
- the raws, the records already there and the dossiers of the batch's claims are read in one query each;
  routing then runs against that picture (`BatchIndex`), which also holds the dossiers the batch opens;
- the dossiers, records, documents and events go in as one INSERT per table (records RETURNING their ids),
  instead of a flush per message.
All or nothing: the caller's transaction commits the whole batch or none of it.
"""
from __future__ import annotations

import hashlib
from typing import Optional, Sequence

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from foundation.models import MissionRecord, Processed
from outputs.base import NotFoundError, _txt
from outputs.records import new_dossier, new_record_row, record_events
from outputs.tables import Dossier, RawMessage, RecordRow
from rulestage.routing import dossier_id_for, route


class BatchIndex:
    """`rulestage.routing.DossierIndex` over the dossiers read for the batch and those it opens."""

    def __init__(self, session: Session, dossiers: list[Dossier]):
        self.session = session
        self.by_id = {d.id: d for d in dossiers}       # strong references: the session's identity map is weak
        self.by_claim: dict[str, str] = {}
        for d in sorted(dossiers, key=lambda d: (d.created_at, d.id)):
            if d.claim_number:
                self.by_claim.setdefault(d.claim_number, d.id)
        self.opened: list[Dossier] = []                # by the message being routed

    def find_by_claim(self, claim_number: str) -> Optional[str]:
        return self.by_claim.get(_txt(claim_number, 100) or "")

    def register(self, claim_number: Optional[str], dossier_id: str, record: MissionRecord) -> None:
        if dossier_id in self.by_id:
            return
        dossier = new_dossier(claim_number, dossier_id, record)
        self.session.add(dossier)
        self.by_id[dossier_id] = dossier
        if dossier.claim_number:
            self.by_claim.setdefault(dossier.claim_number, dossier_id)
        self.opened.append(dossier)


def lock_claims(session: Session, claims: Sequence[Optional[str]]) -> None:
    """PostgreSQL: the advisory locks of every claim of the batch, in one statement, in key order."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({int.from_bytes(hashlib.sha256(c.encode()).digest()[:8], "big", signed=True) for c in claims if c})
    if keys:
        session.execute(text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k"),
                        {"keys": keys})


def save_batch(room, s: Session, items: Sequence[tuple[int, Processed]]) -> list:
    """Save every (raw id, Processed) inside `s`; returns the `SavedRecord`s in the order given."""
    from outputs.records import SavedRecord

    ids = [raw_id for raw_id, _done in items]
    raws = {r.id: r for r in s.scalars(select(RawMessage).where(RawMessage.id.in_(ids)))}
    existing = {r.raw_message_id: r for r in s.execute(
        select(RecordRow.raw_message_id, RecordRow.id, RecordRow.decision, RecordRow.dossier_id)
        .where(RecordRow.raw_message_id.in_(ids))).all()}
    lock_claims(s, [done.record.claim_number for raw_id, done in items if raw_id not in existing])
    claims = {_txt(done.record.claim_number, 100) for _r, done in items if done.record.claim_number}
    own_ids = {dossier_id_for(done.record) for _r, done in items}
    wanted = Dossier.id.in_(own_ids) | Dossier.claim_number.in_(claims) if claims else Dossier.id.in_(own_ids)
    index = BatchIndex(s, list(s.scalars(select(Dossier).where(wanted))))
    out: list[Optional[SavedRecord]] = []
    pending = []            # (raw id, Processed, routed, RecordRow, dossiers opened)
    for raw_id, done in items:
        raw = raws.get(raw_id)
        if raw is None:
            raise NotFoundError(f"no raw message {raw_id}")
        found = existing.get(raw_id)
        if found is not None:
            raw.status = "processed"
            out.append(SavedRecord(found.id, found.decision, found.dossier_id, False))
            continue
        index.opened = []
        routed = route(done.record, index)
        if routed.dossier_id and routed.dossier_id not in index.by_id:
            # a mission order with no claim number still gets its dossier (in review)
            index.register(routed.claim_number, routed.dossier_id, done.record)
        data = routed.to_json_dict()
        row = new_record_row(raw, routed, data)
        room._store_documents(s, raw_id, done.message)
        raw.status, raw.error, raw.attempts = "processed", None, (raw.attempts or 0) + 1
        pending.append((raw_id, done, routed, row, index.opened))
        out.append(None)
    s.flush()               # the dossiers first (records refer to them), documents, raw status
    s.add_all([p[3] for p in pending])
    s.flush()               # the records, one INSERT ... RETURNING id
    slots = iter(i for i, saved in enumerate(out) if saved is None)
    for raw_id, done, routed, row, opened in pending:
        for dossier in opened:
            dossier.opening_record_id = row.id
        record_events(room, s, raw_id, done.message, routed, row, opened)
        out[next(slots)] = SavedRecord(row.id, routed.decision, routed.dossier_id, True)
    return out
