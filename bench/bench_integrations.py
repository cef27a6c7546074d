"""Integration figures: IMAP IDLE latency (append in Dovecot -> raw stored) and webhook delivery
(events per second to a local receiver; retries and losses across a receiver outage). Prints a table.

    .venv/bin/python bench/bench_integrations.py [--mails 20] [--events 500] [--postgres]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def idle_latency(mails: int) -> list[float]:
    from sqlalchemy import func, select

    from intake.mailboxes import MailboxConfig, Sources
    from outputs.tables import RawMessage
    from scheduler import Service
    from tests.dovecot import Dovecot
    from tests.intake.test_imap import mail

    server = Dovecot()
    folder = tempfile.mkdtemp()
    service = Service(f"sqlite:///{folder}/idle.db", sources=Sources(mailboxes=[
        MailboxConfig(**server.mailbox_config(interval_s=3600))]), workers=0)
    latencies = []
    try:
        watcher, = service.start_idle_watchers()
        watcher.idling.wait(10)
        for n in range(mails):
            watcher.idling.wait(10)
            start = time.monotonic()
            server.append([mail(1000 + n)])
            while True:
                with service.store.session(read=True) as s:
                    if (s.scalar(select(func.count()).select_from(RawMessage)) or 0) > n:
                        break
                if time.monotonic() - start > 30:
                    raise SystemExit("a mail was not stored within 30 s")
                time.sleep(0.02)
            latencies.append(time.monotonic() - start)
    finally:
        service.stop.set()
        watcher.join(10)
        service.close()
        server.stop()
    return latencies


def webhooks(events: int, database_url: str) -> dict:
    from foundation.config import Config
    from intake.webhooks import WebhookWorker, webhook_settings
    from outputs.store import Store
    from tests.intake.receiver import Receiver
    from tests.outputs.factories import eml, processed, src

    os.environ["INTAKE_WEBHOOK_SECRET_BENCH"] = "bench-secret-0123456789"
    receiver = Receiver().start()
    store = Store(database_url)
    settings = webhook_settings(Config.model_validate({"webhooks": {
        "targets": [{"name": "bench", "url": receiver.url, "secret_env": "INTAKE_WEBHOOK_SECRET_BENCH"}],
        "backoff_base_s": 0.2, "backoff_cap_s": 1.0, "batch": 1000}}))
    for n in range(events):
        raw = eml(f"B{7000000 + n}", "Fri, 01 Mar 2024 08:00:00 +0100")
        raw_id, _ = store.add_raw(raw, src(f"/b/{n}.eml"), "file")
        store.save_processed(raw_id, processed(raw, src(f"/b/{n}.eml"), claim=f"B{7000000 + n}"))
    worker = WebhookWorker(store, settings)
    try:
        half = events // 2
        start = time.monotonic()
        first = worker.run_round()
        while first.delivered < events:
            first.delivered += worker.run_round().delivered
        rate = events / (time.monotonic() - start)
        # outage: the receiver goes away, more events happen, the worker keeps trying, the receiver comes back
        receiver.stop()
        for n in range(events, events + half):
            raw = eml(f"B{7000000 + n}", "Fri, 01 Mar 2024 08:00:00 +0100")
            raw_id, _ = store.add_raw(raw, src(f"/b/{n}.eml"), "file")
            store.save_processed(raw_id, processed(raw, src(f"/b/{n}.eml"), claim=f"B{7000000 + n}"))
        retries = 0
        outage_end = time.monotonic() + 3.0
        while time.monotonic() < outage_end:
            retries += worker.run_round().retried
            time.sleep(0.1)
        receiver.start()
        recover_start = time.monotonic()
        while store.webhook_backlog()["statuses"].get("pending"):
            worker.run_round()
            time.sleep(0.05)
        recovery = time.monotonic() - recover_start
    finally:
        worker.close()
        receiver.stop()
        store.close()
    ids = [json.loads(r.body)["id"] for r in receiver.requests]
    return {"events": events + half, "rate": rate, "retries": retries, "recovery_s": recovery,
            "received_unique": len(set(ids)), "lost": events + half - len(set(ids)),
            "duplicates": len(ids) - len(set(ids))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=20)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--postgres", action="store_true", help="webhooks on postgresql://127.0.0.1/test too")
    args = parser.parse_args()
    lat = idle_latency(args.mails)
    print("| IMAP IDLE (Dovecot) | mails | median s | p90 s | max s |")
    print("|---|---:|---:|---:|---:|")
    q = sorted(lat)
    print(f"| append -> stored | {len(q)} | {statistics.median(q):.3f} | {q[int(0.9 * (len(q) - 1))]:.3f} | {q[-1]:.3f} |")
    urls = [("sqlite", f"sqlite:///{tempfile.mkdtemp()}/hooks.db", None)]
    if args.postgres:  # a schema of its own, dropped afterwards (never the shared database's public schema)
        schema = f"bench_hooks_{os.getpid()}"
        urls.append(("postgresql", f"postgresql+psycopg://postgres@127.0.0.1:5432/test"
                                   f"?options=-csearch_path%3D{schema}", schema))
    print()
    print("| webhooks | db | events | delivered/s | retries in a 3 s outage | recovery s | unique received | lost | duplicates |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, url, schema in urls:
        if schema:
            import psycopg
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
        try:
            r = webhooks(args.events, url)
        finally:
            if schema:
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")
        print(f"| local receiver | {name} | {r['events']} | {r['rate']:.0f} | {r['retries']} | {r['recovery_s']:.2f} | "
              f"{r['received_unique']} | {r['lost']} | {r['duplicates']} |")


if __name__ == "__main__":
    main()
