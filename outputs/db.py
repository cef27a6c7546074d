"""Engines and schema migrations for the store (SQLite or PostgreSQL).

Why the SQLite settings: WAL lets the portal read while ingest writes; `busy_timeout` makes a second writer
wait instead of failing; foreign keys are off by default in SQLite; and every transaction starts with
`BEGIN IMMEDIATE` (plain `BEGIN` for read-only sessions) so two processes routing at once are serialised (a deferred transaction that reads and
then writes fails with "database is locked" instead of waiting).

Alembic is configured in code (script_location = this package's `migrations` folder), so `upgrade` works
from an installed package without an ini file.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from foundation.errors import DatabaseError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "intake_read_only"  # execution option: a transaction that only reads (plain BEGIN on SQLite)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
        except Exception:  # noqa: BLE001 - e.g. a read-only medium: keep the default journal
            pass
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # pragma: no cover - trivial
        # read-only sessions (export, portal pages) take no write lock, so they never hold up ingest
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def read_only(engine: Engine) -> Engine:
    """The same engine (same pool) whose every transaction is read-only: on SQLite a plain BEGIN, so it never
    takes the write lock (with WAL it neither waits for a writer nor holds one up). For sessions that only read."""
    return engine.execution_options(**{READ_ONLY: True})


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid database URL>"


def make_engine(url: str) -> Engine:
    """An engine for `url`, with the SQLite settings above; a bad URL is a DatabaseError."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"invalid database URL {url!r}: {error}") from error
    kwargs: dict = {"future": True}
    if parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {"connect_timeout": 10}
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as error:
        raise DatabaseError(f"cannot use database {describe(url)}: {error}") from error
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            parent = Path(database).expanduser().resolve().parent
            if not parent.is_dir():
                raise DatabaseError(f"cannot open database {describe(url)}: folder {parent} does not exist")
        _sqlite_setup(engine)
    return engine


def require_existing(url: str) -> None:
    """Reading commands (export, status) must not create an empty SQLite file where a typo pointed."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"invalid database URL {url!r}: {error}") from error
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:" \
            and not database.startswith("file:") and not Path(database).expanduser().exists():
        raise DatabaseError(f"no database at {describe(url)} (run `intake ingest` or `intake db upgrade` first)")


def _alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def head_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    config = _alembic_config(create_engine("sqlite://"))
    return set(ScriptDirectory.from_config(config).get_heads())


def _current(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def upgrade_engine(engine: Engine) -> None:
    """Bring the schema to the latest revisions (all heads, so the portal's branch comes along)."""
    from alembic import command

    try:
        if _current(engine) == head_revisions():
            return
        config = _alembic_config(engine)
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Two processes opening an empty database at once must not both create the schema:
                # the advisory lock (held to the end of this transaction) makes the second wait, then find it done.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7143501)")
            config.attributes["connection"] = conn
            command.upgrade(config, "heads")
    except (OperationalError, DBAPIError) as error:
        url = engine.url.render_as_string(hide_password=False)
        raise DatabaseError(f"cannot upgrade database {describe(url)}: {explain(error, url)}") from error


def upgrade(url: str) -> None:
    """`intake db upgrade`: create or migrate the schema at `url`."""
    engine = make_engine(url)
    try:
        upgrade_engine(engine)
    finally:
        engine.dispose()


def current_revision(url: str) -> Optional[str]:
    """The schema revision(s) of the database, comma-separated; None for an empty database."""
    engine = make_engine(url)
    try:
        heads = _current(engine)
    except (OperationalError, DBAPIError) as error:
        raise DatabaseError(f"cannot read database {describe(url)}: {_short(error)}") from error
    finally:
        engine.dispose()
    return ",".join(sorted(heads)) or None


def storage_hint(url: str) -> str:
    """Why a SQLite file may fail to write, said plainly: read-only file system, full disk, no permission.
    Empty for other databases (and when nothing looks wrong)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return ""
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" \
            or database.startswith("file:"):
        return ""
    folder = Path(database).expanduser().resolve().parent
    try:
        st = os.statvfs(folder)
    except OSError:
        return ""
    if st.f_flag & os.ST_RDONLY:
        return f" (the folder {folder} is on a read-only file system)"
    free = st.f_bavail * st.f_frsize
    if free < 1_000_000:
        return f" (the disk holding {folder} is full: {free} bytes free)"
    if not os.access(folder, os.W_OK):
        return f" (the folder {folder} is not writable)"
    return ""


def explain(error: Exception, url: str) -> str:
    """The driver's first line, and what is wrong with the storage when that is the cause."""
    return _short(error) + storage_hint(url)


def _short(error: Exception) -> str:
    """The driver's first line, without SQLAlchemy's long background link."""
    original = getattr(error, "orig", None) or error
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
