"""Alembic migrations of the store (script_location; see outputs.db)."""
