"""Reprocessing: the parse cache (text, word boxes, OCR per document and reader version) and record versions.

Revision ID: 0004_reprocess
Revises: 0004_integrations
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_reprocess"
down_revision = "0004_integrations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "parse_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("reader_version", sa.String(100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_parse_cache"),
        sa.UniqueConstraint("kind", "sha256", "reader_version", name="uq_parse_cache_key"),
    )
    op.create_table(
        "record_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("machine_json", sa.JSON(), nullable=False),
        sa.Column("current_json", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by", sa.String(320), nullable=False),
        sa.Column("config", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name="fk_record_versions_record_id_records",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_record_versions"),
    )
    op.create_index("ix_record_versions_record_id", "record_versions", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_record_versions_record_id", table_name="record_versions")
    op.drop_table("record_versions")
    op.drop_table("parse_cache")
