"""`intake reprocess --celery`: 1 against 2 Celery workers on an OCR-heavy archive, and the queue's
per-message overhead against in-process reading, on PostgreSQL (127.0.0.1:5432/test) and Redis.

Cases (each on a fresh PostgreSQL schema, the same archive):
  in-process   `intake reprocess ARCHIVE --workers 1` (one sandboxed reader)
  celery xN    `intake reprocess ARCHIVE --celery` with one worker machine running `-c N` prefork children,
               timed from enqueue to the last record saved (worker start-up excluded: it is ready first)
The overhead per message is (celery x1 - in-process) / messages, measured on text mails (no OCR).
Prints a table; nothing is asserted. Every worker started is ended.

    .venv/bin/python bench/bench_reprocess_celery.py [--text 60]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
SAMPLES = REPO / "samples" / "messages"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def archive(folder: Path, name: str, files: list[Path]) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w") as z:
        for number, p in enumerate(files):
            z.writestr(f"box/{number:04d}_{p.name}", p.read_bytes())
    return path


def schema_url() -> tuple[str, str]:
    import psycopg
    schema = "bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return schema, f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"


def drop(schema: str) -> None:
    import psycopg
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def in_process(path: Path) -> tuple[int, float]:
    from foundation.config import load_config
    from intake.executor import Executor
    from intake.ingest import process_raw_ids, store_tasks
    from intake.pipeline import warm_up
    from intake.reprocess import message_sources
    from outputs.store import Store

    schema, url = schema_url()
    try:
        config = load_config()
        warm_up(config)
        with Store(url) as store, Executor(config, workers=1) as executor:
            start = time.perf_counter()
            stored = store_tasks(store, message_sources([str(path)]))
            summary = process_raw_ids(store, executor.map, stored.raw_ids)
            return summary.processed, time.perf_counter() - start
    finally:
        drop(schema)


def with_celery(path: Path, children: int, tmp: Path) -> tuple[int, float]:
    from intake import tasks
    from intake.reprocess import message_sources
    from outputs.store import Store
    from tests.celery_worker import CeleryWorker

    schema, url = schema_url()
    worker = CeleryWorker(tmp / f"worker-{schema}.log", children=children, loglevel="WARNING")
    store = Store(url)
    tasks.app.conf.task_default_queue = worker.queue
    try:
        worker.wait_ready()
        # warm-up: one message per child, so each loads its models (and forks its reader) before the clock
        done = 0
        for number in range(children + 1):
            warm_one = tmp / f"warm-{schema}-{number}.eml"
            warm_one.write_bytes(b"Subject: warm-up %d\r\n\r\nbonjour\r\n" % number)
            done += tasks.enqueue_paths([str(warm_one)], url, sources=message_sources)
        _wait_read(store, done, worker)
        start = time.perf_counter()
        count = tasks.enqueue_paths([str(path)], url, sources=message_sources)
        _wait_read(store, done + count, worker)
        return count, time.perf_counter() - start
    finally:
        leaked = worker.stop()
        if leaked:
            print(f"warning: {len(leaked)} processes outlived the worker (killed)", file=sys.stderr)
        store.close()
        drop(schema)


def _wait_read(store, expected: int, worker) -> None:
    from sqlalchemy import func, select

    from outputs.tables import RawMessage
    start = time.perf_counter()
    while True:
        with store.session(read=True) as s:
            read = s.scalar(select(func.count()).select_from(RawMessage).where(RawMessage.status != "pending"))
        if read >= expected:
            return
        if not worker.alive() or time.perf_counter() - start > 3600:
            raise RuntimeError(worker.log())
        time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", type=int, default=60, help="text mails for the overhead case")
    args = parser.parse_args()
    scans = sorted(p for p in SAMPLES.iterdir() if p.suffix.lower() in (".tif", ".tiff", ".pdf"))
    texts = sorted(SAMPLES.glob("*.eml"))[: args.text]
    print(f"{os.cpu_count()} cores; OCR archive: {len(scans)} faxes/scans; text archive: {len(texts)} mails")
    print()
    print("| archive | run | messages | total s | messages/s | ms / message |")
    print("|---|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ocr, text = archive(tmp, "ocr.zip", scans), archive(tmp, "text.zip", texts)
        results = {}
        for label, path in (("text", text), ("ocr", ocr)):
            runs = [("in-process, 1 reader", lambda p=path: in_process(p)),
                    ("celery, 1 worker", lambda p=path: with_celery(p, 1, tmp))]
            if label == "ocr":
                runs.append(("celery, 2 workers", lambda p=path: with_celery(p, 2, tmp)))
            for name, run in runs:
                n, seconds = run()
                results[(label, name)] = (n, seconds)
                print(f"| {label} | {name} | {n} | {seconds:.2f} | {n / seconds:.2f} | {1000 * seconds / max(n, 1):.0f} |")
    n, base = results[("text", "in-process, 1 reader")]
    _n, queued = results[("text", "celery, 1 worker")]
    one, two = results[("ocr", "celery, 1 worker")][1], results[("ocr", "celery, 2 workers")][1]
    print()
    print(f"queue overhead per text message: {1000 * (queued - base) / max(n, 1):.1f} ms; "
          f"OCR archive, 2 workers against 1: {one / two:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
