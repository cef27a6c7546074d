"""A reviewer's first day on the demo's own data (issue 8), in Debian chromium through Playwright: the queue
sorted and filtered by the message's own date with the order's age, the reason beside a field the machine is not
sure of, and the fax page zoomed in and out (buttons, keys) and to the evidence of a chosen field.

Screenshots go to docs/screenshots/ when INTAKE_SCREENSHOTS=docs (README shows them), else to a temporary folder.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from outputs.tables import RawMessage, RecordRow
from tests.reviewdesk.conftest import make_user
from tests.reviewdesk.test_browser import _login, chromium, free_port  # noqa: F401 - the browser fixture

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SHOTS = (Path(__file__).resolve().parents[2] / "docs" / "screenshots" if os.environ.get("INTAKE_SCREENSHOTS") == "docs"
         else Path(tempfile.gettempdir()) / "intake-screenshots")
SHOTS.mkdir(parents=True, exist_ok=True)
FAX = "FAX_20260715_1620.TIF"              # a faxed agency form: its claim number's digits were OCR'd unsure
MISMATCH = "agence_pdf_10_deux_numeros.eml"   # the subject and the attached form give two claim numbers


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The demo's database (the bundled samples read as `intake demo` reads them) served by uvicorn."""
    import uvicorn
    from intake.demo import load_samples
    from reviewdesk.app import create_app
    from reviewdesk.settings import PortalSettings

    url = f"sqlite:///{tmp_path_factory.mktemp('firstday')}/demo.db"
    load_samples(url, io.StringIO())
    port = free_port()
    app = create_app(url, PortalSettings(secret_key="firstday-secret", public_url=f"http://127.0.0.1:{port}"))
    store = app.state.store
    with store.session(read=True) as s:
        ids = dict((uri.rsplit("/", 1)[-1], i) for i, uri in s.execute(
            select(RecordRow.id, RawMessage.source_uri).join(RawMessage, RawMessage.id == RecordRow.raw_message_id)))
    admin = make_user(app, "premier-jour@intake.test", is_admin=True)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield {"base": f"http://127.0.0.1:{port}", "ids": ids, "admin": admin, "store": store}
    server.should_exit = True
    thread.join(timeout=10)
    store.close()


@pytest.fixture(scope="module")
def page(desk, chromium):  # noqa: F811 - the fixture imported above
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    _login(tab, desk["base"], desk["admin"])
    yield tab
    context.close()


def _dates(page) -> list[str]:
    return [re.sub(r"\s+", " ", t).strip() for t in page.locator("#queue-table td.received .date").all_text_contents()]


def _day(shown: str) -> tuple[int, int, int]:
    d, m, y = shown.split()[0].split("/")
    return int(y), int(m), int(d)


def test_queue_sorted_and_filtered_by_the_message_date(desk, page):
    page.goto(f"{desk['base']}/queue")
    ascending = _dates(page)
    assert len(ascending) >= 10 and [_day(d) for d in ascending] == sorted(_day(d) for d in ascending)
    assert all(re.match(r"(il y a \d+ (min|h|j)|à l'instant)$", a.strip())
               for a in page.locator("#queue-table td.received .age").all_text_contents())
    page.click("#sort-date")
    page.wait_for_url(re.compile(r"sort=desc"))
    descending = _dates(page)
    assert [_day(d) for d in descending] == sorted((_day(d) for d in descending), reverse=True)
    # a date range: only messages dated within it, both ends included
    page.goto(f"{desk['base']}/queue")
    page.fill("input[name=from]", "2026-03-01")
    page.fill("input[name=to]", "2026-04-30")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r"from=2026-03-01"))
    ranged = _dates(page)
    assert ranged and len(ranged) < int(page.text_content("#pending-count"))
    assert all((2026, 3, 1) <= _day(d) <= (2026, 4, 30) for d in ranged)
    page.screenshot(path=str(SHOTS / "queue-dates.png"), full_page=False)


def test_the_reason_of_a_low_confidence_is_beside_the_field(desk, page):
    page.goto(f"{desk['base']}/records/{desk['ids'][MISMATCH]}")
    assert page.text_content("#reason-claim_number").strip() == "le sujet et la pièce jointe ne concordent pas"
    assert page.locator("#reason-last_name").count() == 0
    _loaded(page)
    page.screenshot(path=str(SHOTS / "field-reason.png"), full_page=False)
    page.goto(f"{desk['base']}/records/{desk['ids'][FAX]}")
    assert "OCR peu sûr" in page.text_content("#reason-claim_number")


def _loaded(page) -> None:
    for _ in range(100):   # (wait_for_function would need 'unsafe-eval', which the CSP rightly forbids)
        if page.evaluate("Array.from(document.querySelectorAll('.page-viewport img')).every("
                         "i => i.complete && i.naturalWidth > 0)"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("page images did not load")


def _geometry(page) -> dict:
    return page.evaluate("""() => { const v = document.querySelector('.page-viewport'), i = v.querySelector('img');
        return {vw: v.clientWidth, vh: v.clientHeight, iw: i.clientWidth, ih: i.clientHeight,
                left: v.scrollLeft, top: v.scrollTop, label: document.querySelector('.zoom-level').textContent}; }""")


def test_fax_page_whole_zoomed_and_jumping_to_the_evidence(desk, page):
    page.goto(f"{desk['base']}/records/{desk['ids'][FAX]}")
    _loaded(page)
    whole = _geometry(page)
    assert whole["ih"] <= whole["vh"] and whole["iw"] <= whole["vw"] and whole["label"] == "Page entière"
    assert whole["vh"] >= 600                          # the pane uses the window's height, not 480 px
    page.screenshot(path=str(SHOTS / "fax-whole-page.png"), full_page=False)
    page.click("figure.page-image .zoom-in")
    page.click("figure.page-image .zoom-in")
    bigger = _geometry(page)
    assert bigger["iw"] > whole["iw"] * 1.4 and bigger["label"].endswith("%")
    page.click("figure.page-image .zoom-out")
    assert whole["iw"] < _geometry(page)["iw"] < bigger["iw"]
    page.keyboard.press("0")                           # keys: 0 whole page, + and - zoom, w full width
    assert _geometry(page)["iw"] == whole["iw"]
    page.keyboard.press("+")
    assert _geometry(page)["iw"] > whole["iw"]
    page.keyboard.press("w")
    assert abs(_geometry(page)["iw"] - (whole["vw"] - 4)) <= 2
    page.keyboard.press("0")
    # choosing a field zooms and scrolls the page to its evidence's word box
    boxes = page.evaluate("JSON.parse(document.querySelector('figure.page-image').getAttribute('data-boxes'))")
    assert {"claim_number", "last_name", "phone"} <= set(boxes)
    page.click("tr[data-field=phone] th")
    _loaded(page)
    at = _geometry(page)
    x0, y0, x1, y1 = boxes["phone"]
    assert at["iw"] > whole["iw"] and at["top"] > 0
    centre_x, centre_y = (x0 + x1) / 2 * at["iw"], (y0 + y1) / 2 * at["ih"]
    assert at["left"] <= centre_x <= at["left"] + at["vw"] and at["top"] <= centre_y <= at["top"] + at["vh"]
    page.screenshot(path=str(SHOTS / "fax-evidence-zoom.png"), full_page=False)
