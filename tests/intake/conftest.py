"""Fixtures for the doors: a real Dovecot, and a store on SQLite or on PostgreSQL (own schema per test)."""
from __future__ import annotations

import uuid

import pytest

from tests.dovecot import Dovecot, available

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_up() -> bool:
    try:
        import psycopg
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means: not available here
        return False


@pytest.fixture
def dovecot():
    if not available():
        pytest.skip("dovecot is not on PATH (the setup script installs dovecot-imapd)")
    server = Dovecot()
    yield server
    server.stop()


@pytest.fixture
def pg_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    if not postgres_up():
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    import psycopg
    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/intake.db"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url):
    from outputs.store import Store
    s = Store(db_url)
    yield s
    s.close()
