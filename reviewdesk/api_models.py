"""Request and response shapes of the JSON API (/api/v1), as pydantic models so FastAPI's OpenAPI documents them."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field


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


# ------------------------------------------------------------------ write actions (scopes `write`, `reprocess`)

Value = Optional[Union[bool, float, str]]


class CorrectionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fields: dict[str, Value] = Field(description="field name -> new value (the portal's editable fields: "
                                                 "claim_number, last_name, phone, postcode, loss_date...); "
                                                 "null or \"\" clears it. All are validated first: one invalid "
                                                 "value and nothing is stored", min_length=1)


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str = Field(description="one editable field, e.g. claim_number")
    value: Value = None


class CorrectionOut(BaseModel):
    corrected: list[str] = Field(description="the fields whose value changed (an equal value is no correction)")
    record: RecordDetail


class OpenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    missing_reason: Optional[str] = Field(None, max_length=500, description="required when a required field is "
                                          "missing (the portal's rule): why the dossier is opened without it")


class AttachIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dossier_id: str = Field(min_length=1, max_length=40, description="an existing dossier this token may see")


class RefuseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(description="one of the portal's refusal reasons (portal.refuse_reasons)")


class VerdictOut(BaseModel):
    record_id: int
    review_status: str = Field(description="accepted | attached | refused")
    dossier_id: Optional[str] = None
    missing: list[str] = Field(default_factory=list, description="required fields it was opened without")


class ReprocessIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dry_run: bool = Field(False, description="true: say what would change and store nothing (shadow)")


class ReprocessOut(BaseModel):
    record_id: int
    outcome: str = Field(description="unchanged | changed (dry run) | applied | kept")
    kept: Optional[str] = Field(None, description="why the record was not changed (reviewed, opened dossier...)")
    decision_before: str
    decision_after: str
    channel_before: str
    channel_after: str
    fields: list[str] = Field(default_factory=list, description="values that differ under the new decision")
    dry_run: bool


class FieldErrors(BaseModel):
    detail: str
    errors: dict[str, str] = Field(description="field -> why its value was refused")


class MissingFields(BaseModel):
    detail: str
    missing: list[str] = Field(description="required fields the record lacks")
