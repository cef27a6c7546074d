"""Mailbox state and leases: where each polled folder stopped (UIDVALIDITY, last UID, polls, messages, the
last error) and who may poll it now.

`StateTables` is the only writer of `mailbox_state`. The pollers need fine steps (advance `last_uid` after
every committed batch, reset on a UIDVALIDITY change, count a poll and its error apart), written as
SQLAlchemy Core statements that behave the same on SQLite and PostgreSQL; counters are incremented in SQL so
two writers never lose a count. The store reads the table back for `intake status` and the portal.
"""
from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from sqlalchemy import Engine, Table, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from outputs.base import StoreBase
from outputs.leases import LeaseLock, advisory_lock, file_lock, os_locks_available, sqlite_file
from outputs.tables import Lease, MailboxState, now_utc, utc

ERROR_MAX = 500


def holder_id() -> str:
    """Who holds a lease: host, pid and a random part (a pid is reused after a restart)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class FolderState:
    key: str
    uidvalidity: Optional[int] = None
    last_uid: int = 0


class StateTables:
    """The one writer of `mailbox_state`: per-folder progress, written batch by batch through an engine."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.state: Table = MailboxState.__table__  # type: ignore[assignment]

    # ----------------------------------------------------------------- mailbox_state

    def load(self, key: str) -> FolderState:
        with self.engine.connect() as conn:
            row = conn.execute(select(self.state.c.uidvalidity, self.state.c.last_uid)
                               .where(self.state.c.key == key)).first()
        if row is None:
            return FolderState(key)
        return FolderState(key, row.uidvalidity, int(row.last_uid or 0))

    def _upsert(self, key: str, values: dict[str, Any], increments: dict[str, int]) -> None:
        """UPDATE the row (adding `increments` in SQL, so concurrent writers do not lose counts), else INSERT."""
        t = self.state
        set_values = dict(values)
        for name, amount in increments.items():
            set_values[name] = t.c[name] + amount
        for _ in range(3):
            with self.engine.begin() as conn:
                if conn.execute(update(t).where(t.c.key == key).values(**set_values)).rowcount:
                    return
            try:
                with self.engine.begin() as conn:
                    row = {"key": key, **{n: 0 for n in ("polls", "messages") if n in t.c}, **values}
                    for name, amount in increments.items():
                        row[name] = amount
                    conn.execute(insert(t).values(**row))
                return
            except IntegrityError:  # another process inserted it first: update instead
                continue

    def advance(self, key: str, uidvalidity: int, last_uid: int, messages: int) -> None:
        """Record progress after a batch was committed to the store."""
        self._upsert(key, {"uidvalidity": uidvalidity, "last_uid": last_uid}, {"messages": messages})

    def add_messages(self, key: str, messages: int) -> None:
        """Count messages taken by a door without UIDs (a fax folder)."""
        self._upsert(key, {}, {"messages": messages})

    def reset(self, key: str, uidvalidity: int) -> None:
        """UIDVALIDITY changed: every UID we knew is meaningless; start again from the first message."""
        self._upsert(key, {"uidvalidity": uidvalidity, "last_uid": 0}, {})

    def polled(self, key: str, error: Optional[str] = None) -> None:
        """Record a poll: its time, and its error (None clears the last one)."""
        values: dict[str, Any] = {"last_poll_at": datetime.now(timezone.utc)}
        if "last_error" in self.state.c:
            values["last_error"] = error[:ERROR_MAX] if error else None
        if error is None and "last_success_at" in self.state.c:  # migration 0004: what /healthz ages
            values["last_success_at"] = values["last_poll_at"]
        self._upsert(key, values, {"polls": 1} if "polls" in self.state.c else {})

    def rows(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(self.state).order_by(self.state.c.key))]


class MailboxRoom(StoreBase):
    @property
    def mailbox_log(self) -> StateTables:
        """The writer of per-folder polling state, on this store's engine."""
        return StateTables(self.engine)

    def mailbox_state(self, key: str) -> Optional[dict]:
        with self.session(read=True) as s:
            row = s.get(MailboxState, key)
            if row is None:
                return None
            return {"key": row.key, "uidvalidity": row.uidvalidity, "last_uid": row.last_uid,
                    "last_poll_at": utc(row.last_poll_at), "last_error": row.last_error, "polls": row.polls,
                    "last_success_at": utc(row.last_success_at),
                    "messages": row.messages}

    def mailbox_states(self) -> list[dict]:
        with self.session(read=True) as s:
            keys = s.scalars(select(MailboxState.key).order_by(MailboxState.key)).all()
        return [state for key in keys if (state := self.mailbox_state(key)) is not None]

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

    def take_lease(self, name: str, holder: str, ttl_s: float) -> Optional[LeaseLock]:
        """Hold the named lease until `release()`; None when a live process holds it.

        It frees itself when its holder dies (outputs/leases.py): a PostgreSQL session advisory lock, or an
        flock beside the SQLite file. Only where neither exists (SQLite in memory) the lease row with
        `ttl_s` is used, and must be renewed (`LeaseLock.alive()` renews it). Raises DatabaseError when the
        database (or the lock file's folder) cannot be reached."""
        if self.engine.dialect.name == "postgresql":
            return advisory_lock(self.engine, name, holder)
        database = sqlite_file(self.engine)
        if database is not None and os_locks_available():
            return file_lock(database, name, holder)
        if not self.acquire_lease(name, holder, ttl_s):
            return None
        return LeaseLock(name, holder, lambda: self.release_lease(name, holder),
                         alive=lambda: self.acquire_lease(name, holder, ttl_s), kind="row")

    def release_lease(self, name: str, holder: str) -> None:
        with self.session() as s:
            lease = s.get(Lease, name)
            if lease is not None and lease.holder == holder:
                s.delete(lease)

