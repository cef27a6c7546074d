"""The message's own date on each record (`records.message_date`), indexed with the review status, so the
queue sorts and filters by it without reading raw_messages; backfilled from the stored raw messages.

Revision ID: 0007_firstday
Revises: 0007_graphapi (file 0008)
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_firstday"
down_revision = "0007_graphapi"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("message_date", sa.DateTime(timezone=True), nullable=True))
    # the Date header, else the arrival (IMAP INTERNALDATE, the fax file's time), else when it was stored
    op.execute(
        "UPDATE records SET message_date = (SELECT COALESCE(raw_messages.date_header, raw_messages.received_at,"
        " records.created_at) FROM raw_messages WHERE raw_messages.id = records.raw_message_id)")
    op.execute("UPDATE records SET message_date = created_at WHERE message_date IS NULL")
    op.create_index("ix_records_review_date", "records", ["review_status", "message_date"])


def downgrade() -> None:
    op.drop_index("ix_records_review_date", table_name="records")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("message_date")
