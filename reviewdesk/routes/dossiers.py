"""The dossier view (seed 001): search by claim number, plate or last name, active and closed apart;
contact and claim data, the other party, the timeline, every message received; close and reopen."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from outputs.tables import Dossier
from reviewdesk import queries, validation
from reviewdesk.actions import set_dossier_extra
from outputs.portal_tables import User
from reviewdesk.web import check_csrf, current_user, db, flash, portal_config, posted_form, render

router = APIRouter(dependencies=[Depends(check_csrf)])


def _dossier_or_404(session: Session, user: User, dossier_id: str) -> Dossier:
    """A dossier the user may not see answers like one that does not exist."""
    dossier = session.get(Dossier, dossier_id[:40])
    if dossier is None or not queries.can_see_dossier(session, user, dossier.id):
        raise HTTPException(404, "Dossier introuvable.")
    return dossier


@router.get("/dossiers")
def dossier_list(request: Request, q: str = "", status: str = "", channel: str = "", sort: str = "recent",
                 page: int = 1, user: User = Depends(current_user), session: Session = Depends(db)) -> Response:
    result = queries.dossier_page(session, user, q, status=status, channel=channel, sort=sort, page=page)
    options = queries.filter_options(user, portal_config(request))
    return render(request, "dossiers.html", {"q": q, "result": result, "options": options,
                                             "sorts": DOSSIER_SORT_LABELS}, session, user)


DOSSIER_SORT_LABELS = {"recent": "Plus récents", "oldest": "Plus anciens", "claim": "N° de sinistre", "name": "Assuré"}


def _context(session: Session, user: User, dossier: Dossier, errors: dict | None = None,
             submitted: dict | None = None) -> dict:
    records = queries.dossier_records(session, dossier.id, user)   # only the messages this user may see
    opening = next((r for r in records if r.id == dossier.opening_record_id), records[0] if records else None)
    current = (opening.current_json if opening else None) or {}
    messages = []
    for row in records:
        documents = queries.documents_of(session, row.raw_message_id)
        messages.append({"row": row, "record": row.current_json or {}, "documents": documents})
    extra = dossier.extra or {}
    extra_fields = [{"name": n, "label": label, "value": (submitted or {}).get(n, extra.get(n) or ""),
                     "error": (errors or {}).get(n)} for n, (label, _check) in validation.DOSSIER_FIELDS.items()]
    return {"dossier": dossier, "record": current, "insured": current.get("insured") or {}, "messages": messages,
            "events": queries.dossier_events(session, dossier.id, [r.id for r in records]),
            "extra_fields": extra_fields}


@router.get("/dossiers/{dossier_id}")
def dossier_view(request: Request, dossier_id: str, user: User = Depends(current_user),
                 session: Session = Depends(db)) -> Response:
    dossier = _dossier_or_404(session, user, dossier_id)
    context = {**_context(session, user, dossier), "followup": request.app.state.store.followup_of(dossier_id)}
    return render(request, "dossier.html", context, session, user)


@router.post("/dossiers/{dossier_id}/data")
def dossier_data(request: Request, dossier_id: str, user: User = Depends(current_user),
                 session: Session = Depends(db), form: FormData = Depends(posted_form)) -> Response:
    """IBAN and the other party: validated together, stored together, each change in the timeline."""
    dossier = _dossier_or_404(session, user, dossier_id)
    submitted = {n: str(form.get(n, "")) for n in validation.DOSSIER_FIELDS if n in form}
    values, errors = {}, {}
    for name, raw in submitted.items():
        try:
            values[name] = validation.validate_dossier_field(name, raw)
        except validation.FieldError as error:
            errors[name] = str(error)
    if errors:
        return render(request, "dossier.html", _context(session, user, dossier, errors, submitted), session, user,
                      status_code=422)
    for name, value in values.items():
        set_dossier_extra(session, dossier.id, name, value, user)
    session.commit()
    flash(request, "Données du dossier enregistrées.")
    return RedirectResponse(f"/dossiers/{dossier_id}", status_code=303)


def _set_status(request: Request, session: Session, user: User, dossier_id: str, action: str, done: str) -> Response:
    _dossier_or_404(session, user, dossier_id)
    session.commit()
    getattr(request.app.state.store, action)(dossier_id, user.email)
    flash(request, done)
    return RedirectResponse(f"/dossiers/{dossier_id}", status_code=303)


@router.post("/dossiers/{dossier_id}/close")
def close(request: Request, dossier_id: str, user: User = Depends(current_user),
          session: Session = Depends(db)) -> Response:
    return _set_status(request, session, user, dossier_id, "close_dossier", "Dossier clos.")


@router.post("/dossiers/{dossier_id}/reopen")
def reopen(request: Request, dossier_id: str, user: User = Depends(current_user),
           session: Session = Depends(db)) -> Response:
    return _set_status(request, session, user, dossier_id, "reopen_dossier", "Dossier rouvert.")


@router.post("/dossiers/{dossier_id}/followup/answered")
async def followup_answered(request: Request, dossier_id: str, user: User = Depends(current_user),
                            session: Session = Depends(db)) -> Response:
    """« L'assuré a répondu »: the answer is recorded (with its note), the reminders stop, the dossier is open."""
    from outputs.followups import FollowupDone
    from outputs.store import NotFoundError
    _dossier_or_404(session, user, dossier_id)
    note = str((await request.form()).get("note", ""))[:1000]
    session.commit()
    try:
        request.app.state.store.followup_answered(dossier_id, user.email, note)
    except NotFoundError:
        raise HTTPException(404, "Ce dossier n'a pas de suivi de l'assuré.") from None
    except FollowupDone:
        raise HTTPException(409, "Le suivi de l'assuré est déjà terminé.") from None
    flash(request, "Réponse de l'assuré enregistrée : les relances sont arrêtées.")
    return RedirectResponse(f"/dossiers/{dossier_id}", status_code=303)
