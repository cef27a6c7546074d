"""API token scopes: what a client may do besides reading (`read`, `write`, `reprocess`), set by an
administrator when the token is made. Tokens made before this revision keep reading only.

Revision ID: 0007_graphapi
Revises: 0004_reprocess
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_graphapi"
down_revision = "0004_reprocess"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("scopes", sa.JSON(), nullable=True))   # null: ["read"] (older tokens)


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("scopes")
