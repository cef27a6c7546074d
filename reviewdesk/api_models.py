"""Response shapes of the JSON API (/api/v1), as pydantic models so FastAPI's OpenAPI documents them."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from pydantic import BaseModel, Field


class RecordSummary(BaseModel):
    id: int
    channel: str
    document_type: str
    decision: str
    queue: Optional[str] = None
    reasons: list[str] = Field(default_factory=list)
    review_status: str = Field(description="none | pending | accepted | refused | attached")
    claim_number: Optional[str] = None
    last_name: Optional[str] = None
    dossier_id: Optional[str] = None
    created_at: datetime
    decided_by: Optional[str] = None
    decided_at: Optional[datetime] = None


class RecordDetail(RecordSummary):
    refuse_reason: Optional[str] = None
    record: dict[str, Any] = Field(description="The mission record as exported (export contract): fields with "
                                               "their confidence and evidence, corrections included")


class RecordPage(BaseModel):
    items: list[RecordSummary]
    total: int
    page: int
    pages: int


class DossierSummary(BaseModel):
    id: str
    status: str = Field(description="open | pending_review | refused | closed")
    claim_number: Optional[str] = None
    channel: Optional[str] = None
    last_name: Optional[str] = None
    peril: Optional[str] = None
    opening_record_id: Optional[int] = None
    opened_at: Optional[datetime] = None
    closed_at: Optional[datetime] = None
    created_at: datetime


class TimelineEvent(BaseModel):
    at: datetime
    kind: str
    actor: str
    record_id: Optional[int] = None
    detail: dict[str, Any] = Field(default_factory=dict)


class FollowupMessageOut(BaseModel):
    id: int
    medium: str
    recipient: str
    text: str
    status: str = Field(description="sending | sent | failed")
    provider_ref: Optional[str] = None
    error: Optional[str] = None
    at: datetime


class FollowupOut(BaseModel):
    state: str = Field(description="to_call | reminder_1..3 | waiting_for_client | answered | closed")
    next_at: Optional[datetime] = None
    waiting_until: Optional[datetime] = None
    started_at: datetime
    messages: list[FollowupMessageOut]


class DossierDetail(DossierSummary):
    records: list[RecordSummary]
    timeline: list[TimelineEvent]
    followup: Optional[FollowupOut] = Field(None, description="The insured's follow-up after opening, if any")


class DossierPage(BaseModel):
    items: list[DossierSummary]
    total: int
    page: int
    pages: int


class ApiError(BaseModel):
    detail: str
