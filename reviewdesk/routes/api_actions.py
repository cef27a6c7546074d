"""The JSON API's write actions, through the portal's own action functions (reviewdesk/verdicts.py), so a
client is held to the same rules as a reviewer: validation of every corrected value, a verdict only on a
pending record, a reason to open without a required field, a refusal reason from the list, and the
visibility of its channels (a record or dossier of another channel answers 404, like one that does not
exist). Each action is a timeline event signed `api:<token name>`, and the store writes the webhook outbox
row with it (`corrected`, `opened`, `attached`, `refused`), exactly as for the portal.

Scopes: `write` for corrections and verdicts, `reprocess` for deciding a record again (the portal's
administrator action, one record, with the configuration the server runs with; `dry_run` is its shadow
report).
"""
from __future__ import annotations

from typing import Any, Mapping

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from outputs.integrations import ApiClient
from outputs.store import InvalidCorrection
from outputs.tables import RecordRow
from reviewdesk import queries, verdicts
from reviewdesk.api_models import (ApiError, AttachIn, CorrectionIn, CorrectionOut, CorrectionsIn, FieldErrors,
                                   MissingFields, OpenIn, RefuseIn, ReprocessIn, ReprocessOut, VerdictOut)
from reviewdesk.reprocess_hook import engine_for
from reviewdesk.routes.api import ERRORS, record_detail, scoped
from reviewdesk.web import db

router = APIRouter()
writer, reprocessor = scoped("write"), scoped("reprocess")
NOT_FOUND = {404: {"model": ApiError}}
REFUSED = {**ERRORS, **NOT_FOUND, 409: {"model": ApiError, "description": "the record was already decided"}}


def _record(session: Session, client: ApiClient, record_id: int) -> RecordRow:
    row = session.get(RecordRow, record_id)
    if row is None or not queries.can_see_record(session, client, record_id):
        raise HTTPException(404, f"no record {record_id}")
    return row


def _as_text(value: Any) -> str:
    return verdicts.same_text(verdicts.display(value))


def _correct(request: Request, session: Session, client: ApiClient, record_id: int,
             fields: Mapping[str, Any]) -> Response | CorrectionOut:
    row = _record(session, client, record_id)
    submitted = {name: _as_text(value) for name, value in fields.items()}
    try:
        plan = verdicts.correct(session, request.app.state.store, client, row, submitted)
    except verdicts.InvalidFields as refused:
        return JSONResponse(FieldErrors(detail=refused.message, errors=refused.errors).model_dump(), 422)
    except InvalidCorrection as error:
        return JSONResponse(FieldErrors(detail=str(error), errors={}).model_dump(), 422)
    session.expire_all()
    return CorrectionOut(corrected=list(plan.changes), record=record_detail(session.get(RecordRow, record_id)))


@router.patch("/records/{record_id}/fields", response_model=CorrectionOut, summary="Correct fields (all or none)",
              responses={**ERRORS, **NOT_FOUND, 422: {"model": FieldErrors}})
def correct_fields(record_id: int, body: CorrectionsIn, request: Request, client: ApiClient = Depends(writer),
                   session: Session = Depends(db)):
    """The portal's correction form: every value is validated and normalised (E.164 phones, upper-case names,
    ISO dates...); one refused value and nothing is stored. Each change is a `corrected` event and webhook."""
    return _correct(request, session, client, record_id, body.fields)


@router.post("/records/{record_id}/corrections", response_model=CorrectionOut, summary="Correct one field",
             responses={**ERRORS, **NOT_FOUND, 422: {"model": FieldErrors}})
def correct_field(record_id: int, body: CorrectionIn, request: Request, client: ApiClient = Depends(writer),
                  session: Session = Depends(db)):
    return _correct(request, session, client, record_id, {body.field: body.value})


def _verdict(session: Session, record_id: int, missing: list[str] | None = None) -> VerdictOut:
    session.expire_all()
    row = session.get(RecordRow, record_id)
    return VerdictOut(record_id=row.id, review_status=row.review_status, dossier_id=row.dossier_id,
                      missing=missing or [])


@router.post("/records/{record_id}/open", response_model=VerdictOut, summary="Open the record's dossier",
             responses={**REFUSED, 422: {"model": MissingFields}})
def open_dossier(record_id: int, request: Request, body: OpenIn | None = None, client: ApiClient = Depends(writer),
                 session: Session = Depends(db)):
    """Only a record in review (`pending`). A required field missing is refused (422, with the fields) unless
    `missing_reason` says why; the reason is kept in the `opened` event."""
    row = _record(session, client, record_id)
    missing = verdicts.missing_required(row.current_json or {}, request.app.state.config)
    try:
        verdicts.open_record(session, request.app.state.store, client, row, body.missing_reason if body else None,
                             request.app.state.config)
    except verdicts.MissingRequired as refused:
        return JSONResponse(MissingFields(detail=refused.message, missing=refused.missing).model_dump(), 422)
    except verdicts.ActionRefused as refused:
        raise HTTPException(refused.status, refused.message) from None
    return _verdict(session, record_id, missing)


@router.post("/records/{record_id}/attach", response_model=VerdictOut, summary="Attach to an existing dossier",
             responses={**REFUSED, 400: {"model": ApiError}})
def attach(record_id: int, body: AttachIn, request: Request, client: ApiClient = Depends(writer),
           session: Session = Depends(db)):
    row = _record(session, client, record_id)
    try:
        verdicts.attach_record(session, request.app.state.store, client, row, body.dossier_id)
    except verdicts.ActionRefused as refused:
        raise HTTPException(refused.status, refused.message) from None
    return _verdict(session, record_id)


@router.post("/records/{record_id}/refuse", response_model=VerdictOut, summary="Refuse the order",
             responses={**REFUSED, 400: {"model": ApiError}})
def refuse(record_id: int, body: RefuseIn, request: Request, client: ApiClient = Depends(writer),
           session: Session = Depends(db)):
    row = _record(session, client, record_id)
    try:
        verdicts.refuse_record(session, request.app.state.store, client, row, body.reason, request.app.state.config)
    except verdicts.ActionRefused as refused:
        raise HTTPException(refused.status, refused.message) from None
    return _verdict(session, record_id)


@router.post("/records/{record_id}/reprocess", response_model=ReprocessOut, summary="Decide the record again",
             responses={**ERRORS, **NOT_FOUND, 422: {"model": ApiError}, 503: {"model": ApiError}})
def reprocess(record_id: int, request: Request, body: ReprocessIn | None = None,
              client: ApiClient = Depends(reprocessor), session: Session = Depends(db)):
    """The portal's administrator action for one record: classification and rules again from the cached parse,
    under the configuration the server runs with. A record a person corrected, accepted, attached or refused,
    or whose dossier is open, is kept (`outcome: kept`). `dry_run`: the shadow report only."""
    _record(session, client, record_id)
    portal = getattr(request.app.state, "portal", None)
    engine = engine_for(portal) if portal is not None else engine_for(request.app)
    if engine is None:
        raise HTTPException(503, "reprocessing is not available on this server")
    dry_run = bool(body and body.dry_run)
    session.commit()  # the engine writes through the store's own connections
    result = engine(request.app.state.store, dry_run=dry_run, actor=client.email, record_ids=[record_id])
    change = next((c for c in result.changes if c.record_id == record_id), None)
    if change is None:
        reason = next((why for rid, why in result.failed if rid == record_id), "no cached parse for this record")
        raise HTTPException(422, f"record {record_id} could not be decided again: {reason}")
    return ReprocessOut(record_id=record_id, outcome=change.outcome, kept=change.kept,
                        decision_before=change.decision_before, decision_after=change.decision_after,
                        channel_before=change.channel_before, channel_after=change.channel_after,
                        fields=list(change.fields), dry_run=dry_run)
