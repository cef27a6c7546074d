"""The portal speaks French to a reviewer (Debian chromium through Playwright): labels instead of codes, the
message's own date, CRLF saves that change nothing, required fields asked for before opening, French phones and
dates, an error page with its navigation bar, and a paged dossier list. Screenshots go beside the others."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from reviewdesk.sampledata import add_message
from tests.reviewdesk.test_browser import DOCS, admin_page, admin_state, chromium, portal  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.browser]

MARCH = datetime(2026, 3, 2, 9, 5, tzinfo=timezone.utc)     # 10:05 in Paris


@pytest.fixture(scope="module")
def french(portal):  # noqa: F811 - the fixture imported above
    store = portal["store"]
    ids = {
        "dated": add_message(store, subject="ODM du 2 mars", channel="allianz_cs2i", claim="2024/55555",
                             last_name="GARNIER", reasons=["cs2i_allianz_team"], queue="allianz_team", date=MARCH,
                             body="Réf. 2024/55555 - GARNIER\nMerci."),
        "nameless": add_message(store, subject="Message sans numéro", channel="unknown", claim=None, last_name=None,
                                reasons=["missing_claim_number"], body="Bonjour, merci de rappeler."),
        "multiline": add_message(store, subject="ODM description longue", channel="allianz_courtage",
                                 claim="C0011223", last_name="ROUX", body="Sinistre C0011223\nAssuré ROUX"),
    }
    store.correct_field(ids["multiline"], "description", "Plafond taché\nFuite chez le voisin\nÀ voir", "setup")
    store.correct_field(ids["multiline"], "phone", "+33612345678", "setup")
    store.correct_field(ids["multiline"], "loss_date", "2026-03-12", "setup")
    for n in range(55):   # more than one page of dossiers
        add_message(store, subject=f"Dossier {n}", channel="allianz_courtage", claim=f"C09{n:05d}",
                    last_name=f"NOM{n}", body=f"Sinistre C09{n:05d}")
    return ids


def test_queue_shows_labels_and_the_messages_own_date(portal, french, admin_page):  # noqa: F811
    admin_page.goto(f"{portal['base']}/queue?channel=allianz_cs2i")
    row = admin_page.locator(f"#queue-table tr[data-href='/records/{french['dated']}']")
    assert "02/03/2026 10:05" in row.locator("td.received").text_content()
    assert "il y a" in row.locator("td.received .age").text_content()
    text = row.text_content()
    assert "Équipe Allianz (CS2I)" in text and "allianz_team" not in text
    assert "allianz_team" not in admin_page.locator("select[name=queue]").text_content()
    admin_page.screenshot(path=str(DOCS / "queue-french.png"), full_page=True)


def test_detail_history_and_headers_in_french(portal, french, admin_page):  # noqa: F811
    admin_page.goto(f"{portal['base']}/records/{french['dated']}")
    headers = admin_page.locator("table.headers").text_content()
    assert "Objet" in headers and "De" in headers and "Subject" not in headers and "From" not in headers
    history = admin_page.locator("ol.timeline").text_content()
    for code in ("manual_review", "pending_review", "cs2i_allianz_team", "decision :", "uri :", "demo://"):
        assert code not in history, code
    assert "Décision : À revoir" in history and "Motifs : CS2I : équipe Allianz" in history
    assert "File : Équipe Allianz (CS2I)" in admin_page.locator(".page-head .meta").text_content()


def test_saving_a_multiline_description_unchanged_records_nothing(portal, french, admin_page):  # noqa: F811
    from sqlalchemy import func, select

    from outputs.tables import FieldCorrection
    store = portal["store"]

    def corrections() -> int:
        with store.session() as session:
            return session.scalar(select(func.count()).select_from(FieldCorrection)
                                  .where(FieldCorrection.record_id == french["multiline"]))

    before = corrections()
    admin_page.goto(f"{portal['base']}/records/{french['multiline']}")
    assert admin_page.input_value("#f-description") == "Plafond taché\nFuite chez le voisin\nÀ voir"
    admin_page.fill("#f-phone", "06 12 34 56 78")           # the same number, written the French way
    admin_page.click("#save-fields")                          # the browser sends the textarea with CRLF
    admin_page.wait_for_selector(".flash")
    assert admin_page.text_content(".flash").strip() == "Aucun changement."
    assert corrections() == before


def test_opening_without_a_required_field_asks_for_a_reason(portal, french, admin_page):  # noqa: F811
    admin_page.goto(f"{portal['base']}/records/{french['nameless']}")
    assert "N° de sinistre" in admin_page.text_content("#open-hint")
    admin_page.click("#open-button")
    admin_page.wait_for_selector("#open-missing")
    alert = admin_page.text_content("#open-missing")
    assert "N° de sinistre" in alert and "Canal" in alert and "Nom" in alert
    banner = admin_page.text_content("#open-missing-banner")   # the list follows rules.required_fields
    assert banner.startswith("Dossier non ouvert : N° de sinistre") and "Canal" in banner and "Nom" in banner
    admin_page.screenshot(path=str(DOCS / "open-missing.png"), full_page=False)
    assert portal["store"].get_record(french["nameless"])["decision"] == "manual_review"
    admin_page.fill("#missing-reason", "Client rappelé, numéro à venir")
    admin_page.click("#open-button")
    admin_page.wait_for_selector(".flash")
    assert "ouvert" in admin_page.text_content(".flash")


def test_dossier_shows_french_phone_date_and_amount(portal, french, admin_page):  # noqa: F811
    store = portal["store"]
    admin_page.goto(f"{portal['base']}/records/{french['multiline']}")
    admin_page.click("#open-button")
    admin_page.wait_for_selector(".flash")
    dossier_id = store.get_record(french["multiline"])["dossier_id"]
    admin_page.goto(f"{portal['base']}/dossiers/{dossier_id}")
    assert admin_page.text_content("#dossier-phone").strip() == "06 12 34 56 78"
    assert admin_page.text_content("#dossier-loss-date").strip() == "12/03/2026"
    assert store.get_record(french["multiline"])["insured"]["phone"] == "+33612345678"   # stored as before
    timeline = admin_page.text_content("#timeline")
    assert "Téléphone : — → 06 12 34 56 78" in timeline and "Date du sinistre : — → 12/03/2026" in timeline
    assert "Corps du message" in admin_page.text_content("main") and ">body<" not in admin_page.content()
    admin_page.screenshot(path=str(DOCS / "dossier-french.png"), full_page=True)


def test_error_page_keeps_the_navigation_bar(portal, admin_page):  # noqa: F811
    response = admin_page.goto(f"{portal['base']}/records/99999999")
    assert response.status == 404
    assert admin_page.locator("nav.nav a[href='/dossiers']").count() == 1
    assert admin_page.text_content("#error-status").startswith("404")


def test_dossier_list_is_paged_and_filtered(portal, french, admin_page):  # noqa: F811
    admin_page.goto(f"{portal['base']}/dossiers")
    total = int(admin_page.text_content("#dossier-total"))
    assert total > 50
    assert admin_page.locator("#dossier-table tbody tr").count() == 50
    assert "Page 1 / 2" in admin_page.text_content("#dossier-pager")
    admin_page.click("#dossier-next")
    admin_page.wait_for_url("**page=2**")
    assert admin_page.locator("#dossier-table tbody tr").count() == total - 50
    admin_page.goto(f"{portal['base']}/dossiers")
    admin_page.select_option("#dossier-filters select[name=channel]", "allianz_cs2i")
    admin_page.click("#dossier-filters button[type=submit]")
    admin_page.wait_for_url("**channel=allianz_cs2i**")
    channels = admin_page.locator("#dossier-table tbody tr td:nth-child(4)").all_text_contents()
    assert channels and set(channels) == {"Allianz CS2I"}
