"""« L'assuré a répondu » on a dossier in the follow-up: the answer is recorded, the reminders stop, the dossier
is open again and the history shows it. The transition on the store, then the button in Debian Chromium."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from intake.followup import FollowupEngine
from outputs.followups import FollowupDone
from outputs.tables import Dossier, Event
from tests.intake.test_followup import T0, _open, _settings
from tests.reviewdesk.conftest import make_user
from tests.reviewdesk.test_browser import ARGS, _login, free_port  # noqa: F401


def _in_reminders(store, claim: str, steps: int = 2) -> str:
    dossier = _open(store, claim, "06 12 34 56 78")
    engine = FollowupEngine(store, _settings(), None)
    for day in range(steps):
        engine.run(T0 + timedelta(days=day, minutes=1))
    return dossier


def test_the_answer_stops_the_reminders_and_opens_the_dossier(store):
    dossier = _in_reminders(store, "C5500001")                      # to_call, reminder_1, reminder_2
    assert store.followup_of(dossier)["state"] == "reminder_2"
    assert store.followup_answered(dossier, "cc@example.org", " rappellera lundi ") == "reminder_2"
    followup = store.followup_of(dossier)
    assert followup["state"] == "answered" and followup["next_at"] is None
    assert FollowupEngine(store, _settings(), None).run(T0 + timedelta(days=30)) == 0   # no more reminders
    with store.session(read=True) as s:
        event = s.scalar(select(Event).where(Event.kind == "followup", Event.dossier_id == dossier)
                         .order_by(Event.id.desc()))
        assert s.get(Dossier, dossier).status == "open"
    assert (event.actor, event.detail["state"], event.detail["before"], event.detail["note"]) == \
        ("cc@example.org", "answered", "reminder_2", "rappellera lundi")
    with pytest.raises(FollowupDone):
        store.followup_answered(dossier, "cc@example.org")          # already over: nothing to stop


def test_waiting_for_client_goes_back_to_open(store):
    dossier = _in_reminders(store, "C5500002", steps=4)             # the SMS step: waiting for client
    with store.session(read=True) as s:
        assert s.get(Dossier, dossier).status == "waiting_for_client"
    store.followup_answered(dossier, "cc@example.org")
    with store.session(read=True) as s:
        assert s.get(Dossier, dossier).status == "open"
    assert store.followup_of(dossier)["waiting_until"] is None


@pytest.mark.slow
@pytest.mark.browser
def test_the_button_in_a_browser(app, store):
    import uvicorn
    from playwright.sync_api import sync_playwright

    dossier = _in_reminders(store, "C5500003")
    admin = make_user(app, "suivi@intake.test", is_admin=True)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
            try:
                page = browser.new_page()
                _login(page, base, admin)
                page.goto(f"{base}/dossiers/{dossier}")
                assert page.inner_text("#followup-state") == "Relance 2"
                page.fill("#followup-answered input[name=note]", "Rappellera lundi matin")
                page.click("#followup-answered button[type=submit]")
                page.wait_for_url(f"{base}/dossiers/{dossier}")
                assert page.inner_text("#followup-state") == "L'assuré a répondu"
                assert page.locator("#followup-answered").count() == 0          # nothing left to stop
                history = page.inner_text("#timeline")
                assert "Rappellera lundi matin" in history and "L'assuré a répondu" in history
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert store.followup_of(dossier)["state"] == "answered"
