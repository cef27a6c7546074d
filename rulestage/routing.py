"""Routing against known dossiers: duplicates and follow-ups are attached, never opened twice.

Pure given an index: `route(record, index)` looks the claim up, decides attach / open, and tells the index
about a newly opened dossier. `extract` routes with an in-memory index over one run; `ingest` with the
store's index (outputs.store), so both doors give the same answers.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional, Protocol

from foundation.models import MissionRecord


class DossierIndex(Protocol):
    def find_by_claim(self, claim_number: str) -> Optional[str]:
        """The dossier id already holding this normalised claim number, if any."""

    def register(self, claim_number: str, dossier_id: str, record: MissionRecord) -> None:
        """A new dossier was opened (or put in review) for this claim."""


class MemoryIndex:
    def __init__(self) -> None:
        self._by_claim: dict[str, str] = {}

    def find_by_claim(self, claim_number: str) -> Optional[str]:
        return self._by_claim.get(claim_number)

    def register(self, claim_number: str, dossier_id: str, record: MissionRecord) -> None:
        self._by_claim.setdefault(claim_number, dossier_id)


def dossier_id_for(record: MissionRecord) -> str:
    """Deterministic: the same first message gives the same dossier id in extract and in ingest."""
    return "D-" + record.source.sha256[:12].upper()


def route(record: MissionRecord, index: DossierIndex) -> MissionRecord:
    """Attach duplicates and follow-ups to a known dossier; register the dossiers that new orders open."""
    if record.decision == "ignore" or "unreadable_input" in record.reasons:
        return record
    claim = record.claim_number
    known = index.find_by_claim(claim) if claim else None
    if record.document_type == "follow_up":
        return record.model_copy(update={"decision": "attach", "queue": None, "reasons": ["follow_up"],
                                         "dossier_id": known})
    if record.document_type != "mission_order":
        return record
    if known and record.channel == "allianz_cs2i":
        # an expert firm's request always goes to the insurer's team (like 05I over follow-up), linked to the dossier
        return record.model_copy(update={"dossier_id": known})
    if known:
        return record.model_copy(update={"decision": "attach", "queue": None, "reasons": ["duplicate"],
                                         "dossier_id": known})
    dossier_id = dossier_id_for(record)
    if claim:
        index.register(claim, dossier_id, record)
    return record.model_copy(update={"dossier_id": dossier_id})


def arrival_key(record: MissionRecord) -> datetime:
    """Order of arrival: the Date header, else the file's arrival time; unknown dates last."""
    value = record.source.received_at
    if not value:
        return datetime.max.replace(tzinfo=timezone.utc)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return datetime.max.replace(tzinfo=timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def route_batch(records: list[MissionRecord], index: Optional[DossierIndex] = None) -> list[MissionRecord]:
    """Route a batch in order of arrival; return the records in their original order."""
    index = index if index is not None else MemoryIndex()
    order = sorted(range(len(records)), key=lambda i: (arrival_key(records[i]), i))
    routed: list[Optional[MissionRecord]] = [None] * len(records)
    for i in order:
        routed[i] = route(records[i], index)
    return [r for r in routed if r is not None]
