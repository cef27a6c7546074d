"""Issue 12 (load): portal requests must not take SQLite's write lock to show a page, nor wait for it on the
event loop. The app is served by uvicorn on a loopback port, on a real SQLite file; SQL is watched with
SQLAlchemy events on the store's real engine."""
from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event, func, select, update

from outputs.portal_tables import PortalSession
from outputs.tables import RawMessage, RecordRow
from reviewdesk.routes.queue import refuse_reasons
from reviewdesk.sampledata import add_message
from tests.reviewdesk.conftest import login, make_user

REPO = Path(__file__).resolve().parents[2]
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|BEGIN IMMEDIATE)\b", re.IGNORECASE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The portal on a fresh SQLite file, under uvicorn in a thread; a reviewer, an admin and two messages."""
    import uvicorn
    from reviewdesk.app import create_app
    from reviewdesk.settings import PortalSettings

    folder = tmp_path_factory.mktemp("lock")
    url = f"sqlite:///{folder}/lock.db"
    app = create_app(url, PortalSettings(secret_key="lock-test-secret", smtp_host=None))
    store = app.state.store
    records = [add_message(store, subject=f"ODM {n}", body="Bonjour,\nmission ci-jointe.\n", claim=f"B765432{n}",
                           last_name="LEFEBVRE", postcode="33000", reasons=["low_confidence"]) for n in range(3)]
    accounts = {"reviewer": make_user(app, "revue@intake.test", channels=["allianz_agence"]),
                "admin": make_user(app, "chef@intake.test", is_admin=True)}
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    clients = {name: login(httpx.Client(base_url=base, follow_redirects=False, timeout=120), account)
               for name, account in accounts.items()}
    yield {"app": app, "store": store, "url": url, "base": base, "records": records, "clients": clients,
           "folder": folder}
    for client in clients.values():
        client.close()
    server.should_exit = True
    thread.join(timeout=10)
    store.close()


@contextmanager
def watched(engine):
    """Every statement run on the engine while the block lasts, with whether it ran on an event loop's thread."""
    seen: list[tuple[str, bool]] = []

    def before(_conn, _cursor, statement, _params, _context, _many):
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        seen.append((statement, on_loop))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def writes(seen) -> list[str]:
    return [statement for statement, _ in seen if WRITE.match(statement)]


def page_paths(served) -> list[str]:
    record = served["records"][0]
    return ["/queue", "/queue?channel=allianz_agence&age=1h", f"/records/{record}", f"/records/{record}/raw",
            "/dossiers", "/dossiers?q=LEFEBVRE", "/account", "/records/999999", "/healthz", "/metrics"]


def test_page_reads_take_no_write_lock(served):
    """A GET of the queue, a record, the dossiers... runs no INSERT/UPDATE/DELETE and no BEGIN IMMEDIATE (the
    write lock): with its session seen within the last minute there is nothing for a page read to write."""
    client = served["clients"]["reviewer"]
    for path in page_paths(served):
        client.get(path)   # a first round: any due "last seen" touch is done here
        with watched(served["store"].engine) as seen:
            response = client.get(path)
        assert response.status_code in (200, 404, 503), (path, response.status_code)
        assert seen, path
        assert writes(seen) == [], (path, writes(seen))
    admin = served["clients"]["admin"]
    for path in ("/admin/users", "/admin/audit", "/queue"):
        admin.get(path)
        with watched(served["store"].engine) as seen:
            assert admin.get(path).status_code == 200
        assert writes(seen) == [], (path, writes(seen))


def test_the_last_seen_touch_is_one_short_update_apart_from_the_page(served):
    """A session last seen over a minute ago is touched by one UPDATE in a transaction of its own; the page's
    reads stay in a read-only (plain BEGIN) transaction."""
    store = served["store"]
    with store.session() as s:
        s.execute(update(PortalSession).where(PortalSession.revoked_at.is_(None))
                  .values(last_seen_at=func.datetime("now", "-5 minutes")))
    client = served["clients"]["reviewer"]
    with watched(store.engine) as seen:
        assert client.get("/queue").status_code == 200
    assert [w.split()[0:2] for w in writes(seen)] == [["BEGIN", "IMMEDIATE"], ["UPDATE", "portal_sessions"]]
    begins = [statement for statement, _ in seen if statement.strip().upper().startswith("BEGIN")]
    assert begins.count("BEGIN") >= 1 and begins.count("BEGIN IMMEDIATE") == 1
    with store.session(read=True) as s:
        seen_at = s.scalar(select(func.max(PortalSession.last_seen_at)))
    from outputs.tables import now_utc, utc
    assert now_utc() - utc(seen_at) < timedelta(minutes=1)
    with watched(store.engine) as again:   # touched: the next page writes nothing
        assert client.get("/queue").status_code == 200
    assert writes(again) == []


def test_ingest_stores_a_message_while_a_page_read_is_held_open(served):
    """Another process stores a message (`intake ingest`, the real path) while a reviewer's queue page is held
    in the middle of its reads: the store must not wait for the page (before the fix the page held SQLite's
    write lock and the ingest failed with "database is locked" after the busy timeout)."""
    store = served["store"]
    inside, release = threading.Event(), threading.Event()

    def hold(_conn, _cursor, statement, _params, _context, _many):
        if "FROM records" in statement and not inside.is_set():
            inside.set()
            release.wait(120)

    with store.session(read=True) as s:
        before = s.scalar(select(func.count()).select_from(RawMessage))
    event.listen(store.engine, "after_cursor_execute", hold)
    answer: dict = {}
    reader = threading.Thread(target=lambda: answer.update(page=served["clients"]["reviewer"].get("/queue")))
    try:
        reader.start()
        assert inside.wait(30), "the queue page never queried the records"
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        env.pop("INTAKE_CONFIG", None)
        ingest = subprocess.run([sys.executable, "-m", "intake", "ingest", "-q", "--workers", "0", "--database",
                                 served["url"], str(REPO / "samples/messages/agence_pdf_01_dde_reparee.eml")],
                                cwd=served["folder"], env=env, capture_output=True, text=True, timeout=180,
                                stdin=subprocess.DEVNULL)
        still_reading = reader.is_alive()
    finally:
        release.set()
        reader.join(60)
        event.remove(store.engine, "after_cursor_execute", hold)
    assert "database is locked" not in ingest.stdout + ingest.stderr
    assert ingest.returncode == 0, ingest.stdout[-2000:] + ingest.stderr[-2000:]
    assert still_reading, "the page read ended before the ingest: nothing was held"
    assert answer["page"].status_code == 200
    with store.session(read=True) as s:
        assert s.scalar(select(func.count()).select_from(RawMessage)) == before + 1


def _csrf(client: httpx.Client, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, path
    return match.group(1)


def test_no_sql_runs_on_the_event_loop(served):
    """Posting a correction, a verdict, dossier data or an admin form, and an error page: every statement runs
    in the threadpool, none on the event loop (where waiting for the write lock stalls every request)."""
    client, admin = served["clients"]["reviewer"], served["clients"]["admin"]
    first, second, third = served["records"]
    store = served["store"]
    with watched(store.engine) as seen:
        token = _csrf(client, f"/records/{first}")
        assert client.post(f"/records/{first}/fields", data={"csrf_token": token, "postcode": "33100"}) \
            .status_code == 303
        assert client.post(f"/records/{first}/fields", data={"csrf_token": token, "postcode": "3"}) \
            .status_code == 422
        assert client.post(f"/records/{first}/open", data={"csrf_token": token, "missing_reason": "test"}) \
            .status_code in (303, 422)
        reason = refuse_reasons(served["app"].state.config)[0]
        assert client.post(f"/records/{second}/refuse", data={"csrf_token": token, "reason": reason}) \
            .status_code == 303
        with store.session(read=True) as s:
            dossier = s.scalar(select(RecordRow.dossier_id).where(RecordRow.id == first))
        assert dossier, "the dossier was not opened"
        assert client.post(f"/records/{third}/attach", data={"csrf_token": token, "dossier_id": dossier}) \
            .status_code == 303
        client.post(f"/dossiers/{dossier}/data", data={"csrf_token": token, "iban": "pas un iban"})
        assert client.get("/records/999999").status_code == 404
        admin_token = _csrf(admin, "/admin/users/new")
        assert admin.post("/admin/teams", data={"csrf_token": admin_token, "name": "Bordeaux"}).status_code == 303
        assert admin.post("/admin/users/new", data={"csrf_token": admin_token, "email": "nouveau@intake.test",
                                                    "name": "Nouveau", "team_id": ""}).status_code in (303, 400)
    assert seen
    on_loop = [statement for statement, loop in seen if loop]
    assert on_loop == [], on_loop[:5]
