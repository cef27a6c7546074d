"""Portal latency with 10,000 records: the queue page and the detail page, median and p95, on SQLite and
PostgreSQL (127.0.0.1:5432/test, in a throwaway schema). Records are inserted straight into the tables.

    .venv/bin/python bench/bench_portal.py [--records 10000] [--requests 60] [--skip-postgres]
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyotp  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from outputs.tables import RawMessage, RecordRow  # noqa: E402
from reviewdesk import security, users  # noqa: E402
from reviewdesk.sampledata import add_message  # noqa: E402
from reviewdesk.settings import PortalSettings  # noqa: E402

CHANNELS = ["allianz_c2s", "allianz_agence", "allianz_courtage", "allianz_cs2i"]
REASONS = ["low_confidence", "missing_claim_number", "dde_cause_not_confirmed_repaired", "invalid_claim_number"]


def fill(store, count: int) -> int:
    """`count` records (most pending review) in bulk; returns the id of a record in the middle of the queue."""
    template_id = add_message(store, subject="Modèle", body="Sinistre B1234567\nM. MARTIN", claim="B1234567",
                              last_name="MARTIN")
    template = store.get_record(template_id)
    now = datetime.now(timezone.utc)
    rng = random.Random(7)
    batch = 1000
    with store.session() as s:
        for start in range(0, count, batch):
            raws, recs = [], []
            for i in range(start, min(count, start + batch)):
                raw = f"Subject: ODM {i}\r\n\r\nSinistre B{1000000 + i}\r\n".encode()
                raws.append(dict(sha256=hashlib.sha256(raw).hexdigest(), source_uri=f"bench://{i}.eml",
                                 source_kind="file", raw=raw, size=len(raw), status="processed", attempts=1,
                                 received_at=now - timedelta(minutes=count - i), created_at=now))
            ids = s.execute(insert(RawMessage).returning(RawMessage.id), raws).scalars().all()
            for n, raw_id in enumerate(ids):
                i = start + n
                channel = CHANNELS[i % 4]
                data = copy.deepcopy(template)
                data.update(channel=channel, claim_number=f"B{1000000 + i}", reasons=[REASONS[i % 4]])
                data["source"]["uri"] = f"bench://{i}.eml"
                pending = rng.random() < 0.8
                recs.append(dict(raw_message_id=raw_id, machine_json=data, current_json=data,
                                 document_type="mission_order", channel=channel, claim_number=f"B{1000000 + i}",
                                 last_name="MARTIN", decision="manual_review" if pending else "auto_open",
                                 queue="review", reasons=[REASONS[i % 4]],
                                 review_status="pending" if pending else "none", created_at=now, updated_at=now))
            s.execute(insert(RecordRow), recs)
    with store.engine.connect() as conn:   # as autovacuum would, so the planner knows the table's size
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    with store.session() as s:
        return s.scalar(select(RecordRow.id).where(RecordRow.review_status == "pending")
                        .order_by(RecordRow.id).offset(count // 2).limit(1))


def logged_in(app, email: str, is_admin: bool, channels: list[str]) -> TestClient:
    secret = security.new_totp_secret()
    with app.state.store.session() as s:
        user = users.create_user(s, email, "bench", channels, is_admin)
        user.password_hash, user.totp_secret, user.active = security.hash_password("bench password"), secret, True
    client = TestClient(app, follow_redirects=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"email": email, "password": "bench password", "csrf_token": token})
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login/totp").text).group(1)
    assert client.post("/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token}).status_code == 303
    return client


def measure(client: TestClient, path: str, requests: int) -> tuple[float, float]:
    client.get(path)  # warm caches
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def run(label: str, url: str, records: int, requests: int) -> list[tuple]:
    from reviewdesk.app import create_app
    app = create_app(url, PortalSettings(secret_key="bench", allowed_hosts=["testserver"]))
    try:
        started = time.perf_counter()
        middle = fill(app.state.store, records)
        print(f"{label}: {records} records inserted in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        admin = logged_in(app, "admin@bench.test", True, [])
        reviewer = logged_in(app, "agence@bench.test", False, ["allianz_agence", "allianz_c2s"])
        rows = []
        for who, client in (("admin", admin), ("reviewer", reviewer)):
            for page, path in (("queue", "/queue"), ("queue p.50 + filter", "/queue?channel=allianz_c2s&page=50"),
                               ("queue reason filter", "/queue?reason=low_confidence"),
                               ("detail", f"/records/{middle}" if who == "admin" else "/records/{}")):
                if "{}" in path:
                    with app.state.store.session() as s:
                        rid = s.scalar(select(RecordRow.id).where(RecordRow.channel == "allianz_agence",
                                                                  RecordRow.review_status == "pending")
                                       .offset(records // 8).limit(1))
                    path = path.format(rid)
                median, p95 = measure(client, path, requests)
                rows.append((label, who, page, median, p95))
        return rows
    finally:
        app.state.store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows += run("sqlite", f"sqlite:///{folder}/bench.db", args.records, args.requests)
    if not args.skip_postgres:
        try:
            import psycopg
            schema = "bench_" + uuid.uuid4().hex[:10]
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True, connect_timeout=3) as c:
                c.execute(f"CREATE SCHEMA {schema}")
            try:
                rows += run("postgresql", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
                            f"?options=-csearch_path%3D{schema}", args.records, args.requests)
            finally:
                with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as c:
                    c.execute(f"DROP SCHEMA {schema} CASCADE")
        except Exception as error:  # noqa: BLE001 - report and carry on with what was measured
            print(f"postgresql skipped: {error}", file=sys.stderr)
    print(f"{'database':<11} {'user':<9} {'page':<22} {'median ms':>10} {'p95 ms':>8}")
    for label, who, page, median, p95 in rows:
        print(f"{label:<11} {who:<9} {page:<22} {median:>10.1f} {p95:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
