"""Fixtures for the doors: a real Dovecot, and a store on SQLite or on PostgreSQL (own schema per test)."""
from __future__ import annotations

import pytest

from tests.dovecot import Dovecot, available

@pytest.fixture
def dovecot():
    if not available():
        pytest.skip("dovecot is not on PATH (the setup script installs dovecot-imapd)")
    server = Dovecot()
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres_url):
    return postgres_url


@pytest.fixture
def db_url(database_url):
    """SQLite file or PostgreSQL schema (tests/conftest.py)."""
    return database_url
