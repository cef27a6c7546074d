"""Admin action: reprocess one record or a filtered selection, the shadow report first (nothing stored),
then apply the records it showed; reviewers' corrections and opened dossiers kept."""
from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient

from foundation.config import load_config
from intake.ingest import ingest_paths
from intake.reprocess import Filters, redecide
from tests.intake.test_reprocess import AUTO, PICKS, REVIEW_A, REVIEW_B, SAMPLES
from tests.reviewdesk.conftest import csrf_of, login, make_user


@pytest.fixture
def loaded(app, database_url, tmp_path):
    """The three sample mails stored, and the portal's engine deciding under a stricter threshold."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in PICKS:
        shutil.copy(SAMPLES / name, folder / name)
    ingest_paths([str(folder)], database_url, workers=0)
    strict_path = tmp_path / "strict.yaml"
    strict_path.write_text("rules:\n  trust_threshold: 0.99\n")
    strict = load_config(str(strict_path))

    def engine(store, *, dry_run, actor, config=None, **filters):   # the portal's config: stricter here
        return redecide(store, strict, Filters(**filters), dry_run=dry_run, actor=actor, curve=False,
                        read_missing=False)
    app.state.reprocessor = engine
    store = app.state.store
    return {r["source"]["uri"].rsplit("/", 1)[-1]: c.record_id
            for c in store.reprocess_candidates() for r in [c.machine_json]}


def _preview(client: TestClient, **form) -> str:
    page = client.get("/admin/reprocess")
    assert page.status_code == 200
    response = client.post("/admin/reprocess/preview", data={"csrf_token": csrf_of(page.text), **form})
    assert response.status_code == 200, response.text[:500]
    return response.text


def test_preview_stores_nothing_then_apply_keeps_reviewers_work(admin_client, loaded, store):
    ids = loaded
    store.correct_field(ids[REVIEW_B], "insured.last_name", "MARTIN", "reviewer@example.org")
    before = list(store.export_records())

    html = _preview(admin_client)
    assert list(store.export_records()) == before                         # the report changed nothing
    outcomes = dict(re.findall(r'data-record="(\d+)" data-outcome="(\w+)"', html))
    assert outcomes[str(ids[REVIEW_A])] == "changed"
    assert outcomes[str(ids[AUTO])] == "kept" and outcomes[str(ids[REVIEW_B])] == "kept"
    to_apply = re.findall(r'name="record_ids" value="(\d+)"', html)
    assert to_apply == [str(ids[REVIEW_A])]

    response = admin_client.post("/admin/reprocess/apply", data={"csrf_token": csrf_of(html), "record_ids": to_apply})
    assert response.status_code == 200 and 'data-outcome="applied"' in response.text
    after = {r["source"]["uri"].rsplit("/", 1)[-1]: r for r in store.export_records()}
    old = {r["source"]["uri"].rsplit("/", 1)[-1]: r for r in before}
    assert after[REVIEW_B] == old[REVIEW_B] and after[REVIEW_B]["insured"]["last_name"] == "MARTIN"
    assert after[AUTO] == old[AUTO]
    assert after[REVIEW_A]["reasons"] != old[REVIEW_A]["reasons"]
    assert [v["replaced_by"] for v in store.record_versions(ids[REVIEW_A])] == ["admin@intake.test"]


def test_one_record_and_filters(admin_client, loaded):
    ids = loaded
    html = _preview(admin_client, record_id=str(ids[REVIEW_A]))
    assert re.findall(r'data-record="(\d+)"', html) == [str(ids[REVIEW_A])]
    html = _preview(admin_client, decision="auto_open")
    assert re.findall(r'data-record="(\d+)"', html) == [str(ids[AUTO])]
    page = admin_client.get("/admin/reprocess")
    bad = admin_client.post("/admin/reprocess/preview", data={"csrf_token": csrf_of(page.text), "channel": "nope"})
    assert bad.status_code == 400


def test_reviewers_and_forged_requests_are_refused(app, loaded):
    reviewer = make_user(app, "rev@example.org", channels=["allianz_courtage"])
    client = login(TestClient(app, follow_redirects=False), reviewer)
    assert client.get("/admin/reprocess").status_code == 403
    page = client.get("/queue")
    assert client.post("/admin/reprocess/preview", data={"csrf_token": csrf_of(page.text)}).status_code == 403
    admin = make_user(app, "boss@example.org", is_admin=True)
    client = login(TestClient(app, follow_redirects=False), admin)
    assert client.post("/admin/reprocess/apply", data={"record_ids": ["1"]}).status_code == 403   # no CSRF token
