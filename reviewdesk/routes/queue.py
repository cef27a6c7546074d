"""The message queue (seed 000): list with filters, the detail view beside the original, corrections,
and the three verdicts: open a dossier, attach to an existing one, refuse with a reason."""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from foundation.config import Config
from outputs.tables import DocumentRow, RecordRow
from outputs.store import InvalidCorrection
from reviewdesk import edges, labels, pages, queries, validation, verdicts
from reviewdesk.verdicts import INSURED, field_value, missing_required, refuse_reasons, same_text  # noqa: F401
from reviewdesk.verdicts import display as _display
from outputs.portal_tables import User
from reviewdesk.original import attachment_bytes, bytes_by_sha256, load_original, safe_filename
from reviewdesk.web import check_csrf, current_user, db, flash, portal_config, posted_form, render

router = APIRouter(dependencies=[Depends(check_csrf)])

MAX_PAGES_SHOWN = 10
DOWNLOAD_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/tiff", "image/gif", "text/plain"}


def _record_or_404(session: Session, user: User, record_id: int) -> RecordRow:
    """A record the user may not see answers like one that does not exist: ids reveal nothing."""
    row = session.get(RecordRow, edges.found_id(record_id))
    if row is None or not queries.can_see_record(session, user, record_id):
        raise HTTPException(404, "Message introuvable.")
    return row


@router.get("/queue")
def queue(request: Request, channel: str = "", reason: str = "", queue: str = "", age: str = "", page: int = 1,
          sort: str = "asc", user: User = Depends(current_user), session: Session = Depends(db)) -> Response:
    # "from"/"to" are Python keywords: read from the query string (a bad date is ignored, as a bad age is)
    filters = queries.QueueFilter(channel=channel or None, reason=reason or None, queue=queue or None,
                                  age=age if age in queries.AGE_FILTERS else None, page=max(1, page),
                                  sort=sort if sort in queries.SORTS else "asc",
                                  date_from=queries.parse_day(request.query_params.get("from", "")),
                                  date_to=queries.parse_day(request.query_params.get("to", "")))
    result = queries.queue_page(session, user, filters)
    options = queries.filter_options(user, portal_config(request))
    return render(request, "queue.html", {"result": result, "options": options,
                                          "ages": queries.AGE_FILTERS}, session, user)


def trust_threshold(config: Config) -> float:
    from rulestage.settings import rule_settings
    return rule_settings(config).trust_threshold


def field_rows(record: dict[str, Any], errors: dict[str, str], submitted: dict[str, str],
               threshold: float) -> list[dict[str, Any]]:
    meta = record.get("fields") or {}
    rows = []
    for name, (label, _check, choices) in validation.RECORD_FIELDS.items():
        info = meta.get(name) or {}
        rows.append({
            "name": name, "label": label, "value": submitted.get(name, _display(field_value(record, name))),
            "confidence": info.get("confidence"), "evidence": info.get("evidence"), "part": info.get("part"),
            "page": info.get("page"), "corrected_by": info.get("corrected_by"), "error": errors.get(name),
            "low_reason": labels.low_confidence_reason(info, threshold),
            "choices": [(c, labels.CHOICE_LABELS.get(name, {}).get(c, c)) for c in choices] if choices else None,
        })
    return rows


def _page_views(doc: DocumentRow, fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pages shown for a document, each with the boxes of the fields read on it (JSON, for the zoom)."""
    import json
    infos = {p.get("number"): p for p in (doc.pages_json or []) if isinstance(p, dict)}
    views = []
    for number in range(1, min(doc.pages or 0, MAX_PAGES_SHOWN) + 1):
        evidences = {f["name"]: f["evidence"] for f in fields if f["evidence"] and f["part"] == doc.name
                     and f["page"] in (None, number)}
        views.append({"number": number, "boxes": json.dumps(pages.field_boxes(infos.get(number), evidences))})
    return views


def _detail_context(session: Session, user: User, row: RecordRow, attach_q: str = "",
                    errors: Optional[dict[str, str]] = None, submitted: Optional[dict[str, str]] = None, *,
                    config: Config) -> dict:
    raw = queries.raw_message(session, row.raw_message_id)
    record = row.current_json or {}
    source = record.get("source") or {}
    filename = (source.get("uri") or "").rsplit("/", 1)[-1] if raw and raw.source_kind != "imap" else None
    original = load_original(bytes(raw.raw), filename) if raw else None
    fields = field_rows(record, errors or {}, submitted or {}, trust_threshold(config))
    documents = []
    for doc in queries.documents_of(session, row.raw_message_id):
        located = [(f["name"], f["evidence"]) for f in fields if f["evidence"]
                   and (f["part"] == doc.name or (f["part"] in (None, "body") and doc.position == 0))]
        text = doc.text or ""
        documents.append({
            "row": doc, "segments": pages.highlight_segments(text[:200_000], located) if text else [],
            "renderable": pages.is_renderable(doc.content_type),
            "pages": _page_views(doc, fields),
        })
    prev_id, next_id = queries.neighbours(session, user, row)
    dossier_matches = queries.search_dossiers(session, user, attach_q, limit=20) if attach_q else None
    return {
        "open_missing": None, "missing_now": missing_required(record, config),
        "row": row, "record": record, "source": source, "original": original, "fields": fields,
        "documents": documents, "events": queries.record_events(session, row), "prev_id": prev_id,
        "next_id": next_id, "refuse_reasons": refuse_reasons(config), "attach_q": attach_q,
        "dossier_matches": dossier_matches, "machine": row.machine_json or {},
    }


@router.get("/records/{record_id}")
def detail(request: Request, record_id: int, attach_q: str = "", user: User = Depends(current_user),
           session: Session = Depends(db)) -> Response:
    row = _record_or_404(session, user, record_id)
    return render(request, "detail.html", _detail_context(session, user, row, attach_q, config=portal_config(request)),
                  session, user)


@router.post("/records/{record_id}/fields")
def correct(request: Request, record_id: int, user: User = Depends(current_user),
            session: Session = Depends(db), form: FormData = Depends(posted_form)) -> Response:
    """All changed fields are validated first; nothing is stored unless every one is valid (reviewdesk.verdicts)."""
    row = _record_or_404(session, user, record_id)
    submitted = {name: same_text(str(form.get(name, ""))) for name in validation.RECORD_FIELDS if name in form}
    try:
        changes = verdicts.correct(session, request.app.state.store, user, row, submitted).changes
    except verdicts.InvalidFields as refused:
        return render(request, "detail.html", _detail_context(session, user, row, errors=refused.errors,
                                                              submitted=submitted, config=portal_config(request)),
                      session, user, status_code=422)
    except InvalidCorrection as error:
        flash(request, f"Correction refusée : {error}", "error")
        return RedirectResponse(f"/records/{record_id}", status_code=303)
    flash(request, f"{len(changes)} champ(s) corrigé(s)." if changes else "Aucun changement.")
    return RedirectResponse(f"/records/{record_id}", status_code=303)


def _after_verdict(session: Session, user: User, row: RecordRow) -> str:
    _prev, next_id = queries.neighbours(session, user, row)
    return f"/records/{next_id}" if next_id else "/queue"


@router.post("/records/{record_id}/open")
def open_dossier(request: Request, record_id: int, user: User = Depends(current_user),
                 session: Session = Depends(db), form: FormData = Depends(posted_form)) -> Response:
    row = _record_or_404(session, user, record_id)
    reason = str(form.get("missing_reason", ""))
    target = _after_verdict(session, user, row)
    try:
        dossier_id = verdicts.open_record(session, request.app.state.store, user, row, reason, portal_config(request))
    except verdicts.MissingRequired as refused:
        context = _detail_context(session, user, row, config=portal_config(request))
        context["open_missing"] = refused.missing
        return render(request, "detail.html", context, session, user, status_code=422)
    except verdicts.ActionRefused as refused:
        raise HTTPException(refused.status, refused.message) from None
    flash(request, f"Dossier {dossier_id} ouvert.")
    return RedirectResponse(target, status_code=303)


@router.post("/records/{record_id}/attach")
def attach(request: Request, record_id: int, user: User = Depends(current_user),
           session: Session = Depends(db), form: FormData = Depends(posted_form)) -> Response:
    row = _record_or_404(session, user, record_id)
    dossier_id = str(form.get("dossier_id", ""))
    target = _after_verdict(session, user, row)
    try:
        verdicts.attach_record(session, request.app.state.store, user, row, dossier_id)
    except verdicts.ActionRefused as refused:
        raise HTTPException(refused.status, refused.message) from None
    flash(request, f"Message rattaché au dossier {dossier_id}.")
    return RedirectResponse(target, status_code=303)


@router.post("/records/{record_id}/refuse")
def refuse(request: Request, record_id: int, user: User = Depends(current_user),
           session: Session = Depends(db), form: FormData = Depends(posted_form)) -> Response:
    row = _record_or_404(session, user, record_id)
    reason = str(form.get("reason", ""))
    target = _after_verdict(session, user, row)
    try:
        verdicts.refuse_record(session, request.app.state.store, user, row, reason, portal_config(request))
    except verdicts.ActionRefused as refused:
        raise HTTPException(refused.status, refused.message) from None
    flash(request, f"Message refusé : {reason}.")
    return RedirectResponse(target, status_code=303)


def content_disposition(filename: str) -> str:
    """RFC 6266 / 5987: an ASCII fallback and the exact UTF-8 name."""
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename) or "fichier"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(data: bytes, filename: str, content_type: str) -> Response:
    media = content_type if content_type in DOWNLOAD_TYPES else "application/octet-stream"
    return Response(data, media_type=media, headers={
        "Content-Disposition": content_disposition(filename), "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox"})


@router.get("/records/{record_id}/attachments/{index}")
def attachment(record_id: int, index: int, user: User = Depends(current_user), session: Session = Depends(db)) -> Response:
    row = _record_or_404(session, user, record_id)
    raw = queries.raw_message(session, row.raw_message_id)
    original = load_original(bytes(raw.raw)) if raw else None
    listed = next((a for a in (original.attachments if original else []) if a.index == index), None)
    data = attachment_bytes(bytes(raw.raw), index) if raw and listed else None
    if data is None or listed is None:
        raise HTTPException(404, "Pièce jointe introuvable.")
    return download(data, listed.filename, listed.content_type)


@router.get("/records/{record_id}/raw")
def raw_download(record_id: int, user: User = Depends(current_user), session: Session = Depends(db)) -> Response:
    row = _record_or_404(session, user, record_id)
    raw = queries.raw_message(session, row.raw_message_id)
    if raw is None:
        raise HTTPException(404, "Message introuvable.")
    name = safe_filename(raw.source_uri.rsplit("/", 1)[-1], f"message-{record_id}.eml")
    return download(bytes(raw.raw), name, "application/octet-stream")


@router.get("/records/{record_id}/documents/{document_id}/pages/{number}.png")
def page_image(record_id: int, document_id: int, number: int, field: str = "", user: User = Depends(current_user),
               session: Session = Depends(db)) -> Response:
    row = _record_or_404(session, user, record_id)
    doc = session.get(DocumentRow, edges.found_id(document_id))
    if doc is None or doc.raw_message_id != row.raw_message_id or not pages.is_renderable(doc.content_type):
        raise HTTPException(404, "Page introuvable.")
    raw = queries.raw_message(session, row.raw_message_id)
    data = bytes_by_sha256(bytes(raw.raw), doc.sha256) if raw else None
    if data is None:
        raise HTTPException(404, "Document introuvable dans le message d'origine.")
    info = next((p for p in (doc.pages_json or []) if isinstance(p, dict) and p.get("number") == number), None)
    meta = (row.current_json or {}).get("fields") or {}
    wanted = [field] if field else list(meta)
    evidences = [meta[n].get("evidence") for n in wanted if n in meta and meta[n].get("part") == doc.name
                 and meta[n].get("page") in (None, number) and meta[n].get("evidence")]
    try:
        png = pages.render_png(data, doc.content_type, number, info, evidences)
    except pages.PageError as error:
        raise HTTPException(404, f"Page illisible : {error}") from error
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})
