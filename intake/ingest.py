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


def store_tasks(store, tasks: Iterable[Task], kind: str = "file", mailbox: Optional[str] = None) -> StoredTasks:
    """Commit each raw message before anything reads it."""
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
    return StoredTasks(todo, new, known)


def process_raw_ids(store, processor: Processor, raw_ids: list[int], watch: Any = None) -> ReadSummary:
    """Read the given raws (in the order given) and save each result; one failure does not stop the run.
    `watch` (intake.progress.IngestWatch): told the count, then each record read with its stored decision."""
    summary = ReadSummary()
    if watch is not None:
        watch.begin(len(raw_ids))

    def tasks() -> Iterator[Task]:
        for raw_id in raw_ids:
            raw, source = store.load_raw(raw_id)
            yield Task(raw=raw, source=source)

    for position, done in enumerate(processor(tasks())):
        raw_id = raw_ids[position]
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
        summary.processed += 1
        decision = saved.decision
        summary.decisions[decision] += 1
        record = done.record
        if watch is not None:
            watch.read(record, decision)
        log.log(logging.DEBUG if watch is not None else logging.INFO, "message read", extra={"raw_id": raw_id, "uri": record.source.uri,
                                        "message_id": record.source.message_id, "channel": record.channel,
                                        "decision": decision, "reasons": ",".join(record.reasons)})
    return summary


def process_pending(store, executor, limit: int = 100, include_failed: bool = False) -> ReadSummary:
    """Read the store's pending raws, oldest Date first (used by the IMAP poller and the fax folder)."""
    raw_ids = store.pending_raw_ids(limit=limit, include_failed=include_failed)
    processor = executor.map if hasattr(executor, "map") else executor
    return process_raw_ids(store, processor, raw_ids)


def ingest_tasks(store, tasks: Iterable[Task], processor: Processor, kind: str = "file",
                 watch: Any = None) -> IngestSummary:
    """Store the tasks, then read and route those not yet processed (and earlier failures), in Date order."""
    stored, new, known = store_tasks(store, tasks, kind=kind)
    todo = store.pending_raw_ids(limit=0, include_failed=True, among=stored)
    summary = IngestSummary(messages=len(stored), new=new, skipped=len(stored) - len(todo), already_stored=known)
    summary.add(process_raw_ids(store, processor, todo, watch=watch))
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
