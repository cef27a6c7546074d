"""The portal's own tables, on the store's declarative Base (so one Alembic history covers both):
users, teams, per-channel rights, one-time tokens (hashes only), login attempts, team assignments.

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
    totp_secret: Mapped[Optional[str]] = mapped_column(String(64))
    totp_last_counter: Mapped[Optional[int]] = mapped_column(Integer)     # refuses a replayed code
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=False)          # set by activation
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)         # set by failures, cleared by an admin
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
    client: Mapped[Optional[str]] = mapped_column(String(64))


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
