"""Records and routing: a processed message's record is routed against the dossiers already known and
stored with its documents and timeline in one transaction; reading records out (export, counts).

What the exported record says after a reviewer acts (`current_json`, printed by `intake export`):
- a correction changes the field's value and sets `fields.<name>.corrected_by` (confidence 1.0, evidence
  kept); the machine's version stays in `machine_json` and the old value in `field_corrections`.
- `decision`, `queue` and `reasons` stay what the machine decided: they say how the message was routed
  (a `manual_review` record that a reviewer accepted *was* reviewed; pretending it was `auto_open` would
  lie to the reporting). The reviewer's verdict is `records.review_status` (accepted / attached /
  refused) and the timeline.
- `dossier_id` is the dossier the record opened or was attached to (see outputs/review.py).

Dossiers: every mission order that routing does not attach gets a dossier row at once (status `open` when
auto-opened, `pending_review` when sent to review), so a later copy of the same claim is attached to it as
`duplicate` whichever way the first one went.
"""
from __future__ import annotations

import copy
import hashlib
from typing import Any, Iterator, NamedTuple, Optional, Sequence

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from foundation.models import MissionRecord, ParsedMessage, Processed
from outputs.base import NotFoundError, StoreBase, _txt
from outputs.ledger import RawLedger
from outputs.tables import DocumentRow, Dossier, RawMessage, RecordRow, now_utc
from rulestage.routing import route


class SavedRecord(NamedTuple):
    """What `save_processed` stored: the record's id, its decision after routing (a duplicate becomes
    `attach`), its dossier, and whether it is new (False when the raw already had its record)."""
    record_id: int
    decision: str
    dossier_id: Optional[str]
    created: bool


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
        dossier = new_dossier(claim_number, dossier_id, record)
        self.session.add(dossier)
        self.session.flush()
        self.opened.append(dossier)


def new_dossier(claim_number: Optional[str], dossier_id: str, record: MissionRecord) -> Dossier:
    """The dossier a routed record opens: open when auto-opened, else waiting for its review."""
    auto = record.decision == "auto_open"
    now = now_utc()
    return Dossier(id=dossier_id, claim_number=_txt(claim_number, 100), channel=record.channel,
                   status="open" if auto else "pending_review", last_name=_txt(record.insured.last_name, 255),
                   peril=record.peril, opened_at=now if auto else None, created_at=now, extra={})


def new_record_row(raw: RawMessage, routed: Any, data: dict) -> RecordRow:
    """The record row of a routed record (data: its JSON), dated by its message: the Date header, else the fax
    file's or the mailbox's arrival time, else now (the queue sorts and filters by it)."""
    now = now_utc()
    return RecordRow(
        raw_message_id=raw.id, machine_json=data, current_json=copy.deepcopy(data),
        document_type=routed.document_type, channel=routed.channel,
        claim_number=_txt(routed.claim_number, 100), last_name=_txt(routed.insured.last_name, 255),
        decision=routed.decision, queue=_txt(routed.queue, 100), reasons=list(routed.reasons),
        dossier_id=routed.dossier_id, review_status="pending" if routed.decision == "manual_review" else "none",
        created_at=now, updated_at=now, message_date=raw.date_header or raw.received_at or now)


def record_events(room: Any, s: Session, raw_id: int, message: Any, routed: Any, row: RecordRow,
                  opened: list) -> None:
    """The timeline of one saved message (parsed, classified, routed, opened, attached), single or batched."""
    ids = {"raw_message_id": raw_id, "record_id": row.id}
    room._event(s, "parsed", **ids, message_kind=message.kind if message else None,
                documents=len(message.documents()) if message else 0,
                unreadable="unreadable_input" in routed.reasons)
    room._event(s, "classified", **ids, document_type=routed.document_type, channel=routed.channel,
                peril=routed.peril, claim_number=routed.claim_number)
    room._event(s, "routed", **ids, dossier_id=routed.dossier_id, decision=routed.decision,
                queue=routed.queue, reasons=list(routed.reasons))
    for dossier in opened:
        room._event(s, "opened", **ids, dossier_id=dossier.id, status=dossier.status)
    if routed.decision == "attach" and routed.dossier_id and routed.dossier_id not in {d.id for d in opened}:
        room._event(s, "attached", **ids, dossier_id=routed.dossier_id, reasons=list(routed.reasons))


class RecordRoom(StoreBase):
    def save_processed(self, raw_id: int, processed: Processed) -> SavedRecord:
        """Route the record against the dossiers in the database and store it, its documents and events.

        One transaction: either everything (record, dossier, documents, events, raw marked processed) or
        nothing. A raw already processed keeps its record (idempotent): it is returned unchanged.
        """
        with self.session() as s:
            return self._save_in(s, raw_id, processed)

    def save_processed_many(self, items: Sequence[tuple[int, Processed]]) -> list[SavedRecord]:
        """`save_processed` for a batch, in one transaction (one commit; the raws and the records already
        there, the claims' dossiers read in one query each; outputs/record_batches.py). All or nothing: any
        error rolls the whole batch back and raises, so the caller saves that batch one by one
        (`intake.ingest.process_raw_ids`); nothing is stored twice."""
        if not items:
            return []
        from outputs.record_batches import save_batch

        with self.session() as s:
            return save_batch(self, s, items)

    def _save_in(self, s: Session, raw_id: int, processed: Processed) -> SavedRecord:
        """One record inside the caller's transaction."""
        record, message = processed.record, processed.message
        raw = s.get(RawMessage, raw_id)
        if raw is None:
            raise NotFoundError(f"no raw message {raw_id}")
        found = s.execute(select(RecordRow.id, RecordRow.decision, RecordRow.dossier_id)
                          .where(RecordRow.raw_message_id == raw_id)).first()
        if found is not None:
            raw.status = "processed"
            return SavedRecord(found.id, found.decision, found.dossier_id, False)
        self._lock_claim(s, record.claim_number)
        index = DbIndex(s)
        routed = route(record, index)
        if routed.dossier_id and s.get(Dossier, routed.dossier_id) is None:
            # a mission order with no claim number still gets its dossier (in review)
            index.register(routed.claim_number, routed.dossier_id, record)
        data = routed.to_json_dict()
        row = new_record_row(raw, routed, data)
        s.add(row)
        s.flush()
        for dossier in index.opened:
            dossier.opening_record_id = row.id
        self._store_documents(s, raw_id, message)
        record_events(self, s, raw_id, message, routed, row, index.opened)
        raw.status = "processed"
        raw.error = None
        raw.attempts = (raw.attempts or 0) + 1
        return SavedRecord(row.id, routed.decision, routed.dossier_id, True)

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
                notes=[_txt(n, 1000) for n in doc.notes] or None, page_count=doc.page_count,
                text=_txt("\f".join(p.text for p in doc.pages)) or "", pages_json=pages))

    def get_record(self, record_id: int) -> dict:
        """The current record (with corrections) as the contract's dict."""
        with self.session(read=True) as s:
            return copy.deepcopy(self._record(s, record_id).current_json)

    def export_records(self) -> Iterator[dict]:
        """`current_json` of every record, oldest first (message date, else arrival; then storage order)."""
        query = (select(RecordRow.current_json).join(RawMessage, RawMessage.id == RecordRow.raw_message_id)
                 .order_by(*RawLedger._date_order()[:2], RecordRow.id))
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

