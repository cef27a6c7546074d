"""The review portal: a FastAPI application, server-rendered with Jinja2, no front-end build.

Safety at the edges, for every response: a strict Content-Security-Policy (no inline script or style, so
nothing a mail carries can run), nosniff, no framing; sessions in a signed HttpOnly SameSite cookie.
"""
from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException as FastAPIHTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from reviewdesk.settings import PortalSettings, portal_settings
from reviewdesk.web import TEMPLATES, LoginRequired

log = logging.getLogger(__name__)

CSP = ("default-src 'self'; script-src 'self'; object-src 'none'; img-src 'self' data:; style-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def open_store(database_url: str):
    """The store (migrated to the latest revision on open) and a session factory on its engine."""
    from outputs.store import Store
    store = Store(database_url)
    engine = getattr(store, "engine")
    return store, sessionmaker(bind=engine, expire_on_commit=False)


def create_app(database_url: str, settings: PortalSettings | None = None) -> FastAPI:
    settings = settings or portal_settings()
    app = FastAPI(title="intake — portail de revue", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.database_url = database_url
    app.state.store, app.state.sessionmaker = open_store(database_url)

    @app.middleware("http")
    async def security_headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            if name == "Cache-Control" and request.url.path.startswith("/static/"):
                continue
            response.headers.setdefault(name, value)
        return response

    # Added after the headers middleware so it runs first (outermost): routes see request.session.
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key.get_secret_value(),
                       session_cookie="intake_session", max_age=settings.session_max_age_s,
                       same_site="strict", https_only=settings.https_cookies)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {403: "Accès refusé", 404: "Page introuvable", 405: "Méthode non permise"}
        return TEMPLATES.TemplateResponse(request, "error.html", {
            "status": exc.status_code, "title": titles.get(exc.status_code, "Erreur"),
            "detail": exc.detail if isinstance(exc.detail, str) else "", "user": None, "pending_count": None,
            "csrf": request.session.get("csrf", ""), "flash": None,
        }, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    app.mount("/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static")

    from reviewdesk.routes import admin, auth, dossiers, queue, reprocess
    for module in (auth, queue, dossiers, admin, reprocess):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/queue", status_code=303)

    @app.get("/healthz", include_in_schema=False)
    def health() -> HTMLResponse:
        return HTMLResponse("ok")

    return app


def serve(database_url: str, host: str = "127.0.0.1", port: int = 8000) -> int:
    """`intake serve`: the portal under uvicorn until interrupted."""
    import uvicorn
    app = create_app(database_url)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False, server_header=False)
    return 0
