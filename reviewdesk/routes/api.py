"""The JSON API for the case-management system, under /api/v1 (OpenAPI at /api/v1/openapi.json; no
bundled docs page, the portal's CSP forbids outside scripts): records (the queue's filters), one record with its fields, confidence and evidence, dossiers
with their records and timeline; and, for tokens with the scopes, the reviewer's actions
(reviewdesk/routes/api_actions.py): corrections, open / attach / refuse, reprocess.

Authentication is separate from the portal's login: `Authorization: Bearer itk_...`, a per-client token an
administrator creates with `intake api-token add NAME [--channel C ...]` (only its SHA-256 is stored) and
revokes with `intake api-token revoke NAME`. Scopes (`--scope`, set at creation): `read` (the default) for
the GET routes, `write` for corrections and verdicts, `reprocess` to decide a record again; a missing
scope answers 403. The portal's visibility rules apply unchanged
(`reviewdesk.queries.visible_condition`): a token scoped to channels sees those channels' records and the
dossiers one of them belongs to; a token with no channel sees everything, like an administrator. Each
token is rate-limited (`api.rate_limit_per_minute`); past it the answer is 429 with Retry-After.

A sub-application, mounted by reviewdesk/app.py: its errors are JSON, not the portal's HTML pages, and the
portal's own pages stay out of the OpenAPI document.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any, Callable, Optional

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foundation.config import load_config
from outputs.integrations import ApiClient
from outputs.tables import DOSSIER_STATUSES, REVIEW_STATUSES, Dossier, RecordRow
from reviewdesk.api_models import (ApiError, DossierDetail, DossierPage, DossierSummary, RecordDetail, RecordPage,
                                   RecordSummary, TimelineEvent)
from reviewdesk.web import db  # one session per request (on this sub-application's sessionmaker)
from reviewdesk.queries import (AGE_FILTERS, QUEUE_ORDER, QueueFilter, can_see_dossier, can_see_record,
                                dossier_events, dossier_records, queue_conditions, visible_condition)

ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ApiError}, 403: {"model": ApiError},
                                           429: {"model": ApiError}}


class RateLimiter:
    """A sliding one-minute window per token, in memory (per process)."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._hits: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: int, now: Optional[float] = None) -> Optional[int]:
        """None when the request may go; else the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] >= 60.0:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(1, int(60.0 - (now - hits[0])) + 1)
            hits.append(now)
            return None


def api_client(request: Request) -> ApiClient:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    client = request.app.state.store.check_api_token(token.strip()) if scheme.lower() == "bearer" else None
    if client is None:
        raise HTTPException(401, "a valid API token is required (Authorization: Bearer ...)",
                            headers={"WWW-Authenticate": "Bearer"})
    wait = request.app.state.limiter.retry_after(client.token_id)
    if wait is not None:
        raise HTTPException(429, "too many requests for this token", headers={"Retry-After": str(wait)})
    return client


def scoped(scope: str) -> Callable[..., ApiClient]:
    """A dependency: the token's client, refused (403) unless an administrator gave the token `scope`."""
    def check(client: ApiClient = Depends(api_client)) -> ApiClient:
        if scope not in client.scopes:
            raise HTTPException(403, f"this token lacks the {scope!r} scope (intake api-token add --scope {scope})")
        return client
    check.__name__ = f"scope_{scope}"
    return check


reader = scoped("read")


def _summary(row: RecordRow) -> RecordSummary:
    return RecordSummary(id=row.id, channel=row.channel, document_type=row.document_type, decision=row.decision,
                         queue=row.queue, reasons=list(row.reasons or []), review_status=row.review_status,
                         claim_number=row.claim_number, last_name=row.last_name, dossier_id=row.dossier_id,
                         created_at=row.created_at, decided_by=row.decided_by, decided_at=row.decided_at)


def record_detail(row: RecordRow) -> RecordDetail:
    return RecordDetail(**_summary(row).model_dump(), refuse_reason=row.refuse_reason, record=row.current_json)


def _dossier(row: Dossier) -> DossierSummary:
    return DossierSummary(id=row.id, status=row.status, claim_number=row.claim_number, channel=row.channel,
                          last_name=row.last_name, peril=row.peril, opening_record_id=row.opening_record_id,
                          opened_at=row.opened_at, closed_at=row.closed_at, created_at=row.created_at)


def _pages(total: int, page: int, size: int) -> tuple[int, int]:
    pages = max(1, -(-total // size))
    return min(max(1, page), pages), pages


def create_api(store: Any, sessions: Any, rate_limit_per_minute: int = 120, page_size: int = 50,
               read_sessions: Any = None, config: Any = None) -> FastAPI:
    api = FastAPI(title="intake API", version="1", openapi_url="/openapi.json", docs_url=None, redoc_url=None,
                  description="The records and dossiers intake made from mission orders: read them, and (with the "
                              "`write` and `reprocess` scopes) correct, open, attach, refuse or decide them again "
                              "under the portal's rules. Authenticate with `Authorization: Bearer <token>` (see "
                              "`intake api-token`).")
    api.state.store, api.state.sessionmaker = store, sessions
    api.state.read_sessionmaker = read_sessions or sessions   # every route reads: no write lock on SQLite
    api.state.limiter = RateLimiter(rate_limit_per_minute)
    api.state.config = config if config is not None else load_config()   # the portal's, when mounted by it

    @api.get("/records", response_model=RecordPage, responses=ERRORS, summary="Records, oldest first")
    def list_records(client: ApiClient = Depends(reader), session: Session = Depends(db),
                     review_status: Optional[str] = Query(None, description=f"one of {', '.join(REVIEW_STATUSES)}; "
                                                          "`pending` is the review queue"),
                     channel: Optional[str] = None, reason: Optional[str] = None, queue: Optional[str] = None,
                     age: Optional[str] = Query(None, description=f"older than: {', '.join(AGE_FILTERS)}"),
                     decision: Optional[str] = None, claim_number: Optional[str] = None,
                     page: int = Query(1, ge=1)) -> RecordPage:
        if review_status is not None and review_status not in REVIEW_STATUSES:
            raise HTTPException(422, f"review_status must be one of {', '.join(REVIEW_STATUSES)}")
        if age is not None and age not in AGE_FILTERS:
            raise HTTPException(422, f"age must be one of {', '.join(AGE_FILTERS)}")
        conditions = queue_conditions(session, client, QueueFilter(channel=channel, reason=reason, queue=queue,
                                                                   age=age))[1:]  # all statuses, not only pending
        if review_status:
            conditions.append(RecordRow.review_status == review_status)
        if decision:
            conditions.append(RecordRow.decision == decision)
        if claim_number:
            conditions.append(RecordRow.claim_number == claim_number.replace(" ", "").upper())
        total = session.scalar(select(func.count()).select_from(RecordRow).where(*conditions)) or 0
        page, pages = _pages(total, page, page_size)
        rows = session.scalars(select(RecordRow).where(*conditions).order_by(*QUEUE_ORDER)
                               .offset((page - 1) * page_size).limit(page_size)).all()
        return RecordPage(items=[_summary(r) for r in rows], total=total, page=page, pages=pages)

    @api.get("/records/{record_id}", response_model=RecordDetail, responses={**ERRORS, 404: {"model": ApiError}},
             summary="One record with its fields, confidence and evidence")
    def get_record(record_id: int, client: ApiClient = Depends(reader),
                   session: Session = Depends(db)) -> RecordDetail:
        row = session.get(RecordRow, record_id)
        if row is None or not can_see_record(session, client, record_id):
            raise HTTPException(404, f"no record {record_id}")
        return record_detail(row)

    @api.get("/dossiers", response_model=DossierPage, responses=ERRORS, summary="Dossiers, newest first")
    def list_dossiers(client: ApiClient = Depends(reader), session: Session = Depends(db),
                      status: Optional[str] = Query(None, description=f"one of {', '.join(DOSSIER_STATUSES)}"),
                      claim_number: Optional[str] = None, last_name: Optional[str] = None,
                      page: int = Query(1, ge=1)) -> DossierPage:
        if status is not None and status not in DOSSIER_STATUSES:
            raise HTTPException(422, f"status must be one of {', '.join(DOSSIER_STATUSES)}")
        conditions = []
        if status:
            conditions.append(Dossier.status == status)
        if claim_number:
            conditions.append(Dossier.claim_number == claim_number.replace(" ", "").upper())
        if last_name:
            conditions.append(func.upper(Dossier.last_name) == last_name.strip().upper())
        if not client.is_admin:
            visible = select(RecordRow.dossier_id).where(visible_condition(session, client),
                                                         RecordRow.dossier_id.is_not(None))
            conditions.append(Dossier.id.in_(visible))
        total = session.scalar(select(func.count()).select_from(Dossier).where(*conditions)) or 0
        page, pages = _pages(total, page, page_size)
        rows = session.scalars(select(Dossier).where(*conditions).order_by(Dossier.created_at.desc(), Dossier.id)
                               .offset((page - 1) * page_size).limit(page_size)).all()
        return DossierPage(items=[_dossier(d) for d in rows], total=total, page=page, pages=pages)

    @api.get("/dossiers/{dossier_id}", response_model=DossierDetail, responses={**ERRORS, 404: {"model": ApiError}},
             summary="One dossier with its records and timeline")
    def get_dossier(dossier_id: str, request: Request, client: ApiClient = Depends(reader),
                    session: Session = Depends(db)) -> DossierDetail:
        row = session.get(Dossier, dossier_id)
        if row is None or not can_see_dossier(session, client, dossier_id):
            raise HTTPException(404, f"no dossier {dossier_id}")
        records = [r for r in dossier_records(session, dossier_id)
                   if client.is_admin or r.channel in client.channels]
        events = dossier_events(session, dossier_id, [r.id for r in records])
        return DossierDetail(**_dossier(row).model_dump(), records=[_summary(r) for r in records],
                             followup=request.app.state.store.followup_of(dossier_id),
                             timeline=[TimelineEvent(at=e.at, kind=e.kind, actor=e.actor, record_id=e.record_id,
                                                     detail=e.detail or {}) for e in events])

    from reviewdesk.routes import api_actions
    api.include_router(api_actions.router)
    return api


def api_from_config(store: Any, sessions: Any, config: Any, read_sessions: Any = None) -> FastAPI:
    """The API with the `api:` section of the portal's configuration (rate limit, page size)."""
    section = config.section("api") or {}
    return create_api(store, sessions, rate_limit_per_minute=int(section.get("rate_limit_per_minute", 120)),
                      page_size=int(section.get("page_size", 50)), read_sessions=read_sessions, config=config)
