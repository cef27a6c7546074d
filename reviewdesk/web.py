"""Request plumbing shared by the routes: database session per request, the logged-in user of the server-side
session whose id the signed cookie carries, CSRF checking, and template rendering with the header's pending count."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from foundation.config import Config
from reviewdesk import security, sessions
from outputs.portal_tables import User

from pathlib import Path

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


class LoginRequired(Exception):
    """Raised by `current_user` when nobody is logged in; the app turns it into a redirect to /login."""


READ_METHODS = ("GET", "HEAD")


def db(request: Request) -> Iterator[Session]:
    """One session, one transaction per request: committed by the route, rolled back on any error.

    A page read (GET, HEAD) gets a read-only session: on SQLite it begins with a plain BEGIN and never takes the
    write lock, so a reviewer's page does not hold up the pollers storing and reading (see outputs.db). What a
    page read must write (a login session's last-seen time, once a minute) goes in its own short transaction."""
    read = request.method in READ_METHODS
    session: Session = (request.app.state.read_sessionmaker if read else request.app.state.sessionmaker)()
    session.info["read_only"] = read
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = security.new_csrf_token()
        request.session["csrf"] = token
    return token


async def posted_form(request: Request) -> FormData:
    """The request's form, read on the event loop (Starlette keeps it for later reads), so that routes needing it
    stay plain `def` routes: their database work then runs in the threadpool, never on the event loop."""
    return await request.form()


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries the session's token, in the form or in X-CSRF-Token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    given = request.headers.get("x-csrf-token")
    if not given:
        form = await request.form()
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else None
    if not security.csrf_matches(request.session.get("csrf"), given):
        raise HTTPException(status_code=403, detail="Jeton de sécurité invalide ou expiré : rechargez la page.")


def _writer(request: Request, session: Session):
    """Where a read-only request's session writes go: a short transaction of their own (None: in `session`)."""
    return request.app.state.sessionmaker if session.info.get("read_only") else None


def current_user(request: Request, session: Session = Depends(db)) -> User:
    settings = request.app.state.settings
    user = sessions.live_user(session, request.session.get("sid"), settings.session_idle_s, settings.session_max_age_s,
                              writer=_writer(request, session))
    if user is None:
        request.session.pop("sid", None)
        raise LoginRequired()
    return user


def start_login(request: Request, session: Session, user: User) -> None:
    """A fresh cookie session (nothing carried over from before login) pointing at a new server-side session."""
    token = sessions.start(session, user, client_of(request))
    session.commit()
    request.session.clear()
    request.session["sid"] = token
    request.session["csrf"] = security.new_csrf_token()


def page_user(request: Request) -> tuple[Optional[User], Optional[int]]:
    """The logged-in user and their pending count for a page rendered outside a route (error pages), or
    (None, None): an error page must never fail itself."""
    from reviewdesk.queries import pending_count
    try:
        if "session" not in request.scope or not request.session.get("sid"):
            return None, None
        settings = request.app.state.settings
        with request.app.state.read_sessionmaker() as session:
            user = sessions.live_user(session, request.session.get("sid"), settings.session_idle_s,
                                      settings.session_max_age_s, writer=request.app.state.sessionmaker)
            if user is None:
                return None, None
            pending = pending_count(session, user)
            session.expunge(user)
            return user, pending
    except Exception:  # noqa: BLE001 - whatever broke, the error page still shows
        return None, None


def require_admin(user: User = Depends(current_user)) -> User:
    if not user.is_admin:
        raise HTTPException(status_code=403, detail="Réservé aux administrateurs.")
    return user


def portal_config(request: Request) -> Config:
    """The business configuration the portal was started with (`--config`), kept on the app by create_app."""
    return request.app.state.config


def client_of(request: Request) -> Optional[str]:
    return request.client.host[:64] if request.client else None


def render(request: Request, template: str, context: dict[str, Any], session: Optional[Session] = None,
           user: Optional[User] = None, status_code: int = 200) -> HTMLResponse:
    from reviewdesk.queries import pending_count
    pending = pending_count(session, user) if (session is not None and user is not None) else None
    base = {"user": user, "pending_count": pending, "csrf": csrf_token(request),
            "flash": request.session.pop("flash", None)}
    return TEMPLATES.TemplateResponse(request, template, {**base, **context}, status_code=status_code)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


# --------------------------------------------------------------------------- template filters

def _paris(moment):
    from zoneinfo import ZoneInfo
    from outputs.tables import utc
    return utc(moment).astimezone(ZoneInfo("Europe/Paris")) if moment else None


def format_datetime(moment) -> str:
    if isinstance(moment, str):  # a record's ISO time (source.received_at)
        from datetime import datetime
        try:
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        except ValueError:
            return moment
    local = _paris(moment)
    return local.strftime("%d/%m/%Y %H:%M") if local else "—"


def format_age(moment) -> str:
    """'il y a 3 h' style, for the queue (the exact time is in the cell's title)."""
    from datetime import datetime, timezone
    from outputs.tables import utc
    if moment is None:
        return "—"
    seconds = max(0, int((datetime.now(timezone.utc) - utc(moment)).total_seconds()))
    if seconds < 60:
        return "à l'instant"
    if seconds < 3600:
        return f"il y a {seconds // 60} min"
    if seconds < 86400:
        return f"il y a {seconds // 3600} h"
    return f"il y a {seconds // 86400} j"


def _install_filters() -> None:
    from reviewdesk.labels import jinja_filters
    TEMPLATES.env.filters.update(jinja_filters())
    TEMPLATES.env.filters.update(datetime=format_datetime, age=format_age)


_install_filters()
