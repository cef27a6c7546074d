"""Leases that free themselves the moment their holder dies.

A lease row with an expiry (the `leases` table) outlives a SIGKILLed holder by its whole TTL: a restart
right after a crash then finds the mailbox "being polled by another process" and does nothing for
minutes. So the lease is held by something the operating system or the database server takes back when
the process (or its connection) goes away:

* PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on a connection of its own, opened for the
  lease and closed with it. The key is a 64-bit hash of the database, the schema and the lease name. When
  the process dies, the server sees the connection close and frees the lock at once.
* SQLite on a file: an exclusive `flock` on a small lock file beside the database (`<db>.lease-<hash>.lock`,
  holding the holder's id for humans). The kernel releases it when the process dies.
* Anything else (an in-memory SQLite): the lease row with an expiry, as before.

`LeaseLock.alive()` says whether the lease is still ours (the PostgreSQL connection still answers); the
scheduler calls it as a heartbeat while it works.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Callable, Optional

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from foundation.errors import DatabaseError

try:  # POSIX only; elsewhere the lease row is used
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def lock_key(*parts: str) -> int:
    """A signed 64-bit advisory lock key from the given text parts."""
    digest = hashlib.sha256("\x1f".join(("intake-lease", *parts)).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class LeaseLock:
    """A held lease. `alive()` is cheap; `release()` is idempotent and never raises."""

    def __init__(self, name: str, holder: str, release: Callable[[], None],
                 alive: Optional[Callable[[], bool]] = None, kind: str = "lock"):
        self.name = name
        self.holder = holder
        self.kind = kind
        self._release = release
        self._alive = alive
        self._released = False
        self._mutex = threading.Lock()

    def alive(self) -> bool:
        with self._mutex:
            if self._released:
                return False
            return True if self._alive is None else self._alive()

    def release(self) -> None:
        with self._mutex:
            if self._released:
                return
            self._released = True
            try:
                self._release()
            except Exception:  # noqa: BLE001 - a dead connection or a closed file: nothing left to free
                pass


def advisory_lock(engine: Engine, name: str, holder: str) -> Optional[LeaseLock]:
    """PostgreSQL: a session advisory lock on a connection of its own (not from the pool)."""
    lock_engine = create_engine(engine.url, poolclass=NullPool,
                                connect_args={"connect_timeout": 10, "application_name": "intake-lease"})
    try:
        conn = lock_engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    except DBAPIError as error:
        lock_engine.dispose()
        raise DatabaseError(f"cannot take lease {name}: {_one_line(error)}") from error
    try:
        where = conn.execute(text("SELECT current_database(), current_schema()")).one()
        key = lock_key(str(where[0]), str(where[1]), name)
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
    except DBAPIError as error:
        conn.close()
        lock_engine.dispose()
        raise DatabaseError(f"cannot take lease {name}: {_one_line(error)}") from error
    if not got:
        conn.close()
        lock_engine.dispose()
        return None

    def alive() -> bool:
        try:
            conn.execute(text("SELECT 1")).scalar()
            return True
        except DBAPIError:
            return False

    def release() -> None:
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        finally:
            conn.close()
            lock_engine.dispose()

    return LeaseLock(name, holder, release, alive, kind="advisory")


def lock_file_path(database: str, name: str) -> Path:
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    path = Path(database).expanduser().resolve()
    return path.with_name(f"{path.name}.lease-{digest}.lock")


def file_lock(database: str, name: str, holder: str) -> Optional[LeaseLock]:
    """SQLite: an exclusive, non-blocking flock on a lock file beside the database file."""
    path = lock_file_path(database, name)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise DatabaseError(f"cannot take lease {name}: lock file {path}: {error.strerror}") from error
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except OSError as error:
        os.close(fd)
        raise DatabaseError(f"cannot take lease {name}: lock file {path}: {error.strerror}") from error
    try:  # who holds it, for a person looking at the folder; a full disk must not stop the lease
        os.ftruncate(fd, 0)
        os.write(fd, f"{holder} {name}\n".encode("utf-8", "replace"))
    except OSError:
        pass

    def release() -> None:
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
        # Unlock before closing: a process forked while the lease was held (the reader workers are forked
        # on first use, inside the read lease) shares this open file, and a mere close would leave the flock
        # held for as long as that child lives, so no other process could ever take the lease.
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    return LeaseLock(name, holder, release, kind="flock")


def sqlite_file(engine: Engine) -> Optional[str]:
    """The database file of a SQLite engine, or None (in memory, a URI, another dialect)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def _one_line(error: BaseException) -> str:
    text_ = str(getattr(error, "orig", None) or error).strip()
    return (text_.splitlines()[0] if text_ else type(error).__name__)[:300]


def os_locks_available() -> bool:
    return fcntl is not None
