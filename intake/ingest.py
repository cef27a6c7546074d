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
import queue
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Optional

from foundation.errors import DatabaseError
from foundation.models import Processed
from intake.executor import Task

log = logging.getLogger(__name__)

# Anything that turns tasks into results in the same order: `Executor.map`, or a plain function in tests.
Processor = Callable[[Iterable[Task]], Iterator[Processed]]


@dataclass
class ReadSummary:
    """What one round of reading stored raws did: messages read and saved, failures, decisions after routing."""
    processed: int = 0
    failed: int = 0
    decisions: Counter = field(default_factory=Counter)

    def add(self, other: "ReadSummary") -> None:
        self.processed += other.processed
        self.failed += other.failed
        self.decisions.update(other.decisions)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["decisions"] = {k: v for k, v in self.decisions.items() if v}
        return out


@dataclass
class IngestSummary(ReadSummary):
    """`intake ingest`: messages offered, newly stored, skipped (already read), already stored before."""
    messages: int = 0
    new: int = 0
    skipped: int = 0
    already_stored: int = 0


class StoredTasks(NamedTuple):
    raw_ids: list[int]      # the raws to read, each once, in the order offered
    new: int                # newly stored
    known: int              # already in the store (same bytes)


BATCH = 50   # messages per transaction when storing raws and saving records (1: one commit per message)
BATCH_SECONDS = 1.0   # a batch read slowly (OCR) is saved once its first result has waited this long


def store_tasks(store, tasks: Iterable[Task], kind: str = "file", mailbox: Optional[str] = None,
                batch: int = BATCH) -> StoredTasks:
    """Commit each raw message before anything reads it (`batch` of them per transaction)."""
    from outputs.ledger import NewRaw

    todo: list[int] = []
    new = known = 0
    seen: set[int] = set()
    pending: list[NewRaw] = []

    def flush() -> None:
        nonlocal new, known
        results = store.add_raws(pending) if batch > 1 else [
            store.add_raw(p.raw, p.source, p.kind, mailbox=p.mailbox) for p in pending]
        pending.clear()
        for raw_id, created in results:
            if created:
                new += 1
            else:
                known += 1
            if raw_id not in seen:
                seen.add(raw_id)
                todo.append(raw_id)

    for task in tasks:
        pending.append(NewRaw(task.raw, task.source, kind, mailbox))
        if len(pending) >= max(1, batch):
            flush()
    if pending:
        flush()
    return StoredTasks(todo, new, known)


def process_raw_ids(store, processor: Processor, raw_ids: list[int], watch: Any = None,
                    batch: int = BATCH) -> ReadSummary:
    """Read the given raws (in the order given) and save each result; one failure does not stop the run.
    `watch` (intake.progress.IngestWatch): told the count, then each record read with its stored decision.

    Results are saved `batch` at a time in one transaction (`save_processed_many`); when that transaction
    fails, the batch (rolled back whole) is saved again one message at a time, so a bad message is marked
    failed alone and no record is stored twice. A crash before the batch's commit leaves its raws pending."""
    summary = ReadSummary()
    if watch is not None:
        watch.begin(len(raw_ids))
    size = max(1, batch)

    def tasks() -> Iterator[Task]:
        for start in range(0, len(raw_ids), size):
            chunk = raw_ids[start:start + size]
            loaded = store.load_raws(chunk) if size > 1 else {}
            for raw_id in chunk:
                raw, source = loaded[raw_id] if raw_id in loaded else store.load_raw(raw_id)
                yield Task(raw=raw, source=source)

    saver = _Saver(store, summary, watch, background=size > 1)
    pending: list[tuple[int, Processed]] = []
    first_at = 0.0
    try:
        for position, done in enumerate(processor(tasks())):
            if not pending:
                first_at = time.monotonic()
            pending.append((raw_ids[position], done))
            if len(pending) >= size or time.monotonic() - first_at >= BATCH_SECONDS:
                saver.put(pending)
                pending = []
    finally:
        error = sys.exc_info()[1]
        if pending and (error is None or isinstance(error, Exception)):
            saver.put(pending)   # what was read is saved before an error goes on
        saver.close()
    return summary


class _Saver:
    """Saves the batches in order: in a thread of its own when `background` (the reader reads the next batch
    meanwhile), else at once. A database error stops it: the batches after it are not saved (their raws stay
    pending) and the error is raised to the reading loop."""

    def __init__(self, store, summary: ReadSummary, watch: Any, background: bool):
        self.store, self.summary, self.watch = store, summary, watch
        self.error: Optional[BaseException] = None
        self.queue: Optional[queue.Queue] = queue.Queue(maxsize=1) if background else None
        self.thread: Optional[threading.Thread] = None
        if background:
            self.thread = threading.Thread(target=self._run, name="ingest-saver", daemon=True)
            self.thread.start()

    def put(self, items: list[tuple[int, Processed]]) -> None:
        if self.error is not None:
            raise self.error
        if self.queue is None:
            _save_batch(self.store, items, self.summary, self.watch)
        else:
            self.queue.put(items)

    def _run(self) -> None:
        while True:
            items = self.queue.get()
            if items is None:
                return
            if self.error is None:
                try:
                    _save_batch(self.store, items, self.summary, self.watch)
                except BaseException as error:  # noqa: BLE001 - raised again by put/close in the reading loop
                    self.error = error

    def close(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None and sys.exc_info()[1] is None:
            raise self.error


def _save_batch(store, items: list[tuple[int, Processed]], summary: ReadSummary, watch: Any) -> None:
    if len(items) > 1:
        try:
            saved_all = store.save_processed_many(items)
        except DatabaseError as error:
            log.warning("saving a batch of %d messages failed (%s): one by one", len(items), error)
        except Exception as error:  # noqa: BLE001 - one bad message in the batch: each saved alone below
            log.info("saving a batch of %d messages failed (%s: %s): one by one", len(items),
                     type(error).__name__, error)
        else:
            for (raw_id, done), saved in zip(items, saved_all):
                _saved(summary, watch, raw_id, done, saved.decision)
            return
    for raw_id, done in items:
        try:
            saved = store.save_processed(raw_id, done)
        except Exception as error:  # noqa: BLE001 - one message's failure is recorded, the run goes on
            log.warning("storing message %s (%s) failed: %s", raw_id, done.record.source.uri, error)
            try:
                store.mark_failed(raw_id, f"{type(error).__name__}: {error}")
            except DatabaseError:
                raise  # the database itself is gone: stop; every raw not processed stays to read again
            summary.failed += 1
            if watch is not None:
                watch.read(done.record, "failed")
            continue
        _saved(summary, watch, raw_id, done, saved.decision)


def _saved(summary: ReadSummary, watch: Any, raw_id: int, done: Processed, decision: str) -> None:
    summary.processed += 1
    summary.decisions[decision] += 1
    record = done.record
    if watch is not None:
        watch.read(record, decision)
    log.log(logging.DEBUG if watch is not None else logging.INFO, "message read", extra={
        "raw_id": raw_id, "uri": record.source.uri, "message_id": record.source.message_id,
        "channel": record.channel, "decision": decision, "reasons": ",".join(record.reasons)})


def process_pending(store, executor, limit: int = 100, include_failed: bool = False) -> ReadSummary:
    """Read the store's pending raws, oldest Date first (used by the IMAP poller and the fax folder)."""
    raw_ids = store.pending_raw_ids(limit=limit, include_failed=include_failed)
    processor = executor.map if hasattr(executor, "map") else executor
    return process_raw_ids(store, processor, raw_ids)


def ingest_tasks(store, tasks: Iterable[Task], processor: Processor, kind: str = "file",
                 watch: Any = None, batch: int = BATCH) -> IngestSummary:
    """Store the tasks, then read and route those not yet processed (and earlier failures), in Date order."""
    stored, new, known = store_tasks(store, tasks, kind=kind, batch=batch)
    todo = store.pending_raw_ids(limit=0, include_failed=True, among=stored)
    summary = IngestSummary(messages=len(stored), new=new, skipped=len(stored) - len(todo), already_stored=known)
    summary.add(process_raw_ids(store, processor, todo, watch=watch, batch=batch))
    return summary


def ingest_paths(paths: list[str], database_url: str, config_path: Optional[str] = None,
                 workers: int = 1, watch: Any = None) -> IngestSummary:
    """`intake ingest PATH... --database URL`: returns a summary (messages, new, skipped, per decision...)."""
    from foundation.config import load_config
    from intake.executor import Executor
    from intake.sources.files import read_tasks
    from outputs.store import Store

    config = load_config(config_path)
    store = Store(database_url)
    try:
        with Executor(config, workers=workers) as executor:
            return ingest_tasks(store, read_tasks(paths), executor.map, watch=watch)
    finally:
        store.close()
