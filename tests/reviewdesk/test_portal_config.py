"""The portal uses the configuration it was created with (what `intake serve --config` / `intake run --config`
loaded), not the shipped defaults: refuse reasons, the API's page size."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from foundation.config import load_config
from reviewdesk.sampledata import add_message
from tests.reviewdesk.conftest import csrf_of, login, make_user

OPERATOR_YAML = """\
portal:
  refuse_reasons:
    - "Motif propre à ce cabinet"
api:
  page_size: 2
"""


@pytest.fixture
def operator_app(tmp_path, database_url, settings):
    from reviewdesk.app import create_app
    path = tmp_path / "operator.yaml"
    path.write_text(OPERATOR_YAML, encoding="utf-8")
    app = create_app(database_url, settings, config=load_config(str(path)))
    yield app
    app.state.store.close()


def _messages(store, count: int) -> list[int]:
    return [add_message(store, subject=f"ODM {n}", body="Bonjour,\nmission.\n", claim=f"B123456{n}",
                        last_name="MARTIN", reasons=["low_confidence"]) for n in range(count)]


def test_the_refuse_reasons_are_the_operators(operator_app):
    record = _messages(operator_app.state.store, 1)[0]
    client = login(TestClient(operator_app, follow_redirects=False),
                   make_user(operator_app, "revue@intake.test", channels=["allianz_agence"]))
    page = client.get(f"/records/{record}")
    assert page.status_code == 200
    assert "Motif propre à ce cabinet" in page.text and "Hors contrat" not in page.text
    refused = client.post(f"/records/{record}/refuse", data={"csrf_token": csrf_of(page.text),
                                                             "reason": "Motif propre à ce cabinet"})
    assert refused.status_code == 303


def test_without_a_config_the_shipped_reasons_apply(app):
    record = _messages(app.state.store, 1)[0]
    client = login(TestClient(app, follow_redirects=False), make_user(app, "revue@intake.test",
                                                                      channels=["allianz_agence"]))
    page = client.get(f"/records/{record}")
    assert "Hors contrat" in page.text and "Motif propre à ce cabinet" not in page.text
    refused = client.post(f"/records/{record}/refuse", data={"csrf_token": csrf_of(page.text),
                                                             "reason": "Motif propre à ce cabinet"})
    assert refused.status_code == 400


def test_the_api_page_size_is_the_operators(operator_app):
    store = operator_app.state.store
    _messages(store, 3)
    token = store.create_api_token("gestion")
    answer = TestClient(operator_app).get("/api/v1/records", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == 3 and len(body["items"]) == 2 and body["pages"] == 2


def test_intake_serve_loads_the_config_it_is_given(tmp_path):
    """`intake serve --config FILE` reads the operator's file (a bad key stops it before it serves)."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    bad = tmp_path / "bad.yaml"
    bad.write_text("portal:\n  refuse_reason: [\"x\"]\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("INTAKE_CONFIG", None)
    done = subprocess.run([sys.executable, "-m", "intake", "serve", "--database", f"sqlite:///{tmp_path}/p.db",
                           "--port", "9", "--config", str(bad)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode != 0
    assert "unknown key portal.refuse_reason" in done.stdout + done.stderr


def test_the_reprocessing_engine_gets_the_portals_config(operator_app):
    from types import SimpleNamespace
    given = []

    def engine(store, *, dry_run, actor, config=None, **filters):
        given.append(config)
        return SimpleNamespace(changes=[], failed=[], per_channel=lambda: {})
    operator_app.state.reprocessor = engine
    client = login(TestClient(operator_app, follow_redirects=False), make_user(operator_app, "chef@intake.test",
                                                                               is_admin=True))
    page = client.get("/admin/reprocess")
    answer = client.post("/admin/reprocess/preview", data={"csrf_token": csrf_of(page.text), "record_id": ""})
    assert answer.status_code == 200, answer.text[:300]
    assert given == [operator_app.state.config]
    assert given[0].section("portal")["refuse_reasons"] == ["Motif propre à ce cabinet"]
