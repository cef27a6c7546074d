"""User administration (seeds 002, 004): create users with per-channel rights and a team, send activation
links, unblock accounts, end a user's sessions, deactivate, manage teams and their head office. Every action
is an `admin` event (reviewdesk.audit), listed at /admin/audit."""
from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from foundation.models import CHANNELS
from reviewdesk import audit, edges, sessions, users
from reviewdesk.mailer import MailError, public_link, send_mail
from outputs.portal_tables import PortalSession, Team, User
from reviewdesk.web import check_csrf, db, flash, posted_form, render, require_admin

router = APIRouter(prefix="/admin", dependencies=[Depends(check_csrf)])


def send_activation(request: Request, session: Session, user: User) -> bool:
    """A fresh activation link by mail; False (and a flash) when the mail could not leave."""
    settings = request.app.state.settings
    try:
        link = public_link(settings, "/activate/")
    except MailError as error:
        flash(request, f"Utilisateur enregistré, mais aucun lien d'activation n'a été fait : {error} "
                       "(ou utilisez « intake users reset ADRESSE »).", "error")
        return False
    link += users.issue_token(session, user, "activate", timedelta(hours=settings.activation_ttl_hours))
    session.commit()
    try:
        send_mail(user.email, "intake : activez votre compte",
                  f"Bonjour {user.name or ''},\n\nUn compte a été créé pour vous sur le portail de revue intake.\n"
                  f"Pour l'activer (mot de passe et authentification à deux facteurs), ouvrez ce lien "
                  f"(valable {settings.activation_ttl_hours} heures) :\n\n{link}\n", settings)
    except MailError as error:
        flash(request, f"Utilisateur enregistré, mais l'e-mail n'est pas parti : {error}", "error")
        return False
    return True


def _teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))


@router.get("/users")
def user_list(request: Request, user: User = Depends(require_admin), session: Session = Depends(db)) -> Response:
    rows = list(session.scalars(select(User).order_by(User.email)))
    live: dict[int, int] = {}
    for user_id in session.scalars(select(PortalSession.user_id).where(PortalSession.revoked_at.is_(None))):
        live[user_id] = live.get(user_id, 0) + 1
    return render(request, "users.html", {"rows": rows, "channels": CHANNELS, "teams": _teams(session), "live": live},
                  session, user)


@router.get("/audit")
def audit_log(request: Request, user: User = Depends(require_admin), session: Session = Depends(db)) -> Response:
    return render(request, "audit.html", {"events": audit.recent(session)}, session, user)


@router.get("/users/new")
def new_user_page(request: Request, user: User = Depends(require_admin), session: Session = Depends(db)) -> Response:
    return render(request, "user_form.html", {"edited": None, "channels": CHANNELS, "teams": _teams(session),
                                              "form": {"channels": []}}, session, user)


def _team_id(value: str, session: Session):
    if not value:
        return None
    try:
        team = session.get(Team, int(value))
    except ValueError:
        team = None
    if team is None:
        raise HTTPException(400, "Équipe inconnue.")
    return team.id


@router.post("/users/new")
def create_user(request: Request, user: User = Depends(require_admin), session: Session = Depends(db),
                form: FormData = Depends(posted_form)) -> Response:
    data = {"email": str(form.get("email", "")), "name": str(form.get("name", "")),
            "channels": [str(c) for c in form.getlist("channels")], "is_admin": form.get("is_admin") == "on",
            "team_id": str(form.get("team_id", ""))}
    try:
        created = users.create_user(session, data["email"], data["name"], data["channels"], data["is_admin"],
                                    _team_id(data["team_id"], session))
    except users.UserError as error:
        session.rollback()
        return render(request, "user_form.html", {"edited": None, "channels": CHANNELS, "teams": _teams(session),
                                                  "form": data, "error": str(error)}, session, user, status_code=400)
    audit.record(session, user.email, "user_created", created.email, channels=sorted(created.channels),
                 is_admin=created.is_admin)
    session.commit()
    if send_activation(request, session, created):
        flash(request, f"Utilisateur {created.email} créé ; lien d'activation envoyé.")
    return RedirectResponse("/admin/users", status_code=303)


def _edited(session: Session, user_id: int) -> User:
    edited = session.get(User, edges.found_id(user_id))
    if edited is None:
        raise HTTPException(404, "Utilisateur introuvable.")
    return edited


@router.get("/users/{user_id}")
def edit_user_page(request: Request, user_id: int, user: User = Depends(require_admin),
                   session: Session = Depends(db)) -> Response:
    edited = _edited(session, user_id)
    form = {"email": edited.email, "name": edited.name, "channels": sorted(edited.channels),
            "is_admin": edited.is_admin, "team_id": str(edited.team_id or "")}
    return render(request, "user_form.html", {"edited": edited, "channels": CHANNELS, "teams": _teams(session),
                                              "form": form}, session, user)


@router.post("/users/{user_id}")
def edit_user(request: Request, user_id: int, user: User = Depends(require_admin),
              session: Session = Depends(db), form: FormData = Depends(posted_form)) -> Response:
    edited = _edited(session, user_id)
    is_admin = form.get("is_admin") == "on"
    if edited.id == user.id and not is_admin:
        raise HTTPException(400, "Vous ne pouvez pas retirer vos propres droits d'administrateur.")
    before = {"is_admin": edited.is_admin, "channels": sorted(edited.channels), "team_id": edited.team_id}
    edited.name = str(form.get("name", ""))[:120]
    edited.is_admin = is_admin
    edited.team_id = _team_id(str(form.get("team_id", "")), session)
    users.set_channels(edited, [str(c) for c in form.getlist("channels")])
    after = {"is_admin": edited.is_admin, "channels": sorted(edited.channels), "team_id": edited.team_id}
    if after != before:
        audit.record(session, user.email, "rights_changed", edited.email, before=str(before), after=str(after))
    session.commit()
    flash(request, f"Utilisateur {edited.email} enregistré.")
    return RedirectResponse("/admin/users", status_code=303)


def _account_done(request: Request, session: Session, admin: User, edited: User, action: str, message: str,
                  **detail) -> Response:
    """Every account action ends alike: an audit event, the commit, a flash, back to the list."""
    audit.record(session, admin.email, action, edited.email, **detail)
    session.commit()
    flash(request, message)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/unblock")
def unblock(request: Request, user_id: int, user: User = Depends(require_admin), session: Session = Depends(db)) -> Response:
    edited = _edited(session, user_id)
    users.unblock(session, edited)
    return _account_done(request, session, user, edited, "unblocked", f"Compte {edited.email} débloqué.")


@router.post("/users/{user_id}/sessions/end")
def end_sessions(request: Request, user_id: int, user: User = Depends(require_admin),
                 session: Session = Depends(db)) -> Response:
    edited = _edited(session, user_id)
    ended = sessions.end_all(session, edited.id, "ended_by_admin",
                             keep_token=request.session.get("sid") if edited.id == user.id else None)
    return _account_done(request, session, user, edited, "sessions_ended",
                         f"{ended} session(s) de {edited.email} fermée(s).", count=ended)


@router.post("/users/{user_id}/deactivate")
def deactivate(request: Request, user_id: int, user: User = Depends(require_admin),
               session: Session = Depends(db)) -> Response:
    edited = _edited(session, user_id)
    if edited.id == user.id:
        raise HTTPException(400, "Vous ne pouvez pas désactiver votre propre compte.")
    ended = users.deactivate(session, edited)
    return _account_done(request, session, user, edited, "deactivated", f"Compte {edited.email} désactivé.",
                         sessions_ended=ended)


@router.post("/users/{user_id}/reactivate")
def reactivate(request: Request, user_id: int, user: User = Depends(require_admin),
               session: Session = Depends(db)) -> Response:
    edited = _edited(session, user_id)
    users.reactivate(edited)
    return _account_done(request, session, user, edited, "reactivated", f"Compte {edited.email} réactivé.")


@router.post("/users/{user_id}/activation")
def resend(request: Request, user_id: int, user: User = Depends(require_admin), session: Session = Depends(db)) -> Response:
    edited = _edited(session, user_id)
    audit.record(session, user.email, "activation_sent", edited.email)
    if send_activation(request, session, edited):
        flash(request, f"Lien d'activation renvoyé à {edited.email}.")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/teams")
def create_team(request: Request, user: User = Depends(require_admin), session: Session = Depends(db),
                form: FormData = Depends(posted_form)) -> Response:
    name = str(form.get("name", "")).strip()[:120]
    if not name or session.scalar(select(Team.id).where(Team.name == name)) is not None:
        flash(request, "Nom d'équipe vide ou déjà pris.", "error")
        return RedirectResponse("/admin/users", status_code=303)
    session.add(Team(name=name, parent_id=_team_id(str(form.get("parent_id", "")), session)))
    audit.record(session, user.email, "team_created", "", team=name)
    session.commit()
    flash(request, f"Équipe {name} créée.")
    return RedirectResponse("/admin/users", status_code=303)
