"""Queue, detail view, corrections, verdicts, downloads and rights, through FastAPI's TestClient."""
from __future__ import annotations

import io
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from outputs.tables import Event, FieldCorrection, RecordRow
from outputs.portal_tables import Team
from reviewdesk.sampledata import add_demo_messages, add_message
from tests.reviewdesk.conftest import csrf_of, login, make_user
from tests.reviewdesk.helpers import HOSTILE_HTML, odm_pdf


@pytest.fixture
def ids(store):
    return add_demo_messages(store)


def _channel_of(store, record_id):
    return store.get_record(record_id)["channel"]


def test_every_response_carries_the_security_headers(admin_client, ids):
    for path in ("/login", "/queue", f"/records/{ids[0]}", "/dossiers"):
        headers = admin_client.get(path).headers
        assert headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'; object-src 'none'")
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


def test_queue_lists_pending_oldest_first_with_the_count(admin_client, ids, store):
    page = admin_client.get("/queue")
    assert f'id="pending-count" title="Messages en attente">{len(ids)}<' in page.text
    order = [int(x) for x in __import__("re").findall(r'data-href="/records/(\d+)"', page.text)]
    assert order == sorted(ids, key=lambda i: store.get_record(i)["source"]["received_at"])


def test_queue_filters_by_channel_reason_queue_and_age(admin_client, ids, store):
    import re
    def listed(query):
        return {int(x) for x in re.findall(r'data-href="/records/(\d+)"', admin_client.get("/queue?" + query).text)}
    agency = {i for i in ids if _channel_of(store, i) == "allianz_agence"}
    assert listed("channel=allianz_agence") == agency
    assert len(listed("reason=cs2i_allianz_team")) == 1
    assert listed("queue=allianz_team") == listed("reason=cs2i_allianz_team")
    assert listed("age=7d") == set()                                   # all arrived just now
    assert listed("age=bogus") == set(ids)


def test_reviewer_sees_only_their_channels_and_gets_404_elsewhere(app, ids, store):
    account = make_user(app, "agence@intake.test", channels=["allianz_agence"])
    client = login(TestClient(app, follow_redirects=False), account)
    agency = [i for i in ids if _channel_of(store, i) == "allianz_agence"]
    other = [i for i in ids if _channel_of(store, i) != "allianz_agence"]
    page = client.get("/queue")
    assert f">{len(agency)}<" in page.text
    for record_id in other:
        assert client.get(f"/records/{record_id}").status_code == 404   # as if it did not exist (issue 7)
        token = csrf_of(page.text)
        assert client.post(f"/records/{record_id}/refuse", data={"reason": "Doublon", "csrf_token": token}).status_code == 404
    assert client.get(f"/records/{agency[0]}").status_code == 200
    assert client.get("/admin/users").status_code == 403


def test_head_office_sees_its_sub_teams_work(app, ids, store):
    with store.session() as session:
        head = Team(name="Siège")
        session.add(head)
        session.flush()
        branch = Team(name="Lyon", parent_id=head.id)
        session.add(branch)
        session.flush()
        head_id, branch_id = head.id, branch.id
    cs2i = next(i for i in ids if _channel_of(store, i) == "allianz_cs2i")
    worker = make_user(app, "lyon@intake.test", channels=["allianz_cs2i"], team_id=branch_id)
    boss = make_user(app, "siege@intake.test", channels=[], team_id=head_id)
    boss_client = login(TestClient(app, follow_redirects=False), boss)
    assert boss_client.get(f"/records/{cs2i}").status_code == 404      # not yet the sub-team's work
    worker_client = login(TestClient(app, follow_redirects=False), worker)
    page = worker_client.get(f"/records/{cs2i}")
    worker_client.post(f"/records/{cs2i}/fields", data={"postcode": "69003", "csrf_token": csrf_of(page.text)})
    assert boss_client.get(f"/records/{cs2i}").status_code == 200      # the head office now sees it


def test_invalid_corrections_are_refused_and_nothing_is_stored(admin_client, ids, store):
    record_id = ids[0]
    page = admin_client.get(f"/records/{record_id}")
    response = admin_client.post(f"/records/{record_id}/fields", data={
        "phone": "123", "postcode": "ABCDE", "city": "LYON", "csrf_token": csrf_of(page.text)})
    assert response.status_code == 422
    assert "Numéro de téléphone invalide" in response.text and "Code postal invalide" in response.text
    assert store.get_record(record_id)["insured"]["city"] is None      # all or nothing
    agency = next(i for i in ids if _channel_of(store, i) == "allianz_agence")
    response = admin_client.post(f"/records/{agency}/fields", data={"claim_number": "C999999",
                                                                    "csrf_token": csrf_of(page.text)})
    assert response.status_code == 422 and "commencer par B" in response.text


def test_correction_is_recorded_with_who_and_when_and_exported(app, admin_client, ids, store, database_url):
    record_id = next(i for i in ids if _channel_of(store, i) == "allianz_agence")
    page = admin_client.get(f"/records/{record_id}")
    response = admin_client.post(f"/records/{record_id}/fields", data={
        "phone": "06 11 22 33 44", "claim_number": "b 765-4321", "csrf_token": csrf_of(page.text)})
    assert response.status_code == 303
    record = store.get_record(record_id)
    assert record["insured"]["phone"] == "+33611223344" and record["claim_number"] == "B7654321"
    assert record["fields"]["phone"]["corrected_by"] == "admin@intake.test"
    with store.session() as session:
        corrections = session.scalars(select(FieldCorrection).where(FieldCorrection.record_id == record_id)).all()
        assert {c.name for c in corrections} == {"phone", "claim_number"}
        assert all(c.user == "admin@intake.test" and c.at for c in corrections)
    from outputs.exporters import export
    out = io.StringIO()
    export(database_url, "jsonl", out)
    exported = [json.loads(line) for line in out.getvalue().splitlines()]
    assert any(r["claim_number"] == "B7654321" and r["insured"]["phone"] == "+33611223344" for r in exported)
    detail = admin_client.get(f"/records/{record_id}").text
    assert "Champ corrigé" in detail and "corrigé par admin@intake.test" in detail


def test_open_refuse_attach(admin_client, ids, store):
    first, second, third = ids[0], ids[1], ids[2]
    page = admin_client.get(f"/records/{first}").text
    token = csrf_of(page)
    assert "Manque : N° de sinistre" in page and "Ouvrir le dossier" in page, page[page.find("open-form"):][:800]
    # A required field is missing (no claim number): the portal asks for it, or for a reason to open without.
    asked = admin_client.post(f"/records/{first}/open", data={"csrf_token": token})
    assert asked.status_code == 422 and "Champs obligatoires manquants : N° de sinistre" in asked.text
    assert store.get_record(first)["decision"] == "manual_review"
    with store.session() as session:
        assert session.get(RecordRow, first).review_status == "pending"      # not opened
    opened = admin_client.post(f"/records/{first}/open", data={"csrf_token": token,
                                                               "missing_reason": "Numéro donné par téléphone"})
    assert opened.status_code == 303
    dossier_id = store.get_record(first)["dossier_id"]
    assert dossier_id
    history = admin_client.get(f"/records/{first}").text
    assert "Ouvert sans : N° de sinistre" in history and "Motif : Numéro donné par téléphone" in history
    bad = admin_client.post(f"/records/{second}/refuse", data={"reason": "because", "csrf_token": token})
    assert bad.status_code == 400
    assert admin_client.post(f"/records/{second}/refuse", data={"reason": "Doublon", "csrf_token": token}).status_code == 303
    search = admin_client.get(f"/records/{third}?attach_q={dossier_id}")
    assert f'value="{dossier_id}"' in search.text
    assert admin_client.post(f"/records/{third}/attach", data={"dossier_id": dossier_id, "csrf_token": token}).status_code == 303
    assert store.get_record(third)["dossier_id"] == dossier_id
    again = admin_client.post(f"/records/{first}/open", data={"csrf_token": token})
    assert again.status_code == 409
    with store.session() as session:
        statuses = dict(session.execute(select(RecordRow.id, RecordRow.review_status)
                                        .where(RecordRow.id.in_([first, second, third]))).all())
        assert statuses == {first: "accepted", second: "refused", third: "attached"}
        kinds = [e.kind for e in session.scalars(select(Event).where(Event.actor == "admin@intake.test"))]
        assert {"opened", "refused", "attached"} <= set(kinds)
    dossier = admin_client.get(f"/dossiers/{dossier_id}")
    assert dossier.status_code == 200 and "Message rattaché" in dossier.text
    assert admin_client.post(f"/dossiers/{dossier_id}/close", data={"csrf_token": token}).status_code == 303
    claim = store.get_record(first)['claim_number'] or ''
    assert dossier_id in admin_client.get(f"/dossiers?q={claim}&status=closed").text
    assert dossier_id not in admin_client.get(f"/dossiers?q={claim}&status=active").text


def test_dossier_search_by_plate_and_iban_validation(admin_client, ids, store):
    token = csrf_of(admin_client.get(f"/records/{ids[0]}").text)
    admin_client.post(f"/records/{ids[0]}/open", data={"csrf_token": token})
    dossier_id = store.get_record(ids[0])["dossier_id"]
    bad = admin_client.post(f"/dossiers/{dossier_id}/data", data={"iban": "FR76 1234", "csrf_token": token})
    assert bad.status_code == 422 and "IBAN invalide" in bad.text
    ok = admin_client.post(f"/dossiers/{dossier_id}/data", data={
        "iban": "FR7630006000011234567890189", "other_party_plate": "ab-123-cd", "csrf_token": token})
    assert ok.status_code == 303
    assert dossier_id in admin_client.get("/dossiers?q=AB-123-CD").text
    assert dossier_id in admin_client.get("/dossiers?q=ab123cd").text
    assert dossier_id not in admin_client.get("/dossiers?q=ZZ999ZZ").text


def test_hostile_html_is_cleaned_and_attachments_download_safely(admin_client, store):
    record_id = add_message(store, subject="Mission", body="Voir HTML", html=HOSTILE_HTML, claim="C1",
                            channel="allianz_courtage",
                            attachment=('../../etc/"passwd"\r\n été.pdf', "application/pdf", odm_pdf()))
    page = admin_client.get(f"/records/{record_id}").text
    html = page.split('id="mail-html">', 1)[1].split("</div></details>", 1)[0]
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "tracker.example" not in html and "<img" not in html
    index = int(__import__("re").search(rf'/records/{record_id}/attachments/(\d+)', page).group(1))
    response = admin_client.get(f"/records/{record_id}/attachments/{index}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert "/" not in disposition.split("filename*=UTF-8''")[1] and "\r" not in disposition
    assert "%C3%A9t%C3%A9.pdf" in disposition
    assert response.headers["x-content-type-options"] == "nosniff"
    assert admin_client.get(f"/records/{record_id}/attachments/99").status_code == 404


def test_pdf_pages_render_as_png_with_the_evidence_boxed(admin_client, store):
    record_id = add_message(store, subject="ODM", body="Formulaire joint", claim="B7654321", last_name="LEFEBVRE",
                            attachment=("odm.pdf", "application/pdf", odm_pdf()))
    page = admin_client.get(f"/records/{record_id}").text
    src = __import__("re").search(r'src="(/records/\d+/documents/\d+/pages/1\.png)"', page).group(1)
    plain = admin_client.get(src)
    boxed = admin_client.get(src + "?field=claim_number")
    assert plain.headers["content-type"] == "image/png" and plain.content.startswith(b"\x89PNG")
    from PIL import Image
    a = Image.open(io.BytesIO(plain.content)).convert("RGB")
    b = Image.open(io.BytesIO(boxed.content)).convert("RGB")
    assert a.size == b.size
    import numpy as np
    px = np.asarray(b)
    amber = int(((px[..., 0] > 200) & (px[..., 1] > 120) & (px[..., 1] < 190) & (px[..., 2] < 60)).sum())
    assert amber > 50                                                # the box is drawn
    assert admin_client.get(src.replace("/pages/1.png", "/pages/7.png")).status_code == 404
