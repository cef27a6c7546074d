"""The service one process runs: store, sources, executor, leases, outage guard, and one method per job
(poll a mailbox, poll a fax folder, read what came, follow-ups, webhooks). `scheduler.py` puts these jobs on
APScheduler and beside the portal; `intake poll` calls them once.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator, Optional

from intake.ingest import ReadSummary, process_raw_ids
from intake.outage import DatabaseHealth, is_database_error, short_error as _short
from intake.mailboxes import FaxDirConfig, MailboxConfig, SourceSettings, Sources, load_sources
from intake.service_report import fax_row, imap_rows

log = logging.getLogger("intake.scheduler")

PROCESS_CHUNK = 10            # raws read between two looks at the stop flag
MAX_ATTEMPTS = 3              # a raw that failed this many times stays `failed` (visible in `intake status`)
HEARTBEAT_S = 30.0            # how often a held lease checks it is still held


class Service:
    """Everything one process needs to poll and read: store, sources, executor (made on first use), stop flag."""

    def __init__(self, database_url: str, config_path: Optional[str] = None, workers: Optional[int] = None,
                 sources: Optional[Sources] = None):
        from outputs.mailboxes import StateTables, holder_id
        from outputs.store import Store

        self.database_url = database_url
        self.config_path = config_path
        self.settings = SourceSettings()
        self.sources = sources if sources is not None else load_sources(config_path)
        self.store = Store(database_url)
        self.state = StateTables(self.store.engine)
        self.holder = holder_id()
        self.stop = threading.Event()
        self.workers = workers
        self._executor = None
        self._webhooks = None
        self._box_locks: dict[str, threading.Lock] = {}
        self._read_wanted = threading.Event()
        self._reader: Optional[threading.Thread] = None
        self._process_lock = threading.Lock()
        self._fax_pollers: dict[str, Any] = {}
        self._failures: dict[str, int] = {}
        self.poll_rows: list = []          # intake.service_report.PollRow per folder polled (`intake poll`'s table)
        self._not_before: dict[str, float] = {}
        self.database = DatabaseHealth()

    # ----------------------------------------------------------------- leases

    @contextmanager
    def lease(self, name: str, ttl_s: float) -> Iterator[bool]:
        """Hold the named lease for the block; yields False if a live process holds it.

        The lease frees itself when its holder dies (a PostgreSQL session advisory lock, an flock beside
        the SQLite file: outputs/leases.py), so a restart after a crash polls at once. A thread checks every
        HEARTBEAT_S that it is still held. Raises DatabaseError when the database cannot be reached."""
        held = self.store.take_lease(name, self.holder, ttl_s)
        if held is None:
            yield False
            return
        done = threading.Event()

        def heartbeat() -> None:
            lost = False
            while not done.wait(min(HEARTBEAT_S, ttl_s / 3)):
                try:
                    alive = held.alive()
                except Exception:  # noqa: BLE001 - a row lease whose renewal failed
                    alive = False
                if not alive and not lost and not done.is_set():
                    lost = True
                    log.error("lease lost while working", extra={"lease": name})

        beat = threading.Thread(target=heartbeat, name=f"lease:{name}", daemon=True)
        beat.start()
        try:
            yield True
        finally:
            done.set()
            beat.join(5)
            held.release()

    # ----------------------------------------------------------------- back-off per source, and the database

    def _due(self, key: str) -> bool:
        return time.monotonic() >= self._not_before.get(key, 0.0)

    def _failed(self, key: str, interval_s: float) -> None:
        from intake.sources.imap import backoff_delay
        from outputs.metrics import POLL_ERRORS
        POLL_ERRORS.labels(source=key).inc()
        self._failures[key] = self._failures.get(key, 0) + 1
        delay = backoff_delay(self._failures[key], base=interval_s, cap=max(interval_s, 1800.0))
        self._not_before[key] = time.monotonic() + delay - interval_s  # the next tick comes after interval_s anyway

    def _succeeded(self, key: str) -> None:
        self._failures.pop(key, None)
        self._not_before.pop(key, None)

    @contextmanager
    def database_guard(self) -> Iterator[None]:
        """Around each job: a database failure is one warning per outage and a back-off, not a traceback
        per job; the first job that gets through again says so in one line."""
        try:
            yield
        except Exception as error:
            if not is_database_error(error):
                raise
            self.database.failed(error)
        else:
            self.database.answered()

    # ----------------------------------------------------------------- jobs

    def poll_mailbox(self, box: MailboxConfig) -> int:
        """One poll of one mailbox under its lease; returns the number of new raws stored (0 when skipped),
        also when the poll failed part-way."""
        return self.try_poll_mailbox(box) or 0

    def try_poll_mailbox(self, box: MailboxConfig) -> Optional[int]:
        """The poll; None when it could not run now because another thread or process is polling this mailbox
        (the IDLE watcher then tries again: its news must not be lost)."""
        key = f"imap:{box.authority()}"
        if self.stop.is_set() or not self._due(key) or not self.database.due():
            return 0
        lock = self._box_locks.setdefault(key, threading.Lock())  # interval job and IDLE watcher, one process
        if not lock.acquire(blocking=False):
            return None
        progress: dict[str, Any] = {}
        try:
            with self.database_guard():
                return self._poll_mailbox(box, key, progress)
            return _stored(progress)
        finally:
            lock.release()

    def _poll_mailbox(self, box: MailboxConfig, key: str, progress: dict[str, Any]) -> Optional[int]:
        from intake.sources.imap import poll_mailbox

        with self.lease(f"poll:{key}", ttl_s=max(120.0, 3 * box.interval_s)) as mine:
            if not mine:
                log.info("mailbox is being polled by another process; skipped", extra={"mailbox": box.label})
                return None
            try:
                if box.kind == "graph":   # Microsoft Graph (intake/sources/graph.py), same exactly-once order
                    from intake.sources.graph import poll_graph
                    poll_graph(box, self.store, self.state, stop=self.stop, progress=progress)
                else:
                    poll_mailbox(box, self.store, self.state, stop=self.stop, progress=progress)
            except Exception as error:  # noqa: BLE001 - logged, retried later with back-off
                if is_database_error(error):
                    raise
                self.poll_rows += imap_rows(box, progress, failed=_short(error))
                self._failed(key, box.interval_s)
                log.error("mailbox poll failed", extra={"mailbox": box.label, "error": _short(error),
                                                       "stored": _stored(progress),
                                                       "failures": self._failures[key]})
                return _stored(progress)
        self.poll_rows += imap_rows(box, progress)
        self._succeeded(key)
        return _stored(progress)

    def on_idle_news(self, box: MailboxConfig) -> bool:
        """An IDLE watcher saw new mail: poll that mailbox now and read what came. False = try again."""
        if self.try_poll_mailbox(box) is None:
            return False
        self._read_wanted.set()       # read in the reader thread: the watcher goes straight back to IDLE
        if self._reader is None:
            self._reader = threading.Thread(target=self._read_loop, name="idle-reader", daemon=True)
            self._reader.start()
        return True

    def _read_loop(self) -> None:
        while not self.stop.is_set():
            if self._read_wanted.wait(1.0):
                self._read_wanted.clear()
                try:
                    self.process_pending()
                except Exception as error:  # noqa: BLE001 - logged; the interval job reads again later
                    log.error("reading after IDLE news failed", extra={"error": _short(error)})

    def start_idle_watchers(self) -> list:
        """One IMAP IDLE watcher per folder of each mailbox with `idle: true` (intake/sources/imap_idle.py)."""
        from intake.sources.imap_idle import start_watchers
        return start_watchers(self.sources.mailboxes, self.on_idle_news, self.stop, self.store)

    def poll_fax(self, fax: FaxDirConfig) -> int:
        from intake.sources.fax import FaxPoller

        poller = self._fax_pollers.get(fax.path)
        if poller is None:
            poller = self._fax_pollers[fax.path] = FaxPoller(fax, self.store, self.state, stop=self.stop)
        if self.stop.is_set() or not self._due(poller.key) or not self.database.due():
            return 0
        from intake.sources.fax import FaxResult
        progress = FaxResult(key=poller.key)
        with self.database_guard():
            return self._poll_fax(fax, poller, progress)
        return progress.stored

    def _poll_fax(self, fax: FaxDirConfig, poller: Any, progress: Any) -> int:
        with self.lease(f"poll:{poller.key}", ttl_s=max(120.0, 3 * fax.interval_s)) as mine:
            if not mine:
                return 0
            try:
                result = poller.poll(progress)
                self.state.polled(poller.key, "; ".join(result.errors) or None)
            except Exception as error:  # noqa: BLE001
                if is_database_error(error):
                    raise
                self._failed(poller.key, fax.interval_s)
                log.error("fax folder poll failed", extra={"folder": fax.path, "error": _short(error),
                                                           "stored": progress.stored})
                self.state.polled(poller.key, _short(error))
                self.poll_rows.append(fax_row(fax.path, progress, failed=True))
                return progress.stored
        self.poll_rows.append(fax_row(fax.path, result))
        self._succeeded(poller.key)
        return result.stored

    def executor(self):
        if self._executor is None:
            from foundation.config import load_config
            from intake.executor import Executor, default_workers
            self._executor = Executor(load_config(self.config_path),
                                      workers=self.workers if self.workers is not None else default_workers())
        return self._executor

    def process_pending(self, limit: Optional[int] = None) -> "ReadSummary":
        """Read pending raws (and earlier failures below the attempt limit), a few at a time.

        Only one thread per process reads at a time (others return at once), and only one process per
        database (a lease), so a raw is never read twice concurrently."""
        total = ReadSummary()
        if not self.database.due() or not self._process_lock.acquire(blocking=False):
            return total
        try:
            with self.database_guard():
                self._process_pending(limit, total)
        finally:
            self._process_lock.release()
        if total.processed or total.failed:
            log.info("messages read", extra=total.as_dict())
        return total

    def _process_pending(self, limit: Optional[int], total: "ReadSummary") -> None:
        with self.lease("process-pending", ttl_s=600.0) as mine:
            if not mine:
                return
            budget = limit if limit is not None else self.settings.process_limit
            retried: set[int] = set()
            while budget > 0 and not self.stop.is_set():
                ids = self.store.pending_raw_ids(limit=min(PROCESS_CHUNK, budget))
                if not ids:
                    ids = [i for i in self._retryable() if i not in retried][:min(PROCESS_CHUNK, budget)]
                    retried.update(ids)
                if not ids:
                    break
                done = process_raw_ids(self.store, self.executor().map, ids)
                budget -= len(ids)
                total.add(done)

    def _retryable(self) -> list[int]:
        return self.store.retryable_raw_ids(max_attempts=MAX_ATTEMPTS, limit=100)

    def poll_all(self) -> int:
        """One round: every mailbox, every fax folder, then read what came."""
        new = 0
        for box in self.sources.mailboxes:
            new += self.poll_mailbox(box)
        for fax in self.sources.fax_dirs:
            new += self.poll_fax(fax)
        return new

    def reminders(self) -> int:
        """The insured's follow-up (intake/followup.py, seed 003): calls due, three reminders, then an SMS through
        the gateway (INTAKE_SMS_*) and *waiting for client* for a week. Returns the steps taken."""
        from foundation.config import load_config
        from intake.followup import FollowupEngine, followup_settings
        from intake.insured_mail import mailer_from_env
        from intake.sms import gateway_from_env

        settings = followup_settings(load_config(self.config_path))
        if not self.database.due():
            return 0
        taken = 0
        with self.database_guard():
            with self.lease("reminders", ttl_s=300.0) as mine:
                if not mine:
                    return 0
                gateway, mailer = gateway_from_env(), mailer_from_env()
                try:
                    taken = FollowupEngine(self.store, settings, gateway, mailer).run(stop=self.stop)
                finally:
                    if gateway is not None:
                        gateway.close()
        if taken:
            log.info("follow-up steps taken", extra={"steps": taken})
        return taken

    def deliver_webhooks(self) -> int:
        """One round of the webhook worker (intake/webhooks.py) under a lease: one deliverer per database."""
        from intake.webhooks import WebhookWorker, webhook_settings

        if self._webhooks is None:
            from foundation.config import load_config
            self._webhooks = WebhookWorker(self.store, webhook_settings(load_config(self.config_path)))
        if not self._webhooks.targets or not self.database.due():
            return 0
        delivered = 0
        with self.database_guard():
            with self.lease("webhooks", ttl_s=max(120.0, 3 * self._webhooks.settings.timeout_s)) as mine:
                if not mine:
                    return 0
                delivered = self._webhooks.run_round(stop=self.stop).delivered
        return delivered

    def close(self) -> None:
        if self._reader is not None:
            self.stop.set()
            self._reader.join(60)
        if self._executor is not None:
            self._executor.close()
        if self._webhooks is not None:
            self._webhooks.close()
        self.store.close()


def _stored(progress: dict[str, Any]) -> int:
    return sum(result.stored for result in progress.values())



# --------------------------------------------------------------------------- entry points
