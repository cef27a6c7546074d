"""`intake ingest`: store every message first, then read them in Date order and route them against the store.

Why this order: the raw bytes are committed before any reading, so a crash, a timeout or a database error
while reading loses nothing (the raw stays `pending` or `failed` and is read again by the next run). The
contract takes messages in the order of their Date header (file modification time when there is none;
fax files have none, so their arrival time counts), whatever the order of the paths: the first copy of an
order opens the dossier, later copies are attached as duplicates.

Running twice on the same input changes nothing: a raw already processed is skipped (no new row, no new
event). The same `process_pending` serves the IMAP poller and the fax folder after they stored raws.
"""
from __future__ import annotations

import logging
from collections import Counter
from typing import Callable, Iterable, Iterator, Optional

from intake.errors import DatabaseError
from intake.executor import Task
from intake.pipeline import Processed

log = logging.getLogger(__name__)

# Anything that turns tasks into results in the same order: `Executor.map`, or a plain function in tests.
Processor = Callable[[Iterable[Task]], Iterator[Processed]]


def store_tasks(store, tasks: Iterable[Task], kind: str = "file", mailbox: Optional[str] = None) -> tuple[list[int], int, int]:
    """Commit each raw message before anything reads it: (raw ids to read, new, already stored)."""
    todo: list[int] = []
    new = known = 0
    seen: set[int] = set()
    for task in tasks:
        raw_id, created = store.add_raw(task.raw, task.source, kind, mailbox=mailbox)
        if created:
            new += 1
        else:
            known += 1
        if raw_id not in seen:
            seen.add(raw_id)
            todo.append(raw_id)
    return todo, new, known


def process_raw_ids(store, processor: Processor, raw_ids: list[int]) -> dict:
    """Read the given raws (in the order given) and save each result; one failure does not stop the run.

    Returns counts: processed, failed, and per decision.
    """
    decisions: Counter = Counter()
    processed = failed = 0

    def tasks() -> Iterator[Task]:
        for raw_id in raw_ids:
            raw, source = store.load_raw(raw_id)
            yield Task(raw=raw, source=source)

    for position, done in enumerate(processor(tasks())):
        raw_id = raw_ids[position]
        try:
            store.save_processed(raw_id, done)
        except Exception as error:  # noqa: BLE001 - one message's failure is recorded, the run goes on
            log.warning("storing message %s (%s) failed: %s", raw_id, done.record.source.uri, error)
            try:
                store.mark_failed(raw_id, f"{type(error).__name__}: {error}")
            except DatabaseError:
                raise  # the database itself is gone: stop; every raw not processed stays to read again
            failed += 1
            continue
        processed += 1
        decision = _stored_decision(store, raw_id, done)
        decisions.update([decision])
        record = done.record
        log.info("message read", extra={"raw_id": raw_id, "uri": record.source.uri,
                                        "message_id": record.source.message_id, "channel": record.channel,
                                        "decision": decision, "reasons": ",".join(record.reasons)})
    return {"processed": processed, "failed": failed, "decisions": {k: v for k, v in decisions.items() if v}}


def _stored_decision(store, raw_id: int, done: Processed) -> str:
    """The decision after routing (a duplicate becomes `attach`): read back, cheap by primary key."""
    from sqlalchemy import select

    from outputs.models import RecordRow
    with store.session(read=True) as s:
        decision = s.scalar(select(RecordRow.decision).where(RecordRow.raw_message_id == raw_id))
    return decision or done.record.decision


def process_pending(store, executor, limit: int = 100, include_failed: bool = False) -> dict:
    """Read the store's pending raws, oldest Date first (used by the IMAP poller and the fax folder)."""
    raw_ids = store.pending_raw_ids(limit=limit, include_failed=include_failed)
    processor = executor.map if hasattr(executor, "map") else executor
    return process_raw_ids(store, processor, raw_ids)


def ingest_tasks(store, tasks: Iterable[Task], processor: Processor, kind: str = "file") -> dict:
    """Store the tasks, then read and route those not yet processed (and earlier failures), in Date order."""
    stored, new, known = store_tasks(store, tasks, kind=kind)
    todo = store.pending_raw_ids(limit=0, include_failed=True, among=stored)
    summary = process_raw_ids(store, processor, todo)
    summary.update(messages=len(stored), new=new, skipped=len(stored) - len(todo), already_stored=known)
    return summary


def ingest_paths(paths: list[str], database_url: str, config_path: Optional[str] = None, workers: int = 1) -> dict:
    """`intake ingest PATH... --database URL`: returns a summary (messages, new, skipped, per decision...)."""
    from intake.config import load_config
    from intake.executor import Executor
    from intake.sources.files import read_tasks
    from outputs.store import Store

    config = load_config(config_path)
    store = Store(database_url)
    try:
        with Executor(config, workers=workers) as executor:
            return ingest_tasks(store, read_tasks(paths), executor.map)
    finally:
        store.close()
