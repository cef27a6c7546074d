"""The insured's follow-up after opening (seed 003, DOMAIN.md): one `followups` row per dossier in the
remote-assessment follow-up, and every message sent to the insured (`followup_messages`). Stored, not in
memory, so the follow-up survives a restart. Migration `0004_integrations`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from outputs.tables import Base, now_utc

FOLLOWUP_STATES = ("to_call", "reminder_1", "reminder_2", "reminder_3", "waiting_for_client", "answered", "closed")


class Followup(Base):
    __tablename__ = "followups"

    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(24), index=True)       # FOLLOWUP_STATES
    next_at: Mapped[Optional[datetime]] = mapped_column(index=True)  # when the next step falls due (None: done)
    waiting_until: Mapped[Optional[datetime]]
    channel: Mapped[Optional[str]] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)


class FollowupMessage(Base):
    __tablename__ = "followup_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    medium: Mapped[str] = mapped_column(String(8))                   # "sms" | "mail"
    recipient: Mapped[str] = mapped_column(String(320))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))                  # "sent" | "failed" | "skipped"
    provider_ref: Mapped[Optional[str]] = mapped_column(String(200))  # the gateway's answer
    error: Mapped[Optional[str]] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=now_utc)
