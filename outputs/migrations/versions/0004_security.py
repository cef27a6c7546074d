"""Portal hardening (issue 7): server-side login sessions, the installation's generated secret, user
deactivation, room for encrypted TOTP secrets, an index for login throttling; the old permanent lock is lifted.

Revision ID: 0004_security
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_security"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_why", sa.String(40), nullable=True),
        sa.Column("client", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_portal_sessions_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_portal_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_portal_sessions_token_hash"),
    )
    op.create_index("ix_portal_sessions_user_id", "portal_sessions", ["user_id"])
    op.create_table(
        "installation_secrets",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_installation_secrets"),
    )
    op.create_index("ix_login_attempts_client", "login_attempts", ["client"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
        batch.alter_column("totp_secret", existing_type=sa.String(64), type_=sa.String(255))
    # Failures now slow a login down for a while instead of locking the account until an admin acts.
    op.execute(sa.text("UPDATE users SET blocked = :no, failed_logins = 0").bindparams(no=False))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.alter_column("totp_secret", existing_type=sa.String(255), type_=sa.String(64))
        batch.drop_column("deactivated_at")
    op.drop_index("ix_login_attempts_client", "login_attempts")
    op.drop_table("installation_secrets")
    op.drop_index("ix_portal_sessions_user_id", "portal_sessions")
    op.drop_table("portal_sessions")
