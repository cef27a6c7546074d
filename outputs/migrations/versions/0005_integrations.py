"""Integrations: the webhook outbox and its deliveries, per-client API tokens (outputs/integration_tables.py);
mailbox_state.last_success_at (the last poll without error, for /healthz); the insured's follow-up
(followups, followup_messages: outputs/followup_tables.py).

Revision ID: 0004_integrations
Revises: 0004_security
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_integrations"
down_revision = "0004_security"
branch_labels = None
depends_on = None

NOW = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("mailbox_state") as batch:   # the last poll that worked, for /healthz
        batch.add_column(sa.Column("last_success_at", NOW, nullable=True))
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("dossier_id", sa.String(40), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(40), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("event_key", name="uq_outbox_event_key"),
    )
    op.create_index("ix_outbox_kind", "outbox", ["kind"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", NOW, nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", NOW, nullable=True),
        sa.Column("created_at", NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], ondelete="CASCADE",
                                name="fk_webhook_deliveries_outbox_id_outbox"),
        sa.UniqueConstraint("outbox_id", "target", name="uq_webhook_deliveries_outbox_target"),
    )
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("revoked_at", NOW, nullable=True),
        sa.Column("last_used_at", NOW, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("name", name="uq_api_tokens_name"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )


    op.create_table(
        "followups",
        sa.Column("dossier_id", sa.String(40), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("next_at", NOW, nullable=True),
        sa.Column("waiting_until", NOW, nullable=True),
        sa.Column("channel", sa.String(40), nullable=True),
        sa.Column("started_at", NOW, nullable=False),
        sa.Column("updated_at", NOW, nullable=False),
        sa.PrimaryKeyConstraint("dossier_id", name="pk_followups"),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="CASCADE",
                                name="fk_followups_dossier_id_dossiers"),
    )
    op.create_index("ix_followups_state", "followups", ["state"])
    op.create_index("ix_followups_next_at", "followups", ["next_at"])
    op.create_table(
        "followup_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.String(40), nullable=False),
        sa.Column("medium", sa.String(8), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("provider_ref", sa.String(200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("at", NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_followup_messages"),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="CASCADE",
                                name="fk_followup_messages_dossier_id_dossiers"),
    )
    op.create_index("ix_followup_messages_dossier_id", "followup_messages", ["dossier_id"])


    op.create_table(
        "oauth_tokens",
        sa.Column("key", sa.String(500), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=True),
        sa.Column("refresh_token", sa.Text(), nullable=True),
        sa.Column("expires_at", NOW, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", NOW, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_oauth_tokens"),
    )


def downgrade() -> None:
    op.drop_table("oauth_tokens")
    op.drop_table("followup_messages")
    op.drop_table("followups")
    with op.batch_alter_table("mailbox_state") as batch:
        batch.drop_column("last_success_at")
    op.drop_table("api_tokens")
    op.drop_index("ix_webhook_deliveries_due", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_outbox_kind", table_name="outbox")
    op.drop_table("outbox")
