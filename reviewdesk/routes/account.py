"""The user's own account: change one's password (current password and a fresh TOTP code); the other
sessions of the user end, the current one stays."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from outputs.portal_tables import User
from reviewdesk import security, users
from reviewdesk.web import check_csrf, client_of, current_user, db, flash, render

router = APIRouter(dependencies=[Depends(check_csrf)])


@router.get("/account")
def account_page(request: Request, user: User = Depends(current_user), session: Session = Depends(db)) -> Response:
    return render(request, "account.html", {}, session, user)


@router.post("/account/password")
def change_password(request: Request, current: str = Form(""), code: str = Form(""), password: str = Form(""),
                    confirm: str = Form(""), user: User = Depends(current_user),
                    session: Session = Depends(db)) -> Response:
    settings, cipher = request.app.state.settings, request.app.state.cipher
    # The new password is judged first, so a refused one does not use up the TOTP code.
    problem = security.password_problem(password, confirm, [user.email, user.name]) \
        or users.confirm_identity(session, user, current, code, client_of(request), settings, cipher)
    if problem:
        session.commit()                       # the failed confirmation counts towards the throttle
        return render(request, "account.html", {"error": problem}, session, user, status_code=400)
    ended = users.set_password(session, user, password, "password_changed", keep_token=request.session.get("sid"))
    session.commit()
    flash(request, f"Mot de passe modifié ; {ended} autre(s) session(s) fermée(s).")
    return RedirectResponse("/account", status_code=303)
