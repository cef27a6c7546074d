"""Alembic environment: runs on the connection `outputs.db` hands over (or on the configured URL).

`render_as_batch` lets later migrations alter SQLite tables (SQLite cannot ALTER most things in place).
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import outputs.followup_tables  # noqa: F401  (the insured's follow-up)
import outputs.integration_tables  # noqa: F401  (outbox, deliveries, API tokens)
import outputs.portal_tables  # noqa: F401  (the portal's tables, on the same Base, for autogenerate)
from outputs.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
