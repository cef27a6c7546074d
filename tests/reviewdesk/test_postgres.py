"""The portal on PostgreSQL: migrations 0001+0002, queue filters (JSON reasons as text), corrections, verdicts."""
from __future__ import annotations

import io
import json
import re

import pytest
from fastapi.testclient import TestClient

from reviewdesk.sampledata import add_demo_messages
from reviewdesk.settings import PortalSettings
from tests.reviewdesk.conftest import csrf_of, login, make_user

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url(postgres_url):
    return postgres_url


def test_review_path_on_postgresql(pg_url):
    from outputs.exporters import export
    from reviewdesk.app import create_app
    app = create_app(pg_url, PortalSettings(secret_key="pg", allowed_hosts=["testserver"]))
    try:
        ids = add_demo_messages(app.state.store)
        admin = make_user(app, "admin@intake.test", is_admin=True)
        reviewer = make_user(app, "agence@intake.test", channels=["allianz_agence"])
        client = login(TestClient(app, follow_redirects=False), admin)
        listed = re.findall(r'data-href="/records/(\d+)"', client.get("/queue?reason=low_confidence").text)
        assert len(listed) == 1
        record_id = next(i for i in ids if app.state.store.get_record(i)["channel"] == "allianz_agence"
                         and app.state.store.get_record(i)["claim_number"])
        token = csrf_of(client.get(f"/records/{record_id}").text)
        assert client.post(f"/records/{record_id}/fields", data={"postcode": "69 003", "csrf_token": token}).status_code == 303
        assert client.post(f"/records/{record_id}/open", data={"csrf_token": token}).status_code == 303
        out = io.StringIO()
        export(pg_url, "jsonl", out)
        exported = {r["source"]["uri"]: r for r in map(json.loads, out.getvalue().splitlines())}
        assert any(r["insured"]["postcode"] == "69003" and r["dossier_id"] for r in exported.values())
        other = next(i for i in ids if app.state.store.get_record(i)["channel"] == "allianz_cs2i")
        reviewer_client = login(TestClient(app, follow_redirects=False), reviewer)
        assert reviewer_client.get(f"/records/{other}").status_code == 404
    finally:
        app.state.store.close()


def test_without_a_secret_key_postgresql_keeps_a_generated_secret_in_the_database(pg_url):
    from sqlalchemy import select
    from outputs.portal_tables import InstallationSecret
    from reviewdesk import installation
    from reviewdesk.app import create_app
    settings = PortalSettings(allowed_hosts=["testserver"])          # no INTAKE_SECRET_KEY
    app = create_app(pg_url, settings)
    try:
        with app.state.store.session() as session:
            stored = session.scalars(select(InstallationSecret.value)).all()
        assert len(stored) == 1 and len(stored[0]) >= 48
        assert installation.resolve_secret(settings, pg_url, app.state.sessionmaker).value == stored[0]
        admin = make_user(app, "admin@intake.test", is_admin=True)
        login(TestClient(app, follow_redirects=False), admin)        # sessions and sealed TOTP on PostgreSQL
    finally:
        app.state.store.close()
