"""Tables of reprocessing (migration 0004_reprocess), on the store's Base:

- `parse_cache`: what reading a message produced, so it can be decided again without reading it again.
  Two kinds of rows, both keyed by a sha256 and the reader version (`parsers.version.reader_version()`):
  `message` rows hold the parsed message without its pages (headers, subject, sender, documents' names and
  types), keyed by the raw message's sha256; `document` rows hold one document's pages (text, word boxes,
  OCR), keyed by the document's sha256, shared by every message that carries the same bytes.
- `record_versions`: a record as it was before a reprocessing changed it (the record keeps the new one).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outputs.tables import Base, now_utc

CACHE_KINDS = ("message", "document")


class ParseCache(Base):
    __tablename__ = "parse_cache"
    __table_args__ = (UniqueConstraint("kind", "sha256", "reader_version", name="uq_parse_cache_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))                 # CACHE_KINDS
    sha256: Mapped[str] = mapped_column(String(64))
    reader_version: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class RecordVersion(Base):
    __tablename__ = "record_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)                 # 1 = the first record, then one per change
    machine_json: Mapped[dict[str, Any]] = mapped_column()
    current_json: Mapped[dict[str, Any]] = mapped_column()
    decision: Mapped[str] = mapped_column(String(20))
    replaced_at: Mapped[datetime] = mapped_column(default=now_utc)
    replaced_by: Mapped[str] = mapped_column(String(320))
    config: Mapped[Optional[str]] = mapped_column(Text)           # the configuration that replaced it
