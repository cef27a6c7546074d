"""`intake ingest` on SQLite and PostgreSQL, one commit per message (batch 1, as before) against batches.

The same 1,000 text mails (bench_mail.py's, written as .eml files) are ingested the way `intake ingest`
does it (intake.ingest: store every raw, then read them with one sandboxed reader and save the records),
on a fresh SQLite file and a fresh PostgreSQL schema (127.0.0.1:5432/test), for each batch size. Printed:
msg/s of the store step, of the read + save step and overall; SQL statements and commits per message
(counted on the engine); and the exactly-once check (records = distinct raws = mails). Nothing is asserted.

    .venv/bin/python bench/bench_ingest_batch.py [--mails 1000] [--batch 1 50] [--no-postgres]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def databases(use_postgres: bool, folder: Path) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = [("sqlite", lambda n: (f"sqlite:///{folder}/bench-{n}.db", None))]
    if use_postgres:
        def pg(_n):
            import psycopg
            schema = "bench_" + uuid.uuid4().hex[:8]
            with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            return f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}", schema
        out.append(("postgres", pg))
    return out


def drop(schema: object) -> None:
    if schema is None:
        return
    import psycopg
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def run_case(url: str, paths: list[str], batch: int, executor) -> dict:
    from sqlalchemy import event, func, select

    from intake.ingest import process_raw_ids, store_tasks
    from intake.sources.files import read_tasks
    from outputs.store import Store
    from outputs.tables import RawMessage, RecordRow

    tasks = list(read_tasks(paths))      # the files are read before the clock starts
    store = Store(url)
    counts = {"statements": 0, "commits": 0}
    event.listen(store.engine, "before_cursor_execute", lambda *a: counts.__setitem__("statements", counts["statements"] + 1))
    event.listen(store.engine, "commit", lambda *a: counts.__setitem__("commits", counts["commits"] + 1))
    try:
        start = time.perf_counter()
        stored = store_tasks(store, tasks, batch=batch)
        stored_s = time.perf_counter() - start
        start = time.perf_counter()
        summary = process_raw_ids(store, executor.map, stored.raw_ids, batch=batch)
        read_s = time.perf_counter() - start
        spent = dict(counts)
        with store.session(read=True) as s:
            records = s.scalar(select(func.count()).select_from(RecordRow))
            distinct = s.scalar(select(func.count(func.distinct(RecordRow.raw_message_id))))
            raws = s.scalar(select(func.count()).select_from(RawMessage))
    finally:
        store.close()
    return {"stored_s": stored_s, "read_s": read_s, "processed": summary.processed, "failed": summary.failed,
            "records": records, "distinct": distinct, "raws": raws, **spent}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    import logging
    logging.basicConfig(level=logging.WARNING)

    from bench_mail import make_mail
    from foundation.config import load_config
    from intake.executor import Executor

    load_start = open("/proc/loadavg").read().split()[:3]
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with Executor(load_config(None), workers=1) as executor:
            for name, make in databases(not args.no_postgres, tmp):
                for batch in args.batch:
                    run = uuid.uuid4().hex[:6]   # new Message-IDs, new bytes: nothing known from a previous case
                    folder = tmp / f"mails-{run}"
                    folder.mkdir()
                    paths = []
                    for number in range(args.mails):
                        path = folder / f"{number:05d}.eml"
                        path.write_bytes(make_mail(number, run, None))
                        paths.append(str(path))
                    url, schema = make(run)
                    try:
                        rows.append((name, batch, run_case(url, paths, batch, executor)))
                    finally:
                        drop(schema)
                    print(f"  done: {name} batch {batch}", file=sys.stderr)
    load_end = open("/proc/loadavg").read().split()[:3]
    n = args.mails
    print(f"{n} text mails, one sandboxed reader; load average {' '.join(load_start)} at start, "
          f"{' '.join(load_end)} at end\n")
    print("| database | batch | store msg/s | read+save msg/s | overall msg/s | statements/msg | commits/msg | "
          "records / distinct raws / raws | failed |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|")
    for name, batch, r in rows:
        total = r["stored_s"] + r["read_s"]
        print(f"| {name} | {batch} | {n / r['stored_s']:.0f} | {n / r['read_s']:.1f} | {n / total:.1f} | "
              f"{r['statements'] / n:.1f} | {r['commits'] / n:.2f} | {r['records']} / {r['distinct']} / {r['raws']} | "
              f"{r['failed']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
