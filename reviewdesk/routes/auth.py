"""Login in two steps (password, then TOTP code), logout, activation, password reset by e-mailed link.

Links in mails come from INTAKE_PUBLIC_URL only (reviewdesk.mailer.public_link), never from the Host header."""
from __future__ import annotations

import logging
from datetime import timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from reviewdesk import security, sessions, users
from reviewdesk.mailer import MailError, public_link, send_mail
from reviewdesk.web import check_csrf, client_of, db, flash, render, start_login

log = logging.getLogger(__name__)

router = APIRouter(dependencies=[Depends(check_csrf)])


def _settings(request: Request):
    return request.app.state.settings


@router.get("/login")
def login_page(request: Request) -> Response:
    if request.session.get("sid"):
        return RedirectResponse("/queue", status_code=303)
    return render(request, "login.html", {"email": ""})


@router.post("/login")
def login(request: Request, email: str = Form(""), password: str = Form(""), session: Session = Depends(db)) -> Response:
    result = users.check_password(session, email, password, client_of(request), _settings(request))
    session.commit()
    if result.user is None:
        return render(request, "login.html", {"email": email, "error": result.error}, status_code=401)
    csrf = request.session.get("csrf")
    request.session.clear()                       # a fresh session: nothing carried over from before login
    request.session["csrf"] = csrf or security.new_csrf_token()
    request.session["pending_uid"] = result.user.id
    return RedirectResponse("/login/totp", status_code=303)


@router.get("/login/totp")
def totp_page(request: Request) -> Response:
    if not request.session.get("pending_uid"):
        return RedirectResponse("/login", status_code=303)
    return render(request, "totp.html", {})


@router.post("/login/totp")
def totp(request: Request, code: str = Form(""), session: Session = Depends(db)) -> Response:
    user = users.get_user(session, request.session.get("pending_uid"))
    if user is None:
        return RedirectResponse("/login", status_code=303)
    result = users.check_totp(session, user, code, client_of(request), _settings(request), request.app.state.cipher)
    session.commit()
    if result.user is None:
        if result.error != users.WRONG_CODE:
            request.session.pop("pending_uid", None)
            return render(request, "login.html", {"email": user.email, "error": result.error}, status_code=401)
        return render(request, "totp.html", {"error": result.error}, status_code=401)
    start_login(request, session, user)       # a new session id and a new CSRF token once logged in
    return RedirectResponse("/queue", status_code=303)


@router.post("/logout")
def logout(request: Request, session: Session = Depends(db)) -> Response:
    sessions.end(session, request.session.get("sid"), "logout")
    session.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


# --------------------------------------------------------------------------- password reset


@router.get("/password/forgot")
def forgot_page(request: Request) -> Response:
    return render(request, "forgot.html", {})


@router.post("/password/forgot")
def forgot(request: Request, email: str = Form(""), session: Session = Depends(db)) -> Response:
    """Same answer whether the address exists or not, so the form does not reveal who has an account."""
    user = users.find_by_email(session, email)
    if user is not None and user.active:
        ttl = timedelta(minutes=_settings(request).reset_ttl_minutes)
        try:
            link = public_link(_settings(request), "/password/reset/")
            token = users.issue_token(session, user, "reset", ttl)
            session.commit()
            send_mail(user.email, "intake : réinitialisation de votre mot de passe",
                      f"Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien "
                      f"(valable {_settings(request).reset_ttl_minutes} minutes, une seule fois) :\n\n{link}{token}\n\n"
                      "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n",
                      _settings(request))
        except MailError as error:
            log.warning("password reset mail not sent: %s", error)   # same answer either way; no link in the log
    return render(request, "forgot.html", {"sent": True})


@router.get("/password/reset/{token}")
def reset_page(request: Request, token: str, session: Session = Depends(db)) -> Response:
    if users.find_token(session, token, "reset") is None:
        return render(request, "message.html", {"title": "Lien expiré",
                                                "message": "Ce lien n'est plus valable. Demandez-en un nouveau."},
                      status_code=410)
    return render(request, "reset.html", {"token": token})


@router.post("/password/reset/{token}")
def reset(request: Request, token: str, password: str = Form(""), confirm: str = Form(""),
          session: Session = Depends(db)) -> Response:
    row = users.find_token(session, token, "reset")
    if row is None:
        return render(request, "message.html", {"title": "Lien expiré",
                                                "message": "Ce lien n'est plus valable. Demandez-en un nouveau."},
                      status_code=410)
    owner = users.get_user(session, row.user_id)
    problem = security.password_problem(password, confirm, [owner.email, owner.name] if owner else [])
    if problem:
        return render(request, "reset.html", {"token": token, "error": problem}, status_code=400)
    users.reset_password(session, row, password)
    session.commit()
    flash(request, "Mot de passe modifié. Connectez-vous.")
    return RedirectResponse("/login", status_code=303)


# --------------------------------------------------------------------------- activation


@router.get("/activate/{token}")
def activate_page(request: Request, token: str, session: Session = Depends(db)) -> Response:
    row = users.find_token(session, token, "activate")
    if row is None:
        return render(request, "message.html", {"title": "Lien expiré",
                                                "message": "Ce lien d'activation n'est plus valable. "
                                                           "Demandez à votre administrateur de vous en renvoyer un."},
                      status_code=410)
    user = users.get_user(session, row.user_id)
    # The secret lives in the signed session until the user proves their app reads it.
    secret = request.session.get("activation_secret") or security.new_totp_secret()
    request.session["activation_secret"] = secret
    uri = security.provisioning_uri(secret, user.email if user else "")
    return render(request, "activate.html", {"token": token, "email": user.email if user else "", "secret": secret,
                                             "qr": security.qr_data_uri(uri)})


@router.post("/activate/{token}")
def activate(request: Request, token: str, password: str = Form(""), confirm: str = Form(""), code: str = Form(""),
             session: Session = Depends(db)) -> Response:
    row = users.find_token(session, token, "activate")
    secret = request.session.get("activation_secret")
    if row is None or not secret:
        return render(request, "message.html", {"title": "Lien expiré",
                                                "message": "Ce lien d'activation n'est plus valable."}, status_code=410)
    user = users.get_user(session, row.user_id)
    problem = security.password_problem(password, confirm, [user.email, user.name] if user else []) \
        or users.activate(session, row, password, secret, code, request.app.state.cipher)
    if problem:
        session.rollback()
        return render(request, "activate.html", {
            "token": token, "email": user.email if user else "", "secret": secret, "error": problem,
            "qr": security.qr_data_uri(security.provisioning_uri(secret, user.email if user else ""))}, status_code=400)
    session.commit()
    request.session.pop("activation_secret", None)
    flash(request, "Compte activé. Connectez-vous avec votre mot de passe et votre code.")
    return RedirectResponse("/login", status_code=303)
