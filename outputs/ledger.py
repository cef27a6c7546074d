"""The raw ledger: every message's bytes, kept (committed) before anything reads them, with where they came
from and their reading status (pending, processed, failed). Idempotent on sha256, so a door may offer the
same bytes twice (a re-poll after a crash, the same file in two archives) and they are kept once.
"""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, Optional, Sequence

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from foundation.errors import DatabaseError
from foundation.models import SourceRef
from foundation.record import sha256_hex
from outputs.base import NotFoundError, StoreBase, _txt
from outputs.tables import RAW_KINDS, RawMessage, now_utc, utc
from parsers.headers import peek


class StoredRaw(NamedTuple):
    """The raw message's id in the ledger; `created` is False when the same bytes were already there."""
    raw_id: int
    created: bool


class NewRaw(NamedTuple):
    """One message for `add_raws`: the arguments of `add_raw`."""
    raw: bytes
    source: SourceRef
    kind: str
    mailbox: Optional[str] = None
    date_header: Optional[datetime] = None


class FailedRaw(NamedTuple):
    raw_id: int
    uri: str
    attempts: int
    error: Optional[str]


class RawLedger(StoreBase):
    def add_raw(self, raw: bytes, source: SourceRef, kind: str, mailbox: Optional[str] = None,
                date_header: Optional[datetime] = None) -> StoredRaw:
        """Keep the bytes (committed) before anything reads them. Idempotent on sha256."""
        if kind not in RAW_KINDS:
            raise ValueError(f"source kind must be one of {RAW_KINDS}, not {kind!r}")
        digest = sha256_hex(raw)
        with self.session(read=True) as s:
            found = s.scalar(select(RawMessage.id).where(RawMessage.sha256 == digest))
            if found is not None:
                return StoredRaw(found, False)
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
                return StoredRaw(row.id, True)
        except IntegrityError:  # another process stored the same bytes meanwhile
            with self.session() as s:
                found = s.scalar(select(RawMessage.id).where(RawMessage.sha256 == digest))
            if found is None:
                raise
            return StoredRaw(found, False)

    def add_raws(self, items: Sequence[NewRaw]) -> list[StoredRaw]:
        """`add_raw` for many messages in one transaction (one commit, one SELECT for the known sha256s, the
        rows and their events inserted together). All or nothing: when the transaction fails (another process
        stored one of the same bytes meanwhile, a bad value) it falls back to `add_raw` one by one, so one
        message's trouble loses none of the others and nothing is stored twice. In the order given."""
        for item in items:
            if item.kind not in RAW_KINDS:
                raise ValueError(f"source kind must be one of {RAW_KINDS}, not {item.kind!r}")
        digests = [sha256_hex(item.raw) for item in items]
        if len(items) <= 1:
            return [self.add_raw(i.raw, i.source, i.kind, mailbox=i.mailbox, date_header=i.date_header) for i in items]
        with self.session(read=True) as s:
            known: dict[str, int] = {}
            unique = list(dict.fromkeys(digests))
            for start in range(0, len(unique), 500):
                known.update(s.execute(select(RawMessage.sha256, RawMessage.id)
                                       .where(RawMessage.sha256.in_(unique[start:start + 500]))).tuples().all())
        try:
            with self.session() as s:
                rows: dict[str, RawMessage] = {}
                for item, digest in zip(items, digests):
                    if digest in known or digest in rows:
                        continue
                    message_id, peeked_date = peek(item.raw)
                    rows[digest] = RawMessage(
                        sha256=digest, message_id=_txt(message_id, 998), source_uri=_txt(item.source.uri) or "",
                        source_kind=item.kind, mailbox=_txt(item.mailbox, 500), received_at=utc(item.source.received_at),
                        date_header=utc(item.date_header) if item.date_header else peeked_date, raw=bytes(item.raw),
                        size=len(item.raw), status="pending", attempts=0, created_at=now_utc())
                s.add_all(rows.values())
                s.flush()   # one INSERT for the batch (RETURNING the ids on PostgreSQL)
                for digest, row in rows.items():
                    self._event(s, "received", raw_message_id=row.id, uri=row.source_uri, source_kind=row.source_kind,
                                mailbox=row.mailbox, size=row.size, sha256=digest)
                created = {digest: row.id for digest, row in rows.items()}
        except (IntegrityError, DatabaseError):
            return [self.add_raw(i.raw, i.source, i.kind, mailbox=i.mailbox, date_header=i.date_header) for i in items]
        out, first = [], set()
        for digest in digests:
            if digest in created and digest not in first:
                first.add(digest)
                out.append(StoredRaw(created[digest], True))
            else:
                out.append(StoredRaw(known.get(digest) or created[digest], False))
        return out

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
            return bytes(row.raw), _source_of(row)

    def load_raws(self, raw_ids: Sequence[int]) -> dict[int, tuple[bytes, SourceRef]]:
        """`load_raw` for many ids in one query (ids the store does not hold are left out)."""
        out: dict[int, tuple[bytes, SourceRef]] = {}
        with self.session(read=True) as s:
            for start in range(0, len(raw_ids), 200):
                for row in s.scalars(select(RawMessage).where(RawMessage.id.in_(list(raw_ids[start:start + 200])))):
                    out[row.id] = (bytes(row.raw), _source_of(row))
        return out

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

    def retryable_raw_ids(self, max_attempts: int, limit: int = 100) -> list[int]:
        """Failed raw messages tried fewer than `max_attempts` times, oldest first (the scheduler retries them)."""
        with self.session(read=True) as s:
            return list(s.scalars(select(RawMessage.id).where(RawMessage.status == "failed",
                                                              RawMessage.attempts < max_attempts)
                                  .order_by(RawMessage.id).limit(limit)).all())

    def failed_raws(self, limit: int = 20) -> list[FailedRaw]:
        """Raw messages whose reading failed, newest first (for `intake status`)."""
        query = select(RawMessage.id, RawMessage.source_uri, RawMessage.attempts, RawMessage.error) \
            .where(RawMessage.status == "failed")
        with self.session(read=True) as s:
            rows = s.execute(query.order_by(RawMessage.id.desc()).limit(limit)).all()
        return [FailedRaw(r.id, r.source_uri, r.attempts or 0, r.error) for r in rows]


def _source_of(row: RawMessage) -> SourceRef:
    name = row.source_uri.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1] if row.source_kind in (
        "file", "fax", "upload") else None
    return SourceRef(uri=row.source_uri, received_at=utc(row.received_at), filename=name or None)


def _py_date_key(date_header: Optional[datetime], received_at: Optional[datetime], raw_id: int) -> tuple:
    """The same order as `Store._date_order`, in Python."""
    moment = utc(date_header) or utc(received_at)
    return (moment is None, moment.timestamp() if moment else 0.0, raw_id)

