"""A `database_url` over a fresh SQLite file and a fresh PostgreSQL schema (skipped if the server is down)."""
from __future__ import annotations

import uuid

import pytest

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_answers() -> bool:
    try:
        import psycopg
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means: not available here
        return False


@pytest.fixture
def postgres_url():
    """A URL whose search_path is a schema of its own, dropped afterwards (other helpers share the database)."""
    if not postgres_answers():
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    import psycopg
    schema = "store_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/intake.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(database_url):
    from outputs.store import Store
    s = Store(database_url)
    yield s
    s.close()
