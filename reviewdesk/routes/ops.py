"""Operations endpoints, no login: `/healthz` for a load balancer or a supervisor, `/metrics` for Prometheus.

`/healthz` really asks the database (a query on the store) and reports, per polled mailbox or fax folder,
the last poll, the last successful one and its last error. 503 when the database does not answer, or when
a source's last successful poll is older than `operations.poll_stale_s` (default 600 s: ten one-minute
polls missed); 200 otherwise (a source whose last poll failed but is not stale yet is reported, not fatal).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from outputs.metrics import CONTENT_TYPE, render
from outputs.tables import utc

router = APIRouter()
DEFAULT_STALE_S = 600.0


def _stale_after(request: Request) -> float:
    section = request.app.state.config.section("operations") or {}
    return float(section.get("poll_stale_s", DEFAULT_STALE_S)) if isinstance(section, dict) else DEFAULT_STALE_S


def _iso(moment) -> str | None:
    return utc(moment).isoformat() if moment else None


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request) -> JSONResponse:
    store = request.app.state.store
    body: dict[str, Any] = {"status": "ok", "database": "ok", "sources": []}
    try:
        with store.session(read=True) as s:
            s.execute(text("SELECT 1"))
        states = store.mailbox_states()
    except Exception as error:  # noqa: BLE001 - any failure of the database is the answer
        reason = str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__
        return JSONResponse({"status": "fail", "database": reason, "sources": []}, status_code=503)
    now = datetime.now(timezone.utc)
    stale_s = _stale_after(request)
    for state in states:
        last_ok = utc(state.get("last_success_at")) or (None if state.get("last_error") else utc(state.get("last_poll_at")))
        age = (now - last_ok).total_seconds() if last_ok else None
        stale = age is None or age > stale_s
        body["sources"].append({"source": state["key"], "last_poll_at": _iso(state.get("last_poll_at")),
                                "last_success_at": _iso(last_ok), "age_s": round(age, 1) if age is not None else None,
                                "last_error": state.get("last_error"), "stale": stale})
        if stale:
            body["status"] = "fail"
    return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    return Response(render(request.app.state.store), media_type=CONTENT_TYPE)
