"""The database as the service sees it: up, or down since when, and when to try it again.

When the database stops answering, every job of `intake run` would otherwise fail the same way every few
seconds, each with a traceback. Instead: one warning when the outage starts, exponential back-off while it
lasts (the jobs wait for the next try and do not touch the database), one line when it answers again.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Optional

from foundation.errors import DatabaseError

log = logging.getLogger("intake.scheduler")

DB_BACKOFF_BASE_S = 2.0       # database down: next try after 2, 4, 8 ... s
DB_BACKOFF_MAX_S = 300.0


def short_error(error: BaseException) -> str:
    """`Type: first line`, short enough for a log line or `mailbox_state.last_error`."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}"[:500]


def is_database_error(error: BaseException) -> bool:
    """The store's own error, or a driver error that escaped it (the state writer uses the engine)."""
    from sqlalchemy.exc import DBAPIError
    return isinstance(error, (DatabaseError, DBAPIError))


class DatabaseHealth:
    """One warning when the database stops answering, exponential back-off while it does not (every job
    waits for the next try instead of hitting it), one line when it answers again."""

    def __init__(self, base_s: float = DB_BACKOFF_BASE_S, cap_s: float = DB_BACKOFF_MAX_S):
        self.base_s, self.cap_s = base_s, cap_s
        self.failures = 0
        self.outages = 0
        self._down_since: Optional[float] = None
        self._not_before = 0.0
        self._mutex = threading.Lock()

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def due(self) -> bool:
        return time.monotonic() >= self._not_before

    def failed(self, error: BaseException) -> None:
        from intake.sources.imap import backoff_delay
        with self._mutex:
            self.failures += 1
            delay = backoff_delay(self.failures, base=self.base_s, cap=self.cap_s)
            self._not_before = time.monotonic() + delay
            if self._down_since is None:
                self._down_since = time.monotonic()
                self.outages += 1
                log.warning("database unavailable: jobs paused, retrying with back-off",
                            extra={"error": short_error(error), "retry_in_s": round(delay, 1)})
            else:
                log.debug("database still unavailable", extra={"error": short_error(error), "tries": self.failures,
                                                               "retry_in_s": round(delay, 1)})

    def answered(self) -> None:
        if self._down_since is None:
            return
        with self._mutex:
            if self._down_since is None:
                return
            log.warning("database available again", extra={"outage_s": round(time.monotonic() - self._down_since, 1),
                                                           "tries": self.failures})
            self._down_since = None
            self.failures = 0
            self._not_before = 0.0


