"""`intake reprocess --celery`: 1 against 2 Celery workers on an OCR-heavy archive, and the queue's
per-message overhead against in-process reading, on PostgreSQL (127.0.0.1:5432/test) and Redis.

Cases (each on a fresh PostgreSQL schema, the same archive):
  in-process   `intake reprocess ARCHIVE --workers 1` (one sandboxed reader)
  celery xN    `intake reprocess ARCHIVE --celery` with one worker machine running `-c N` prefork children,
               timed from enqueue to the last record saved (worker start-up excluded: it is ready first)
The overhead per message is (celery x1 - in-process) / messages, on each archive (text mails: no OCR, so
the queue's own cost shows). The OCR archive is the samples' faxes and scans plus the mails carrying one.
The load average at the start and end of each case is printed beside it.
Prints a table; nothing is asserted. Every worker started is ended.

    .venv/bin/python bench/bench_reprocess_celery.py [--text 60] [--ocr N]
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
    from foundation.models import SourceRef
    from intake.executor import Executor, Task
    from intake.ingest import process_raw_ids, store_tasks
    from intake.pipeline import warm_up
    from intake.reprocess import message_sources
    from outputs.store import Store

    schema, url = schema_url()
    try:
        config = load_config()
        warm_up(config)
        with Store(url) as store, Executor(config, workers=1) as executor:
            # the sandboxed reader is forked and warmed before the clock, as the Celery children are
            list(executor.map([Task(raw=b"Subject: warm-up\r\n\r\nbonjour\r\n", source=SourceRef(uri="warm.eml"))]))
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


def load() -> str:
    return " ".join(open("/proc/loadavg").read().split()[:3])


def ocr_files(limit: int) -> list[Path]:
    """The samples' faxes and scans, and their mails carrying a fax or scan image (all read by Tesseract)."""
    scans = sorted(p for p in SAMPLES.iterdir() if p.suffix.lower() in (".tif", ".tiff", ".pdf"))
    mails = sorted(p for p in SAMPLES.glob("*.eml") if b"Content-Type: image/" in p.read_bytes())
    files = scans + mails
    return files[:limit] if limit else files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", type=int, default=60, help="text mails for the overhead case")
    parser.add_argument("--ocr", type=int, default=0, help="at most this many OCR files (0: all)")
    args = parser.parse_args()
    scans = ocr_files(args.ocr)
    texts = [p for p in sorted(SAMPLES.glob("*.eml"))
             if b"Content-Type: image/" not in p.read_bytes() and b"application/pdf" not in p.read_bytes()][: args.text]
    print(f"{os.cpu_count()} cores; OCR archive: {len(scans)} faxes/scans and mails with one; "
          f"text archive: {len(texts)} mails without image or PDF", file=sys.stderr)
    results: dict[tuple[str, str], tuple[int, float, str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ocr, text = archive(tmp, "ocr.zip", scans), archive(tmp, "text.zip", texts)
        for label, path in (("text", text), ("ocr", ocr)):
            runs = [("in-process", lambda p=path: in_process(p)),
                    ("celery, 1 worker", lambda p=path: with_celery(p, 1, tmp)),
                    ("celery, 2 workers", lambda p=path: with_celery(p, 2, tmp))]
            for name, run in runs:
                before = load()
                n, seconds = run()
                results[(label, name)] = (n, seconds, before, load())
                print(f"  done: {label} {name}", file=sys.stderr)
    print(f"\n{os.cpu_count()} cores; PostgreSQL 127.0.0.1:5432 + Redis; OCR archive {len(scans)} files, "
          f"text archive {len(texts)} mails\n")
    print("| archive | run | messages | seconds | msg/s | speed-up vs in-process | speed-up vs 1 worker | "
          "queue overhead ms/msg | load at start | load at end |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---|")
    for label in ("text", "ocr"):
        base_n, base_s = results[(label, "in-process")][:2]
        one_s = results[(label, "celery, 1 worker")][1]
        for name in ("in-process", "celery, 1 worker", "celery, 2 workers"):
            n, seconds, before, after = results[(label, name)]
            overhead = f"{1000 * (seconds - base_s) / max(n, 1):.1f}" if name == "celery, 1 worker" else ""
            vs_one = f"{one_s / seconds:.2f}x" if name != "in-process" else ""
            print(f"| {label} | {name} | {n} | {seconds:.2f} | {n / seconds:.2f} | {base_s / seconds:.2f}x | "
                  f"{vs_one} | {overhead} | {before} | {after} |")
    print("\nqueue overhead per message = (celery 1 worker - in-process) / messages, on the same archive; "
          "a load at start above the core count means the figures are not a result")
    return 0


if __name__ == "__main__":
    sys.exit(main())
