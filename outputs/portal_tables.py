"""The portal's own tables, on the store's declarative Base (so one Alembic history covers both):
users, teams, per-channel rights, one-time tokens (hashes only), login attempts, team assignments, server-side
login sessions (hashes only) and the installation's generated secret.

Visibility, kept simple and explicit:
  * an administrator sees every record;
  * a reviewer sees the records of the channels they hold (user_channel_rights);
  * a member of a head-office team (a team with sub-teams) also sees the records assigned to any of its
    sub-teams (team_assignments), whatever the channel.
A record is assigned to the team of the first reviewer who acts on it.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outputs.tables import Base


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    parent: Mapped[Optional["Team"]] = relationship(remote_side="Team.id", back_populates="children")
    children: Mapped[list["Team"]] = relationship(back_populates="parent")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)          # stored lower-case
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[Optional[str]] = mapped_column(String(255))     # argon2; None until activation
    totp_secret: Mapped[Optional[str]] = mapped_column(String(255))    # encrypted (reviewdesk.cipher)
    totp_last_counter: Mapped[Optional[int]] = mapped_column(Integer)     # refuses a replayed code
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=False)          # set by activation
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)         # legacy permanent lock; no longer set
    deactivated_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # by an admin or the CLI
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    team_id: Mapped[Optional[int]] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    team: Mapped[Optional[Team]] = relationship()
    rights: Mapped[list["UserChannelRight"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def channels(self) -> set[str]:
        return {right.channel for right in self.rights}


class UserChannelRight(Base):
    __tablename__ = "user_channel_rights"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(40), primary_key=True)


class OneTimeToken(Base):
    """Activation and password-reset links. Only the SHA-256 of the token is kept."""
    __tablename__ = "one_time_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))                      # "activate" | "reset"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """Every login step tried, kept for the administrators (who tried, when, from where, what happened)."""
    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    step: Mapped[str] = mapped_column(String(20))                         # "password" | "totp"
    success: Mapped[bool] = mapped_column(Boolean)
    client: Mapped[Optional[str]] = mapped_column(String(64), index=True)


class PortalSession(Base):
    """A logged-in session: the cookie carries a random id, the database keeps its SHA-256 and the state
    that can end it (logout, password change or reset, deactivation, an admin's "end sessions")."""
    __tablename__ = "portal_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    revoked_why: Mapped[Optional[str]] = mapped_column(String(40))
    client: Mapped[Optional[str]] = mapped_column(String(64))


class InstallationSecret(Base):
    """The random secret generated on first start when INTAKE_SECRET_KEY is not set and the database is not a
    SQLite file (whose secret lives in a file beside it)."""
    __tablename__ = "installation_secrets"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TeamAssignment(Base):
    """Which team works on a record (the head office sees its sub-teams' assignments)."""
    __tablename__ = "team_assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# The queue lists pending records oldest first (filtered by channel): one index on the store's table serves
# the common page. Created by migration 0002; declared here so autogenerate does not want to drop it.
from outputs.tables import RecordRow  # noqa: E402  (after Base's tables, on purpose)
from sqlalchemy import Index  # noqa: E402

Index("ix_records_review_queue", RecordRow.__table__.c.review_status, RecordRow.__table__.c.created_at)
Index("ix_records_review_channel", RecordRow.__table__.c.review_status, RecordRow.__table__.c.channel,
      RecordRow.__table__.c.created_at)
Index("ix_records_review_date", RecordRow.__table__.c.review_status, RecordRow.__table__.c.message_date)
