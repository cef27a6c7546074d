"""Initial store schema: raw messages, documents, dossiers, records, corrections, events, mailbox state, leases.

Written by hand from `outputs.tables` (checked against autogenerate). The portal's user tables come in its
own revision "0002" (down_revision "0001").

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "raw_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(998), nullable=True),
        sa.Column("source_uri", sa.Text(), nullable=False),
        sa.Column("source_kind", sa.String(16), nullable=False),
        sa.Column("mailbox", sa.String(500), nullable=True),
        sa.Column("received_at", TZ, nullable=True),
        sa.Column("date_header", TZ, nullable=True),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_messages")),
        sa.UniqueConstraint("sha256", name=op.f("uq_raw_messages_sha256")),
    )
    op.create_index(op.f("ix_raw_messages_mailbox"), "raw_messages", ["mailbox"])
    op.create_index(op.f("ix_raw_messages_message_id"), "raw_messages", ["message_id"])
    op.create_index(op.f("ix_raw_messages_status"), "raw_messages", ["status"])

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("raw_message_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=True),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("ocr", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("pages_json", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["raw_message_id"], ["raw_messages.id"], ondelete="CASCADE",
                                name=op.f("fk_documents_raw_message_id_raw_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    op.create_index(op.f("ix_documents_raw_message_id"), "documents", ["raw_message_id"])

    op.create_table(
        "dossiers",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("claim_number", sa.String(100), nullable=True),
        sa.Column("channel", sa.String(40), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opening_record_id", sa.Integer(), nullable=True),
        sa.Column("last_name", sa.String(255), nullable=True),
        sa.Column("peril", sa.String(40), nullable=True),
        sa.Column("opened_at", TZ, nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
    )
    op.create_index(op.f("ix_dossiers_claim_number"), "dossiers", ["claim_number"])
    op.create_index(op.f("ix_dossiers_last_name"), "dossiers", ["last_name"])
    op.create_index(op.f("ix_dossiers_status"), "dossiers", ["status"])

    op.create_table(
        "records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("raw_message_id", sa.Integer(), nullable=False),
        sa.Column("machine_json", sa.JSON(), nullable=False),
        sa.Column("current_json", sa.JSON(), nullable=False),
        sa.Column("document_type", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("claim_number", sa.String(100), nullable=True),
        sa.Column("last_name", sa.String(255), nullable=True),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("queue", sa.String(100), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("dossier_id", sa.String(40), nullable=True),
        sa.Column("review_status", sa.String(20), nullable=False),
        sa.Column("refuse_reason", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("decided_by", sa.String(320), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name=op.f("fk_records_dossier_id_dossiers")),
        sa.ForeignKeyConstraint(["raw_message_id"], ["raw_messages.id"], ondelete="CASCADE",
                                name=op.f("fk_records_raw_message_id_raw_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records")),
        sa.UniqueConstraint("raw_message_id", name=op.f("uq_records_raw_message_id")),
    )
    for column in ("channel", "claim_number", "decision", "dossier_id", "last_name", "review_status"):
        op.create_index(op.f(f"ix_records_{column}"), "records", [column])

    op.create_table(
        "field_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("new_value", sa.JSON(), nullable=True),
        sa.Column("user", sa.String(320), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="CASCADE",
                                name=op.f("fk_field_corrections_record_id_records")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_corrections")),
    )
    op.create_index(op.f("ix_field_corrections_record_id"), "field_corrections", ["record_id"])

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("raw_message_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("dossier_id", sa.String(40), nullable=True),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index("ix_events_dossier_at", "events", ["dossier_id", "at"])
    op.create_index(op.f("ix_events_kind"), "events", ["kind"])
    op.create_index(op.f("ix_events_raw_message_id"), "events", ["raw_message_id"])
    op.create_index(op.f("ix_events_record_id"), "events", ["record_id"])

    op.create_table(
        "mailbox_state",
        sa.Column("key", sa.String(500), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("last_uid", sa.BigInteger(), nullable=True),
        sa.Column("last_poll_at", TZ, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("polls", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_mailbox_state")),
    )

    op.create_table(
        "leases",
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("holder", sa.String(500), nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )


def downgrade() -> None:
    for table in ("leases", "mailbox_state", "events", "field_corrections", "records", "dossiers", "documents",
                  "raw_messages"):
        op.drop_table(table)
