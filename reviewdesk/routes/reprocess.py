"""Admin action: decide one record, or a filtered selection of the queue, again under the current
configuration - the shadow report first (nothing stored), then apply only the records it showed.

Records a reviewer corrected, accepted, attached or refused, and opened dossiers, are never changed
(listed as kept). The engine comes from the doors (reviewdesk.reprocess_hook)."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from foundation.models import CHANNELS
from outputs.portal_tables import User
from reviewdesk.reprocess_hook import engine_for
from reviewdesk.web import check_csrf, db, posted_form, render, require_admin

router = APIRouter(prefix="/admin/reprocess", dependencies=[Depends(check_csrf)])
DECISIONS = ("auto_open", "manual_review", "attach", "ignore")
MAX_RECORDS = 5000


def _engine(request: Request):
    engine = engine_for(request.app)
    if engine is None:
        raise HTTPException(503, "le retraitement n'est pas disponible sur ce serveur")
    return engine


def _int(value: Optional[str]) -> Optional[int]:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise HTTPException(400, "numéro d'enregistrement invalide")


def _filters(form) -> dict:
    record = _int(form.get("record_id"))
    channel, decision = form.get("channel") or None, form.get("decision") or None
    if channel and channel not in CHANNELS:
        raise HTTPException(400, "canal inconnu")
    if decision and decision not in DECISIONS:
        raise HTTPException(400, "décision inconnue")
    return {"record_ids": [record] if record is not None else None, "channel": channel, "decision": decision,
            "reason": (form.get("reason") or "").strip()[:100] or None}


def _page(request, session, user, form: dict, result=None, applied: bool = False) -> Response:
    changed = [c for c in result.changes if c.changed] if result else []
    return render(request, "reprocess.html", {
        "form": form, "channels": CHANNELS, "decisions": DECISIONS, "result": result, "applied": applied,
        "summary": result.per_channel() if result else {}, "changed": changed,
        "to_apply": [c.record_id for c in changed if c.outcome == "changed"]}, session, user)


@router.get("")
def reprocess_page(request: Request, record: Optional[str] = None, user: User = Depends(require_admin),
                   session: Session = Depends(db)) -> Response:
    return _page(request, session, user, {"record_id": record or ""})


@router.post("/preview")
def preview(request: Request, user: User = Depends(require_admin), session: Session = Depends(db),
            posted: FormData = Depends(posted_form)) -> Response:
    form = dict(posted.items())
    filters = _filters(form)
    session.commit()  # end the request's transaction: the engine uses the store's own connections
    result = _engine(request)(request.app.state.store, dry_run=True, actor=user.email,
                              config=request.app.state.config, **filters)
    if len(result.changes) > MAX_RECORDS:
        raise HTTPException(400, f"plus de {MAX_RECORDS} enregistrements : utilisez `intake reprocess`")
    return _page(request, session, user, form, result)


@router.post("/apply")
def apply(request: Request, user: User = Depends(require_admin), session: Session = Depends(db),
          form: FormData = Depends(posted_form)) -> Response:
    ids = [_int(v) for v in form.getlist("record_ids")]
    if not ids:
        raise HTTPException(400, "aucun enregistrement à appliquer")
    session.commit()  # end the request's transaction (on SQLite it would hold the write lock the engine needs)
    result = _engine(request)(request.app.state.store, dry_run=False, actor=user.email,
                              config=request.app.state.config, record_ids=ids)
    return _page(request, session, user, {"record_id": ""}, result, applied=True)
