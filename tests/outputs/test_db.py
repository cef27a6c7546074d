"""Migrations from an empty database, on SQLite and PostgreSQL; clear errors for unusable databases."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect

from foundation.errors import DatabaseError
from outputs.db import current_revision, head_revisions, make_engine, upgrade
from outputs.store import Store

STORE_TABLES = {"raw_messages", "documents", "records", "field_corrections", "dossiers", "events",
                "mailbox_state", "leases"}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_creates_every_table(database_url):
    assert current_revision(database_url) is None
    upgrade(database_url)
    assert STORE_TABLES <= _tables(database_url)
    assert set(current_revision(database_url).split(",")) == head_revisions()
    assert "0001" in _alembic_chain()
    upgrade(database_url)  # a second upgrade is a no-op
    assert set(current_revision(database_url).split(",")) == head_revisions()


def _alembic_chain() -> set[str]:
    from alembic.script import ScriptDirectory
    from outputs.db import _alembic_config
    script = ScriptDirectory.from_config(_alembic_config(make_engine("sqlite://")))
    return {rev.revision for rev in script.walk_revisions()}


def test_store_upgrades_on_open_and_not_when_asked_not_to(tmp_path):
    Store(f"sqlite:///{tmp_path}/plain.db", upgrade=False).close()
    assert not (STORE_TABLES & _tables(f"sqlite:///{tmp_path}/plain.db"))
    Store(f"sqlite:///{tmp_path}/plain.db").close()
    assert STORE_TABLES <= _tables(f"sqlite:///{tmp_path}/plain.db")


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/wal.db")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    store.close()


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://postgres@127.0.0.1:1/test",  # nothing listens on port 1
    "sqlite:////nonexistent-folder-for-intake/x.db",
    "nosuchdriver://x/y",
    "not a url",
])
def test_unusable_database_is_a_clear_database_error(url):
    with pytest.raises(DatabaseError) as caught:
        Store(url)
    assert "database" in str(caught.value).lower()
    assert caught.value.exit_code == 5


def test_cli_db_upgrade_prints_the_revision(tmp_path, capsys):
    from intake.cli import main
    url = f"sqlite:///{tmp_path}/cli.db"
    assert main(["db", "upgrade", "--database", url]) == 0
    assert set(capsys.readouterr().out.strip().split(",")) == head_revisions()
