"""End to end in a real browser (Debian chromium through Playwright) against uvicorn on a loopback port.

Covers the reviewer's path (TOTP login, correction, opening, refusal, export), that mail content never runs,
rights (404), and issue 7's flows: throttling instead of a lock, logout ending the session, a password change,
an administrator ending a user's sessions, a reset by mailed link (aiosmtpd sink). Also saves the screenshots
in docs/.
"""
from __future__ import annotations

import io
import json
import os
import socket
import tempfile
import threading
import time
from pathlib import Path

import pyotp
import pytest

from reviewdesk.sampledata import add_demo_messages, add_message
from tests.reviewdesk.conftest import make_user
from tests.reviewdesk.helpers import HOSTILE_HTML, odm_pdf

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
# Screenshots go to docs/ only when asked (INTAKE_SCREENSHOTS=docs), so a test run leaves the tree clean.
DOCS = (Path(__file__).resolve().parents[2] / "docs" if os.environ.get("INTAKE_SCREENSHOTS") == "docs"
        else Path(tempfile.gettempdir()) / "intake-screenshots")
DOCS.mkdir(parents=True, exist_ok=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """The app on a fresh SQLite store, its data, and uvicorn serving it in a thread."""
    import uvicorn
    from reviewdesk.app import create_app
    from reviewdesk.settings import PortalSettings

    from aiosmtpd.controller import Controller
    from tests.reviewdesk.test_auth import Sink

    url = f"sqlite:///{tmp_path_factory.mktemp('portal')}/e2e.db"
    port, smtp_port = free_port(), free_port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    app = create_app(url, PortalSettings(secret_key="e2e-secret", smtp_host="127.0.0.1", smtp_port=smtp_port,
                                         public_url=f"http://127.0.0.1:{port}"))
    store = app.state.store
    ids = {"demo": add_demo_messages(store)}
    ids["form"] = add_message(store, subject="ODM agence - formulaire joint", channel="allianz_agence",
                              claim="B7654321", last_name="LEFEBVRE", postcode="33000",
                              reasons=["low_confidence"], body="Bonjour,\nVeuillez trouver l'ordre de mission joint.\n"
                                                               "Cordialement,\nAgence Bordeaux Centre",
                              attachment=("ODM B7654321 été.pdf", "application/pdf", odm_pdf()))
    ids["hostile"] = add_message(store, subject="Mission urgente", channel="allianz_courtage", claim="C0099887",
                                 last_name="PETIT", body="Voir la version HTML.", html=HOSTILE_HTML,
                                 sender="courtier@cabinet.example", reasons=["low_confidence"])
    accounts = {
        "admin": make_user(app, "chef@intake.test", is_admin=True),
        "agence": make_user(app, "agence@intake.test", channels=["allianz_agence"]),
        "victim": make_user(app, "distrait@intake.test", channels=["allianz_agence"]),
        "changer": make_user(app, "change@intake.test", channels=["allianz_agence"]),
        "ended": make_user(app, "fin@intake.test", channels=["allianz_agence"]),
        "forgetful": make_user(app, "oubli@intake.test", channels=["allianz_agence"]),
    }
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield {"base": f"http://127.0.0.1:{port}", "app": app, "store": store, "ids": ids, "accounts": accounts,
           "url": url, "sink": sink}
    server.should_exit = True
    thread.join(timeout=10)
    controller.stop()
    store.close()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        yield b
        b.close()


def _login(page, base: str, account) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", account.email)
    page.fill("input[name=password]", account.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/login/totp")
    # A code is accepted once: take the next step's code when this one was already used by an earlier test.
    page.fill("input[name=code]", _next_code(account))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/queue")


_login.uses = {}


def _next_code(account) -> str:
    """A code not used yet for this account (each is accepted once): the next step's when this one was used."""
    code = pyotp.TOTP(account.secret).at(time.time() + 30 * _login.uses.get(account.email, 0))
    _login.uses[account.email] = _login.uses.get(account.email, 0) + 1
    return code


@pytest.fixture(scope="module")
def admin_state(portal, chromium, tmp_path_factory):
    """Log the administrator in once (TOTP codes are single-use) and share the cookies."""
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    _login(page, portal["base"], portal["accounts"]["admin"])
    path = tmp_path_factory.mktemp("state") / "admin.json"
    context.storage_state(path=str(path))
    context.close()
    return str(path)


@pytest.fixture
def admin_page(chromium, admin_state):
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, storage_state=admin_state)
    page = context.new_page()
    yield page
    context.close()


def test_login_with_totp_shows_the_queue_with_its_count(portal, admin_page):
    base = portal["base"]
    admin_page.goto(f"{base}/queue")
    badge = admin_page.text_content("#pending-count").strip()
    assert int(badge) == len(portal["ids"]["demo"]) + 2
    assert admin_page.locator("#queue-table tbody tr").count() == int(badge)
    DOCS.mkdir(exist_ok=True)
    admin_page.screenshot(path=str(DOCS / "queue.png"), full_page=True)


def test_correct_a_field_then_open_the_dossier(portal, admin_page):
    base, record_id = portal["base"], portal["ids"]["form"]
    admin_page.goto(f"{base}/records/{record_id}")
    assert admin_page.locator("figure.page-image img").count() == 1
    admin_page.fill("#f-phone", "12")                       # invalid: refused with a message
    admin_page.click("#save-fields")
    assert "invalide" in admin_page.text_content("#error-phone")
    admin_page.fill("#f-phone", "05 56 00 11 22")
    admin_page.fill("#f-intermediary_code", "4521")
    admin_page.click("#save-fields")
    admin_page.wait_for_selector(".flash")
    assert admin_page.input_value("#f-phone") == "+33556001122"
    admin_page.click("tr[data-field=claim_number] th")       # evidence highlighted on the text and the page
    admin_page.wait_for_load_state("networkidle")
    for _ in range(50):   # (wait_for_function would need 'unsafe-eval', which the CSP rightly forbids)
        if admin_page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"):
            break
        admin_page.wait_for_timeout(100)
    admin_page.evaluate("window.scrollTo(0, 0); document.querySelector('.original').scrollTop = 0")
    admin_page.wait_for_timeout(400)
    admin_page.evaluate("window.scrollTo(0, 0); document.querySelector('.original').scrollTop = 0")
    admin_page.screenshot(path=str(DOCS / "detail.png"), full_page=False)
    admin_page.press("body", "o")                            # keyboard shortcut: open the dossier
    admin_page.wait_for_selector(".flash")
    row = portal["store"].get_record(record_id)
    assert row["dossier_id"]
    admin_page.goto(f"{base}/dossiers/{row['dossier_id']}")
    admin_page.fill("#d-iban", "FR76 3000 6000 0112 3456 7890 189")
    admin_page.fill("#d-other_party_plate", "ab-123-cd")
    admin_page.click("#dossier-data button[type=submit]")
    admin_page.wait_for_selector(".flash")
    assert admin_page.text_content("#dossier-iban").strip() == "FR7630006000011234567890189"
    timeline = admin_page.text_content("#timeline")
    assert "Champ corrigé" in timeline and "Dossier ouvert" in timeline and "chef@intake.test" in timeline
    admin_page.screenshot(path=str(DOCS / "dossier.png"), full_page=True)


def test_refuse_with_a_reason(portal, admin_page):
    base, record_id = portal["base"], portal["ids"]["demo"][0]
    admin_page.goto(f"{base}/records/{record_id}")
    admin_page.select_option("#refuse-reason", "Hors contrat")
    admin_page.click("#refuse-button")
    admin_page.wait_for_selector(".flash")
    assert "refusé" in admin_page.text_content(".flash")
    admin_page.goto(f"{base}/records/{record_id}")
    assert "Hors contrat" in admin_page.text_content(".meta")


def test_export_reflects_the_correction(portal, admin_page):
    from outputs.exporters import export
    out = io.StringIO()
    export(portal["url"], "jsonl", out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    corrected = [r for r in records if r["claim_number"] == "B7654321"]
    assert corrected and corrected[0]["insured"]["phone"] == "+33556001122"
    assert corrected[0]["fields"]["phone"]["corrected_by"] == "chef@intake.test"


def test_scripts_in_a_mail_never_run(portal, admin_page):
    base = portal["base"]
    errors = []
    admin_page.on("console", lambda m: errors.append(m.text))
    admin_page.goto(f"{base}/records/{portal['ids']['hostile']}")
    admin_page.wait_for_selector("#mail-html")
    admin_page.click("#mail-html a")                           # the javascript: URL was removed
    admin_page.wait_for_timeout(200)
    assert admin_page.evaluate("typeof window.__pwned") == "undefined"
    assert admin_page.locator("#mail-html script, #mail-html img, #mail-html [onerror]").count() == 0
    assert "Bonjour, voici la mission." in admin_page.text_content("#mail-html")


def test_reviewer_without_the_channel_gets_404(portal, chromium):
    context = chromium.new_context()
    page = context.new_page()
    _login(page, portal["base"], portal["accounts"]["agence"])
    cs2i = next(i for i in portal["ids"]["demo"]
                if portal["store"].get_record(i)["channel"] == "allianz_cs2i")
    response = page.goto(f"{portal['base']}/records/{cs2i}")
    assert response.status == 404                               # as if it did not exist (issue 7)
    assert "404" in page.text_content("#error-status")
    page.goto(f"{portal['base']}/queue")
    channels = page.locator("#queue-table .chip").all_text_contents()
    assert channels and set(channels) == {"Allianz agence"}
    context.close()


def _submit_login(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_failures_slow_logins_down_until_an_admin_unblocks(portal, chromium, admin_page):
    context = chromium.new_context()
    page = context.new_page()
    account, base = portal["accounts"]["victim"], portal["base"]
    for _ in range(5):
        _submit_login(page, base, account.email, "wrong password!")
    _submit_login(page, base, account.email, account.password)   # the right password must wait too
    assert "Trop de tentatives" in page.text_content("#login-error") and page.url.endswith("/login")
    _submit_login(page, base, "nobody@intake.test", "x")
    for _ in range(5):
        _submit_login(page, base, "nobody@intake.test", "wrong password!")
    assert "Trop de tentatives" in page.text_content("#login-error")   # unknown addresses read alike
    admin_page.goto(f"{base}/admin/users")
    admin_page.click(f"tr[data-email='{account.email}'] form[action$='/unblock'] button")
    admin_page.wait_for_selector(".flash")
    _login(page, base, account)
    context.close()


def test_logout_ends_the_session_even_for_a_copied_cookie(portal, chromium, tmp_path):
    base, account = portal["base"], portal["accounts"]["agence"]
    context = chromium.new_context()
    page = context.new_page()
    _login(page, base, account)
    state = str(tmp_path / "copied.json")
    context.storage_state(path=state)
    page.click("form[action='/logout'] button")
    page.wait_for_url(f"{base}/login")
    thief = chromium.new_context(storage_state=state)
    stolen = thief.new_page()
    stolen.goto(f"{base}/queue")
    assert stolen.url == f"{base}/login"
    thief.close()
    context.close()


def test_change_ones_own_password(portal, chromium):
    base, account = portal["base"], portal["accounts"]["changer"]
    context = chromium.new_context()
    page = context.new_page()
    _login(page, base, account)
    page.click("#account-link")
    page.wait_for_url(f"{base}/account")
    new = "plume ardoise cerisier 1987"
    code = _next_code(account)
    page.fill("input[name=current]", account.password)
    page.fill("#password-form input[name=code]", code)
    page.fill("#password-form input[name=password]", "aaaaaaaaaaaa")
    page.fill("#password-form input[name=confirm]", "aaaaaaaaaaaa")
    page.click("#password-form button[type=submit]")
    assert "facile à deviner" in page.text_content("#account-error")
    page.fill("input[name=current]", account.password)
    page.fill("#password-form input[name=code]", code)            # a refused password did not use the code up
    page.fill("#password-form input[name=password]", new)
    page.fill("#password-form input[name=confirm]", new)
    page.click("#password-form button[type=submit]")
    page.wait_for_selector(".flash")
    assert "Mot de passe modifié" in page.text_content(".flash")
    page.click("form[action='/logout'] button")
    account.password = new
    _forget_codes(portal, account)
    _login(page, base, account)
    context.close()


def _forget_codes(portal, account) -> None:
    """Three logins in one minute would run out of fresh TOTP steps: let the next login use the current code."""
    from outputs.portal_tables import User
    with portal["store"].session() as session:
        session.get(User, account.id).totp_last_counter = None
    _login.uses[account.email] = 0


def test_an_admin_ends_a_users_sessions(portal, chromium, admin_page):
    base, account = portal["base"], portal["accounts"]["ended"]
    context = chromium.new_context()
    page = context.new_page()
    _login(page, base, account)
    admin_page.goto(f"{base}/admin/users")
    admin_page.click(f"#end-sessions-{account.id}")
    admin_page.wait_for_selector(".flash")
    page.goto(f"{base}/queue")
    assert page.url == f"{base}/login"
    admin_page.goto(f"{base}/admin/audit")
    assert "sessions_ended" in admin_page.text_content("#audit-table")
    context.close()


def test_reset_by_mailed_link_ends_a_copied_session(portal, chromium):
    import re
    base, account, sink = portal["base"], portal["accounts"]["forgetful"], portal["sink"]
    before = chromium.new_context()
    old = before.new_page()
    _login(old, base, account)
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{base}/password/forgot")
    page.fill("input[name=email]", account.email)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    for _ in range(50):
        if sink.messages:
            break
        time.sleep(0.1)
    link = re.search(r"http://127\.0\.0\.1:\d+/password/reset/[\w-]+", sink.messages[-1].get_content()).group(0)
    assert link.startswith(base)
    page.goto(link)
    new = "girafe tambour orage 2031"
    page.fill("input[name=password]", new)
    page.fill("input[name=confirm]", new)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/login")
    old.goto(f"{base}/queue")
    assert old.url == f"{base}/login"                          # the session from before the reset is over
    account.password = new
    _login(page, base, account)
    before.close()
    context.close()
