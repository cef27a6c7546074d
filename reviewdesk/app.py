"""The review portal: a FastAPI application, server-rendered with Jinja2, no front-end build.

Safety at the edges (reviewdesk.edges), for every response, errors and 500s included: a strict
Content-Security-Policy (no inline script or style, so nothing a mail carries can run), nosniff, no framing;
bodies bounded before parsing; only configured Host headers served. The cookie, signed with the installation
secret (reviewdesk.installation), carries CSRF state and the id of a server-side login session
(reviewdesk.sessions).
"""
from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from foundation.config import Config, load_config
from outputs.db import read_only
from reviewdesk import cipher, edges, installation
from reviewdesk.settings import PortalSettings, portal_settings
from reviewdesk.web import TEMPLATES, LoginRequired, page_user

log = logging.getLogger(__name__)

SECURITY_HEADERS = edges.SECURITY_HEADERS     # kept importable under its old name


class PortalApp(FastAPI):
    """FastAPI with the header and body-size guards outside everything, the server's error page included."""

    def build_middleware_stack(self):
        inner = super().build_middleware_stack()
        return edges.SecurityHeaders(edges.LimitBody(inner, self.state.settings.max_body_bytes))


def open_store(database_url: str):
    """The store (migrated to the latest revision on open) and a session factory on its engine."""
    from outputs.store import Store
    store = Store(database_url)
    engine = getattr(store, "engine")
    return store, sessionmaker(bind=engine, expire_on_commit=False)


def read_sessions(store) -> sessionmaker:
    """Sessions for page reads: every transaction read-only (on SQLite a plain BEGIN, no write lock)."""
    return sessionmaker(bind=read_only(store.engine), expire_on_commit=False)


async def _error_page(request: Request, status: int, detail: str, headers=None) -> Response:
    titles = {403: "Accès refusé", 404: "Page introuvable", 405: "Méthode non permise"}
    # a logged-in reviewer keeps the navigation bar on an error page; its reads run in the threadpool
    user, pending = await run_in_threadpool(page_user, request)
    return TEMPLATES.TemplateResponse(request, "error.html", {
        "status": status, "title": titles.get(status, "Erreur"), "detail": detail, "user": user,
        "pending_count": pending, "csrf": request.session.get("csrf", "") if "session" in request.scope else "",
        "flash": None}, status_code=status, headers=headers)


def create_app(database_url: str, settings: PortalSettings | None = None, bind_host: str = "127.0.0.1",
               config: Config | None = None) -> FastAPI:
    """The portal on a database. `bind_host` is where it will listen: beyond loopback a weak secret is refused.
    `config` is the business configuration the command loaded (`--config`); the shipped defaults without one.
    Routes read it from `app.state.config` (reviewdesk.web.portal_config), never with their own `load_config()`."""
    settings = settings or portal_settings()
    app = PortalApp(title="intake — portail de revue", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.config = config if config is not None else load_config()
    app.state.database_url = database_url
    app.state.store, app.state.sessionmaker = open_store(database_url)
    app.state.read_sessionmaker = read_sessions(app.state.store)
    secret = installation.resolve_secret(settings, database_url, app.state.sessionmaker)
    installation.check_bind(bind_host, secret)
    if not installation.is_loopback(bind_host) and not settings.public_url and not settings.allowed_hosts:
        log.warning("serving on %s without INTAKE_PUBLIC_URL: only loopback Host headers are answered and no link "
                    "can be mailed; set INTAKE_PUBLIC_URL to the portal's address", bind_host)
    app.state.cipher = cipher.Cipher(secret.value, secret.previous)
    with app.state.sessionmaker() as session:
        cipher.seal_clear_secrets(session, app.state.cipher)
    edges.install_log_redaction()

    # Starlette runs the last added middleware first: hosts are checked before the session is read.
    app.add_middleware(SessionMiddleware, secret_key=secret.value, session_cookie="intake_session",
                       max_age=settings.session_max_age_s, same_site="strict", https_only=settings.secure_cookies)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.trusted_hosts, www_redirect=False)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return await _error_page(request, exc.status_code, exc.detail if isinstance(exc.detail, str) else "",
                           getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError) -> Response:
        """A malformed id in the path is a page that does not exist; other bad input keeps FastAPI's 422."""
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            return await _error_page(request, 404, "Page introuvable.")
        return await request_validation_exception_handler(request, exc)

    app.mount("/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static")

    from reviewdesk.routes import account, admin, api, auth, dossiers, ops, queue, reprocess
    for module in (auth, account, queue, dossiers, admin, ops, reprocess):
        app.include_router(module.router)
    app.state.api = api.api_from_config(app.state.store, app.state.sessionmaker, app.state.config,
                                        app.state.read_sessionmaker)  # JSON, own OpenAPI, token auth
    app.state.api.state.portal = app   # the API's reprocess action finds the portal's engine (reprocess_hook)
    app.mount("/api/v1", app.state.api)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/queue", status_code=303)

    return app


def serve(database_url: str, host: str = "127.0.0.1", port: int = 8000, config: Config | None = None) -> int:
    """`intake serve`: the portal under uvicorn until interrupted, with the configuration the command loaded."""
    import uvicorn
    app = create_app(database_url, bind_host=host, config=config)
    edges.install_log_redaction()
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False, server_header=False)
    return 0
