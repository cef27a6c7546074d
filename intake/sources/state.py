"""Per-folder polling state in the store's `mailbox_state` table, written batch by batch.

The table belongs to the store (outputs/models.py). The store's `record_poll` writes a whole poll at once;
the poller needs finer steps (advance `last_uid` after every committed batch, reset on a UIDVALIDITY
change, count a poll and its error apart), so they are here, as SQLAlchemy Core statements that behave the
same on SQLite and PostgreSQL. Counters are incremented in SQL so two writers never lose a count.
Leases (who may poll a mailbox now) are the store's `acquire_lease` / `release_lease`.
"""
from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import Engine, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from outputs.models import MailboxState

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
    """Reads and writes `mailbox_state` through the store's engine."""

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
        self._upsert(key, values, {"polls": 1} if "polls" in self.state.c else {})

    def rows(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(self.state).order_by(self.state.c.key))]
