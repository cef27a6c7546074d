"""What every room of the store shares: the engine, transactions, the timeline writer, text clean-up and the
store's own errors. Each room (`ledger`, `records`, `review`, `mailboxes`) is a mixin on this base; `Store`
(outputs/store.py) puts them together. A room writes only its own tables (the timeline `events` is written
by every room through `_event`, append-only).

Errors: an unreachable or broken database raises `foundation.errors.DatabaseError`; unknown ids raise
`NotFoundError`; a correction that does not fit the contract raises `InvalidCorrection`.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator, Optional

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from foundation.errors import DatabaseError, IntakeError
from outputs.db import READ_ONLY, describe, explain, make_engine, upgrade_engine
from outputs.outbox import add_outbox_event, publishable
from outputs.tables import Event, RecordRow, now_utc


class NotFoundError(IntakeError, LookupError):
    """A record, raw message or dossier id that the store does not hold."""


class InvalidCorrection(IntakeError, ValueError):
    """A reviewer's value that the export contract would not accept (kept out of the record)."""


def _txt(value: Optional[str], limit: Optional[int] = None) -> Optional[str]:
    """Text safe for every database: no NUL (PostgreSQL refuses it), cut to the column's length."""
    if value is None:
        return None
    value = str(value).replace("\x00", "")
    return value[:limit] if limit else value


def normalise_claim(value: Optional[str]) -> Optional[str]:
    """Upper case without spaces, dots or dashes (the contract's form)."""
    if value is None:
        return None
    cleaned = re.sub(r"[\s.\-]+", "", str(value)).upper()
    return cleaned or None



class StoreBase:
    """The engine and its transactions. Opening it brings the schema up to date (Alembic), unless upgrade=False."""

    def __init__(self, url: str, upgrade: bool = True):
        self.url = url
        self.engine = make_engine(url)
        if upgrade:
            upgrade_engine(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "StoreBase":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def session(self, read: bool = False) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error.

        `read=True` for blocks that only read: on SQLite they take no write lock (see outputs.db).
        Driver errors other than integrity violations become `DatabaseError` with a one-line reason.
        """
        session = self._sessions()
        try:
            if read:
                session.connection(execution_options={READ_ONLY: True})
            yield session
            session.commit()
        except IntegrityError:
            session.rollback()
            raise
        except DBAPIError as error:
            session.rollback()
            raise DatabaseError(f"database {describe(self.url)}: {explain(error, self.url)}") from error
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @staticmethod
    def _event(session: Session, kind: str, *, raw_message_id: Optional[int] = None,
               record_id: Optional[int] = None, dossier_id: Optional[str] = None, actor: str = "system",
               **detail: Any) -> None:
        at = now_utc()
        session.add(Event(kind=kind, at=at, raw_message_id=raw_message_id, record_id=record_id,
                          dossier_id=dossier_id, actor=_txt(actor, 320) or "system", detail=detail))
        if publishable(kind, detail):  # the webhook outbox, in this same transaction (outputs/outbox.py)
            add_outbox_event(session, kind, at, record_id=record_id, dossier_id=dossier_id,
                             actor=_txt(actor, 320) or "system", detail=detail)

    def _record(self, session: Session, record_id: int) -> RecordRow:
        row = session.get(RecordRow, record_id)
        if row is None:
            raise NotFoundError(f"no record {record_id}")
        return row
