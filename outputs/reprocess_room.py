"""Reprocessing room: the parse cache, the choice of stored records to decide again, and applying a new
record version (tables in outputs/reprocess_tables.py, migration 0004_reprocess).

- Every message saved by `save_processed` leaves its parse in `parse_cache` (best effort, after the record's
  own transaction: a cache failure never loses a record). `cached_parse(sha256)` gives it back as a
  `ParsedMessage` while the reader version is the same.
- `reprocess_candidates` lists stored records by date, channel, decision, reason, and says which must be
  **kept**: a reviewer's correction or verdict (accepted, attached, refused), an opened (or closed) dossier.
- `apply_version` replaces the machine's record of one message with a new one: the old one goes to
  `record_versions`, an event `reprocessed` is written; a kept record is never changed.
"""
from __future__ import annotations

import copy
import logging
from datetime import datetime
from typing import Iterator, NamedTuple, Optional

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from foundation.models import MissionRecord, ParsedMessage, Processed, SourceRef
from outputs.base import NotFoundError, StoreBase, _txt
from outputs.records import DbIndex, SavedRecord
from outputs.reprocess_tables import ParseCache, RecordVersion
from outputs.tables import Dossier, FieldCorrection, RawMessage, RecordRow, now_utc, utc
from parsers.version import reader_version
from rulestage.routing import route

log = logging.getLogger(__name__)

KEPT_REVIEW = {"accepted": "accepted by a reviewer", "attached": "attached by a reviewer",
               "refused": "refused by a reviewer"}
KEPT_DOSSIER = {"open": "dossier opened", "closed": "dossier closed", "refused": "dossier refused"}


class Candidate(NamedTuple):
    """A stored record that reprocessing may decide again; `kept` says why it must not change (else None)."""
    record_id: int
    raw_id: int
    sha256: str
    source: SourceRef
    machine_json: dict
    current_json: dict
    kept: Optional[str]


class ReplayIndex:
    """Routing a record again: the dossiers opened before it, not the one it opened itself; registers nothing."""

    def __init__(self, session: Session, record_id: int):
        self.session, self.record_id = session, record_id

    def find_by_claim(self, claim_number: str) -> Optional[str]:
        own = Dossier.opening_record_id
        return self.session.scalar(
            select(Dossier.id).where(Dossier.claim_number == _txt(claim_number, 100),
                                     own.is_(None) | (own < self.record_id))
            .order_by(Dossier.created_at, Dossier.id).limit(1))

    def register(self, claim_number, dossier_id, record) -> None:
        return None


def _skeleton(message: ParsedMessage) -> tuple[dict, dict[str, list]]:
    """The message without its pages, and the pages of each document by sha256."""
    data = message.model_dump(mode="json")
    pages: dict[str, list] = {}
    docs = ([data["body"]] if data.get("body") else []) + list(data.get("attachments") or [])
    for doc in docs:
        pages.setdefault(doc["sha256"], doc.pop("pages", []))
        doc["pages"] = None
    return data, pages


def _fill(data: dict, pages: dict[str, list]) -> Optional[ParsedMessage]:
    docs = ([data["body"]] if data.get("body") else []) + list(data.get("attachments") or [])
    for doc in docs:
        if doc["sha256"] not in pages:
            return None
        doc["pages"] = pages[doc["sha256"]]
    return ParsedMessage.model_validate(data)


class ReprocessRoom(StoreBase):
    def save_processed(self, raw_id: int, processed: Processed) -> SavedRecord:
        """The record room's save, then the parse goes to the cache (outside the record's transaction)."""
        saved = super().save_processed(raw_id, processed)  # type: ignore[misc]
        self._cache_quietly([processed], f"raw {raw_id}")
        return saved

    def save_processed_many(self, items) -> list[SavedRecord]:
        """The record room's batch save (one transaction), then the batch's parses in one more."""
        saved = super().save_processed_many(items)  # type: ignore[misc]
        self._cache_quietly([done for _raw_id, done in items], f"{len(items)} raws")
        return saved

    def _cache_quietly(self, done: list[Processed], what: str) -> None:
        try:
            self.cache_parses([(p.record.source.sha256, p.message) for p in done if p.message is not None])
        except Exception as error:  # noqa: BLE001 - the cache is an optimisation; the record is safe
            log.warning("parse cache of %s not written: %s", what, error)

    def cache_parse(self, sha256: str, message: ParsedMessage, version: Optional[str] = None) -> None:
        """Keep the parse of one message (its pages once per document sha256) for this reader version."""
        self.cache_parses([(sha256, message)], version)

    def cache_parses(self, messages: list[tuple[str, ParsedMessage]], version: Optional[str] = None) -> None:
        """`cache_parse` for many messages: one query for what is there, one transaction for the rest."""
        if not messages:
            return
        version = version or reader_version()
        wanted: dict[tuple[str, str], dict] = {}
        for sha256, message in messages:
            data, pages = _skeleton(message)
            wanted.setdefault(("message", sha256), data)
            for key, value in pages.items():
                wanted.setdefault(("document", key), {"pages": value})
        with self.session(read=True) as s:
            have = set(s.execute(select(ParseCache.kind, ParseCache.sha256).where(
                ParseCache.reader_version == version,
                ParseCache.sha256.in_(list({key for _kind, key in wanted})))).all())
        rows = [ParseCache(kind=kind, sha256=key, reader_version=version, payload=_clean(payload), created_at=now_utc())
                for (kind, key), payload in wanted.items() if (kind, key) not in have]
        if not rows:
            return
        try:
            with self.session() as s:   # one transaction in the common case
                s.add_all(rows)
            return
        except IntegrityError:
            pass                        # another worker cached one of them meanwhile: one by one
        for row in rows:
            try:
                with self.session() as s:
                    s.add(ParseCache(kind=row.kind, sha256=row.sha256, reader_version=version, payload=row.payload,
                                     created_at=row.created_at))
            except IntegrityError:
                pass

    def cached_parse(self, sha256: str, version: Optional[str] = None) -> Optional[ParsedMessage]:
        """The parsed message of the raw with this sha256, if cached for this reader version."""
        version = version or reader_version()
        with self.session(read=True) as s:
            data = s.scalar(select(ParseCache.payload).where(
                ParseCache.kind == "message", ParseCache.sha256 == sha256, ParseCache.reader_version == version))
            if data is None:
                return None
            data = copy.deepcopy(data)
            docs = ([data["body"]] if data.get("body") else []) + list(data.get("attachments") or [])
            keys = {d["sha256"] for d in docs}
            rows = s.execute(select(ParseCache.sha256, ParseCache.payload).where(
                ParseCache.kind == "document", ParseCache.reader_version == version,
                ParseCache.sha256.in_(keys))).all() if keys else []
        return _fill(data, {k: p["pages"] for k, p in rows})

    def cache_counts(self) -> dict[str, int]:
        with self.session(read=True) as s:
            return {k: n for k, n in s.execute(select(ParseCache.kind, func.count()).group_by(ParseCache.kind))}

    def reprocess_candidates(self, since: Optional[datetime] = None, channel: Optional[str] = None,
                             decision: Optional[str] = None, reason: Optional[str] = None,
                             record_ids: Optional[list[int]] = None) -> Iterator[Candidate]:
        """Stored records matching every filter given (message date, else arrival, on or after `since`)."""
        moment = func.coalesce(RawMessage.date_header, RawMessage.received_at, RawMessage.created_at)
        query = (select(RecordRow, RawMessage.sha256, RawMessage.source_uri, RawMessage.received_at,
                        RawMessage.source_kind, Dossier.status)
                 .join(RawMessage, RawMessage.id == RecordRow.raw_message_id)
                 .outerjoin(Dossier, Dossier.id == RecordRow.dossier_id).order_by(RecordRow.id))
        if since is not None:
            query = query.where(moment >= since)
        if channel:
            query = query.where(RecordRow.channel == channel)
        if decision:
            query = query.where(RecordRow.decision == decision)
        if record_ids is not None:
            query = query.where(RecordRow.id.in_(record_ids))
        with self.session(read=True) as s:
            corrected = set(s.scalars(select(FieldCorrection.record_id).distinct()))
            rows = s.execute(query).all()
        for row, sha, uri, received, kind, dossier_status in rows:
            if reason and reason not in (row.reasons or []):
                continue
            name = uri.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1] if kind in ("file", "fax", "upload") else None
            kept = ("corrected by a reviewer" if row.id in corrected else KEPT_REVIEW.get(row.review_status)
                    or (KEPT_DOSSIER.get(dossier_status) if row.dossier_id else None))
            yield Candidate(row.id, row.raw_message_id, sha, SourceRef(uri=uri, received_at=utc(received),
                                                                       filename=name or None),
                            row.machine_json, row.current_json, kept)

    def replay_route(self, record_id: int, record: MissionRecord) -> MissionRecord:
        """Route a re-decided record as if it arrived again in its place: against the dossiers before it."""
        with self.session(read=True) as s:
            return route(record, ReplayIndex(s, record_id))

    def apply_version(self, record_id: int, routed: MissionRecord, actor: str, config: Optional[str] = None,
                      changes: Optional[list[str]] = None) -> str:
        """Replace the machine's record by `routed` (a new version); returns "applied", "kept" or "unchanged"."""
        new = routed.to_json_dict()
        with self.session() as s:
            row = self._record(s, record_id)
            dossier = s.get(Dossier, row.dossier_id) if row.dossier_id else None
            corrected = s.scalar(select(func.count()).select_from(FieldCorrection)
                                 .where(FieldCorrection.record_id == record_id))
            if corrected or row.review_status in KEPT_REVIEW or (dossier is not None and dossier.status in KEPT_DOSSIER):
                return "kept"
            if new == row.machine_json:
                return "unchanged"
            version = (s.scalar(select(func.max(RecordVersion.version)).where(RecordVersion.record_id == record_id))
                       or 0) + 1
            s.add(RecordVersion(record_id=record_id, version=version, machine_json=row.machine_json,
                                current_json=row.current_json, decision=row.decision, replaced_at=now_utc(),
                                replaced_by=_txt(actor, 320) or "system", config=config))
            before = row.decision
            if routed.dossier_id and s.get(Dossier, routed.dossier_id) is None:
                index = DbIndex(s)
                index.register(routed.claim_number, routed.dossier_id, routed)
                for opened in index.opened:
                    opened.opening_record_id = row.id
            elif dossier is not None and routed.dossier_id == dossier.id and routed.decision == "auto_open" \
                    and dossier.status == "pending_review":
                dossier.status, dossier.opened_at = "open", now_utc()
            row.machine_json, row.current_json = new, copy.deepcopy(new)
            row.document_type, row.channel, row.decision = routed.document_type, routed.channel, routed.decision
            row.claim_number = _txt(routed.claim_number, 100)
            row.last_name = _txt(routed.insured.last_name, 255)
            row.queue, row.reasons, row.dossier_id = _txt(routed.queue, 100), list(routed.reasons), routed.dossier_id
            row.review_status = "pending" if routed.decision == "manual_review" else "none"
            self._event(s, "reprocessed", raw_message_id=row.raw_message_id, record_id=row.id,
                        dossier_id=routed.dossier_id, actor=actor, version=version + 1, config=config,
                        decision_before=before, decision=routed.decision, reasons=list(routed.reasons),
                        changes=list(changes or []))
            return "applied"

    def record_versions(self, record_id: int) -> list[dict]:
        with self.session(read=True) as s:
            if s.get(RecordRow, record_id) is None:
                raise NotFoundError(f"no record {record_id}")
            rows = s.scalars(select(RecordVersion).where(RecordVersion.record_id == record_id)
                             .order_by(RecordVersion.version)).all()
            return [{"version": r.version, "decision": r.decision, "replaced_by": r.replaced_by,
                     "config": r.config, "machine_json": r.machine_json} for r in rows]


def _clean(value):
    """JSON safe for PostgreSQL: no NUL characters anywhere."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value
