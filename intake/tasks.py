"""Celery: the same reading scaled out over machines, for big archives or heavy mail days.

The embedded default (`intake run`) needs none of this, and importing this module connects to nothing.
With a broker (INTAKE_BROKER_URL, default redis://127.0.0.1:6379/0):

    celery -A intake.tasks worker --pool=prefork -c 2
    python -m intake.tasks enqueue-pending --database URL        # every stored raw not read yet
    python -m intake.tasks enqueue-folder PATH... --database URL  # store every file, then read them
    intake reprocess ARCHIVE... --database URL --celery           # the same, Maildir included
    intake reprocess --from-store --config NEW.yaml --celery      # one `redecide_record` per stored record

`process_raw(raw_id, database_url)` loads the raw from the store, runs the pure pipeline in the task's
process and saves the record. It is idempotent: a raw already processed is skipped, and a row lock
(`claim`) makes two workers given the same id (a redelivery after a worker died, a double enqueue) read it
once. Late acknowledgement: a worker killed mid-task leaves its message in the broker for another worker.
"""
from __future__ import annotations

import argparse
import functools
import logging
import sys
from typing import Iterable, Optional, Sequence

from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown

from intake.mailboxes import SourceSettings

log = logging.getLogger(__name__)

app = Celery("intake")
_settings = SourceSettings()
app.conf.update(
    broker_url=_settings.broker_url,
    task_default_queue=_settings.celery_queue,
    task_acks_late=True,                 # a task lost with its worker is delivered again
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,        # one long OCR task does not hold others hostage
    task_serializer="json", accept_content=["json"], result_backend=None, task_ignore_result=True,
    broker_connection_retry_on_startup=True,
)


@worker_process_init.connect
def _allow_reader_children(**_kwargs) -> None:
    """Prefork pool children are marked daemonic, and multiprocessing refuses children to daemonic
    processes; but the sandboxed reader (intake.executor) must fork one. Its reader is itself daemonic,
    so it still dies with the pool child: nothing outlives the worker."""
    import multiprocessing
    multiprocessing.current_process()._config["daemon"] = False  # type: ignore[attr-defined]


@worker_process_shutdown.connect
def _end_reader_children(**_kwargs) -> None:
    """A pool child that ends takes its sandboxed readers with it: a reader holds both ends of its pipe
    (fork), so it would never see the pipe close and would outlive the worker as an orphan."""
    for executor in list(_EXECUTORS.values()):
        try:
            executor.close()
        except Exception:  # noqa: BLE001 - best effort while the process ends
            pass
    _EXECUTORS.clear()


_EXECUTORS: dict = {}


@functools.lru_cache(maxsize=4)
def _store(database_url: str):
    from outputs.store import Store
    return Store(database_url)


def _executor(config_path: Optional[str]):
    """One sandboxed reader per Celery process: the deadline and memory ceiling hold here too, and a
    hostile document kills the reader child, not the Celery worker (which would redeliver it forever).
    Ended with the pool child (`_end_reader_children`)."""
    from foundation.config import load_config
    from intake.executor import Executor
    if config_path not in _EXECUTORS:
        _EXECUTORS[config_path] = Executor(load_config(config_path), workers=1)
    return _EXECUTORS[config_path]


def claim(store, raw_id: int, holder: str, ttl_s: float = 900.0) -> bool:
    """Only one worker reads a raw at a time: a lease named after it (released after saving)."""
    return store.acquire_lease(f"raw:{raw_id}", holder, ttl_s)


@app.task(name="intake.process_raw", bind=True, max_retries=3, default_retry_delay=10)
def process_raw(self, raw_id: int, database_url: str, config_path: Optional[str] = None) -> str:
    """Read one stored raw through the pipeline and save its record; returns what happened."""
    from intake.executor import Task
    from outputs.mailboxes import holder_id

    store = _store(database_url)
    if store.raw_status(raw_id) == "processed":
        return "already processed"
    holder = holder_id()
    if not claim(store, raw_id, holder):
        return "being processed by another worker"
    try:
        if store.raw_status(raw_id) == "processed":  # finished by another worker before we claimed it
            return "already processed"
        raw, source = store.load_raw(raw_id)
        done = next(iter(_executor(config_path).map([Task(raw=raw, source=source)])))
        try:
            record_id = store.save_processed(raw_id, done).record_id
        except Exception as error:  # noqa: BLE001
            store.mark_failed(raw_id, f"{type(error).__name__}: {error}")
            raise self.retry(exc=error)
        log.info("message read", extra={"raw_id": raw_id, "record_id": record_id, "uri": source.uri,
                                        "message_id": done.record.source.message_id,
                                        "decision": done.record.decision})
        return done.record.decision
    finally:
        store.release_lease(f"raw:{raw_id}", holder)


def enqueue_pending(database_url: str, include_failed: bool = False, config_path: Optional[str] = None) -> int:
    """Send every stored raw not yet read (oldest Date first) to the workers; returns how many."""
    store = _store(database_url)
    ids = store.pending_raw_ids(limit=10**9, include_failed=include_failed)
    for raw_id in ids:
        process_raw.delay(raw_id, database_url, config_path)
    return len(ids)


@app.task(name="intake.redecide_record", bind=True, max_retries=3, default_retry_delay=10)
def redecide_record(self, record_id: int, database_url: str, config_path: Optional[str] = None,
                    reread: bool = False, actor: str = "reprocess") -> str:
    """Decide one stored record again (`intake reprocess --from-store --celery`) and apply the change as a new
    version (kept when a reviewer touched it); returns the outcome (unchanged, applied, kept, failed)."""
    from foundation.config import load_config
    from intake.reprocess import Filters, redecide
    from outputs.mailboxes import holder_id

    store = _store(database_url)
    holder = holder_id()
    if not store.acquire_lease(f"record:{record_id}", holder, 900.0):
        return "being processed by another worker"
    try:
        result = redecide(store, load_config(config_path), Filters(record_ids=[record_id]), dry_run=False,
                          reread=reread, executor=_executor(config_path) if reread else None, actor=actor,
                          curve=False)
    finally:
        store.release_lease(f"record:{record_id}", holder)
    if result.failed:
        return "failed: " + result.failed[0][1]
    return result.changes[0].outcome if result.changes else "not found"


def enqueue_redecide(database_url: str, filters=None, config_path: Optional[str] = None,
                     reread: bool = False) -> int:
    """Send every stored record matching the filters (intake.reprocess.Filters) to the workers."""
    from intake.reprocess import Filters

    store = _store(database_url)
    ids = [c.record_id for c in store.reprocess_candidates(**vars(filters or Filters()))]
    for record_id in ids:
        redecide_record.delay(record_id, database_url, config_path, reread)
    return len(ids)


def enqueue_paths(paths: Iterable[str], database_url: str, config_path: Optional[str] = None,
                  sources=None) -> int:
    """Reprocess an archive: store every file of the paths (mbox split), then enqueue those not yet read.
    `sources`: paths -> tasks (default `intake.sources.files.read_tasks`; `intake reprocess` adds Maildir)."""
    from intake.ingest import store_tasks
    from intake.sources.files import read_tasks

    store = _store(database_url)
    ids, _new, _known = store_tasks(store, (sources or read_tasks)(list(paths)), kind="file")
    todo = store.pending_raw_ids(limit=0, include_failed=True, among=ids)
    for raw_id in todo:
        process_raw.delay(raw_id, database_url, config_path)
    return len(todo)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intake.tasks", description="enqueue reading work for Celery")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("enqueue-pending")
    p.add_argument("--database", required=True)
    p.add_argument("--config")
    p.add_argument("--include-failed", action="store_true")
    p = sub.add_parser("enqueue-folder")
    p.add_argument("paths", nargs="+")
    p.add_argument("--database", required=True)
    p.add_argument("--config")
    args = parser.parse_args(argv)
    if args.command == "enqueue-pending":
        count = enqueue_pending(args.database, args.include_failed, args.config)
    else:
        count = enqueue_paths(args.paths, args.database, args.config)
    print(f"{count} messages enqueued")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
