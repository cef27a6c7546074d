"""The mailbox door: new mail of each configured IMAP folder into the store, exactly once.

The order of operations is the whole design:
  1. fetch a bounded batch with BODY.PEEK[] (nothing marked read on the server) + INTERNALDATE;
  2. store the raw bytes, de-duplicated by sha256 (and by Message-ID after a UIDVALIDITY change), COMMIT;
  3. record the last UID reached in `mailbox_state`;
  4. only then move the messages away (MOVE, else COPY + \\Deleted + UID EXPUNGE) or flag them.
A crash between 2 and 4 leaves stored mail on the server: the next poll sees it at or below `last_uid`
and only finishes moving it. A crash before 2 leaves it untouched. So every message ends up in the store
once and nowhere is mail lost. Mail already read by a person (\\Seen) is taken too: the search is by UID
range, never UNSEEN.
"""
from __future__ import annotations

import logging
import ssl
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, Optional, Sequence

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from foundation.errors import MailboxError
from intake.mailboxes import MailboxConfig
from foundation.models import SourceRef
from foundation.record import sha256_hex
from outputs.mailboxes import StateTables
from intake.sources.imap_connect import _logout, _text, connect, ssl_context  # noqa: F401 - the door's connection
from intake.sources.imap_responses import _identity, _message_id

log = logging.getLogger(__name__)

MAX_FETCH_ATTEMPTS = 3          # a message the server cannot deliver is skipped after this many polls
RECONNECTS_PER_POLL = 3         # drops survived within one poll before giving up until the next one
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 300.0

# Errors that mean "the connection is gone or unusable": reconnect and go on.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (IMAPClient.AbortError, OSError, ssl.SSLError)

# What a message looks like, fetched with its body and again just before it is moved (compared like with like).
IDENTITY = ["RFC822.SIZE", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]
IDENTITY_KEYS = (b"RFC822.SIZE", b"BODY[HEADER.FIELDS (MESSAGE-ID)]")

_SYSTEM_FLAG_SEARCH = {"\\seen": "SEEN", "\\flagged": "FLAGGED", "\\answered": "ANSWERED", "\\draft": "DRAFT"}


def backoff_delay(failures: int, base: float = BACKOFF_BASE_S, cap: float = BACKOFF_MAX_S) -> float:
    """Exponential back-off: base, 2 base, 4 base ... capped; `failures` counts from 1."""
    return min(cap, base * (2 ** max(0, failures - 1)))


@dataclass
class FolderResult:
    """What one poll of one folder did (for logs, `intake status` and tests)."""
    key: str
    uidvalidity: Optional[int] = None
    rescanned: bool = False
    seen: int = 0            # new UIDs found
    stored: int = 0          # raws created in the store
    duplicates: int = 0      # already stored (same bytes, or same Message-ID after a UIDVALIDITY change)
    finished: int = 0        # moved or flagged on the server
    skipped: list[int] = field(default_factory=list)   # UIDs given up on (server cannot deliver them)
    error: Optional[str] = None   # this folder could not be polled (missing, changed under the session)


class FolderChanged(MailboxError):
    """The selected folder is no longer the one whose UIDs we hold (deleted and recreated, renumbered):
    nothing of the current batch is moved; the next poll sees the new UIDVALIDITY and re-scans."""


COPY_MARK = b"$IntakeCopying"   # set on a message just before its COPY to move_to (servers without MOVE)


def _chunks(items: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


class MailboxPoller:
    """Polls every folder of one mailbox into a store. Not thread-safe: one poller per mailbox at a time
    (the scheduler's lease makes sure of it across processes)."""

    def __init__(self, box: MailboxConfig, store: Any, state: StateTables,
                 stop: Optional[threading.Event] = None,
                 on_stored: Optional[Callable[[int], None]] = None):
        self.box = box
        self.store = store
        self.state = state
        self.stop = stop or threading.Event()
        self.on_stored = on_stored            # called with each new raw id (e.g. to enqueue a Celery task)
        self._attempts: dict[tuple[str, int, int], int] = {}
        self._given_up: set[tuple[str, int, int]] = set()

    # ----------------------------------------------------------------- connection

    def connect(self) -> IMAPClient:
        """Overridable: tests wrap the client to cut the connection at a chosen moment."""
        from intake.oauth import access_token_for
        return connect(self.box, access_token_for(self.box, self.store))

    def poll(self, progress: Optional[dict[str, FolderResult]] = None) -> list[FolderResult]:
        """Poll every folder once. Survives a few connection drops (reconnecting with back-off); a folder's
        progress is in the database, so a reconnect resumes where the drop happened. `progress`, when
        given, is filled as the poll goes: after a failure part-way it still tells what was stored."""
        results: dict[str, FolderResult] = progress if progress is not None else {}
        done: set[str] = set()
        failures = 0
        while True:
            client: Optional[IMAPClient] = None
            try:
                client = self.connect()
                for folder in self.box.folders:
                    key = self.box.state_key(folder)
                    if key in done or self.stop.is_set():
                        continue
                    # After a drop, the same result goes on counting: the folder resumes, it does not restart.
                    result = results.setdefault(key, FolderResult(key=key))
                    try:
                        self.poll_folder(client, folder, result)
                    except CONNECTION_ERRORS:
                        raise
                    except (IMAPClientError, FolderChanged) as error:
                        # This folder only (deleted, renamed, changed under us): the others are still polled.
                        result.error = f"{folder}: {type(error).__name__}: {_text(error)}"[:500]
                        log.error("folder not polled", extra={"mailbox": key, "error": result.error,
                                                              "stored": result.stored})
                    done.add(key)
                    self._log_result(results[key])
                return list(results.values())
            except ssl.SSLCertVerificationError as error:
                # Not a drop: the server is not who it claims to be. Retrying will not change that.
                raise MailboxError(f"{self.box.label}: TLS certificate not trusted: {error.verify_message}") from None
            except CONNECTION_ERRORS as error:
                failures += 1
                log.warning("mailbox connection lost", extra={"mailbox": self.box.label, "attempt": failures,
                                                               "error": _text(error)})
                if failures > RECONNECTS_PER_POLL or self.stop.is_set():
                    raise MailboxError(f"{self.box.label}: connection failed {failures} times: "
                                       f"{type(error).__name__}: {_text(error)}") from None
                self.stop.wait(backoff_delay(failures, base=0.5, cap=10.0))
            finally:
                if client is not None:
                    _logout(client)

    def _log_result(self, result: FolderResult) -> None:
        log.info("folder polled", extra={"mailbox": result.key, "uidvalidity": result.uidvalidity,
                                         "new": result.seen, "stored": result.stored,
                                         "duplicates": result.duplicates, "finished": result.finished,
                                         "rescanned": result.rescanned})

    # ----------------------------------------------------------------- one folder

    def poll_folder(self, client: IMAPClient, folder: str, result: Optional[FolderResult] = None) -> FolderResult:
        box = self.box
        key = box.state_key(folder)
        info = client.select_folder(folder)
        uidvalidity = int(info[b"UIDVALIDITY"])
        result = result or FolderResult(key=key)
        result.uidvalidity = uidvalidity
        known = self.state.load(key)
        last_uid = known.last_uid
        if known.uidvalidity != uidvalidity:
            # First poll, or the server renumbered the folder: every UID we knew means nothing now.
            # Re-scan from the start; the store's sha256 and Message-ID checks keep anything from doubling.
            result.rescanned = result.rescanned or known.uidvalidity is not None
            if result.rescanned:
                log.warning("UIDVALIDITY changed: re-scanning the folder",
                            extra={"mailbox": key, "old": known.uidvalidity, "new": uidvalidity})
            self.state.reset(key, uidvalidity)
            last_uid = 0
        if box.move_to:
            self._ensure_folder(client, box.move_to)

        # Stored earlier but not yet moved/flagged (a crash or a drop between commit and finish). Taken again
        # by their bytes, not trusted by UID: a server that reused UIDs without a new UIDVALIDITY must not
        # make us move mail we never stored (a stored one is found by its sha256 and only moved).
        if last_uid > 0 and (box.move_to or box.flag):
            for chunk in _chunks(self._unfinished(client, last_uid), box.batch_size):
                if self.stop.is_set():
                    break
                self._take(client, folder, key, uidvalidity, chunk, last_uid, False, result)

        new = [uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid]
        new = [uid for uid in sorted(new) if (key, uidvalidity, uid) not in self._given_up]
        result.seen += len(new)
        rescan = result.rescanned
        for chunk in _chunks(new, box.batch_size):
            if self.stop.is_set():
                break
            sizes = client.fetch(chunk, ["RFC822.SIZE"])
            for part in self._split_by_bytes(chunk, sizes):
                if self.stop.is_set():
                    break
                last_uid = self._take(client, folder, key, uidvalidity, part, last_uid, rescan, result)
        if known.uidvalidity is not None and known.uidvalidity != uidvalidity and box.move_to:
            from intake.sources.imap_strays import take_strays
            take_strays(self, client, result)   # mail another session may have moved unstored
        return result

    def _unfinished(self, client: IMAPClient, last_uid: int) -> list[int]:
        criteria: list[Any] = ["UID", f"1:{last_uid}"]
        if not self.box.move_to and self.box.flag:
            flag = self.box.flag
            system = _SYSTEM_FLAG_SEARCH.get(flag.lower())
            criteria += ["NOT", system] if system else ["NOT", "KEYWORD", flag]
        return sorted(uid for uid in client.search(criteria) if uid <= last_uid)

    def _split_by_bytes(self, chunk: list[int], sizes: dict) -> Iterator[list[int]]:
        """Cut a UID batch so one FETCH never holds more than `batch_bytes` (a few 20 MB faxes)."""
        part: list[int] = []
        total = 0
        for uid in chunk:
            size = int((sizes.get(uid) or {}).get(b"RFC822.SIZE", 0) or 0)
            if part and total + size > self.box.batch_bytes:
                yield part
                part, total = [], 0
            part.append(uid)
            total += size
        if part:
            yield part

    def _take(self, client: IMAPClient, folder: str, key: str, uidvalidity: int, uids: list[int],
              last_uid: int, rescan: bool, result: FolderResult) -> int:
        """Fetch, store (commit), advance the state, then finish on the server. Returns the new last UID."""
        data = client.fetch(uids, ["BODY.PEEK[]", "INTERNALDATE", *IDENTITY])
        done: list[int] = []      # stored or already there: safe to move/flag
        blocked = False           # a UID we could not take: last_uid must not pass it
        new_last = last_uid
        created = 0
        for uid in uids:
            if self.stop.is_set():
                break  # stop after the current message: what is stored below is still finished
            item = data.get(uid)
            raw = item.get(b"BODY[]") if item else None
            if raw is None:
                if not self._note_failure(key, uidvalidity, uid, result, vanished=item is None, client=client):
                    blocked = True
                continue
            if isinstance(raw, str):
                raw = raw.encode("utf-8", "surrogateescape")
            received = item.get(b"INTERNALDATE")
            if isinstance(received, datetime) and received.tzinfo is None:
                received = received.replace(tzinfo=timezone.utc)
            if self._store(raw, key, self.box.message_uri(folder, uidvalidity, uid), received, rescan, result):
                created += 1
            done.append(uid)
            if not blocked:
                new_last = max(new_last, uid)
        if new_last != last_uid or created:
            self.state.advance(key, uidvalidity, new_last, created)
        done = self._same_messages(client, done, data) if done else done
        if done:
            self._finish(client, done, folder, data)
            result.finished += len(done)
        return new_last

    def _not_yet_copied(self, client: IMAPClient, uids: list[int], folder: str, data: dict) -> list[int]:
        """The UIDs to COPY: those carrying our mark (a COPY that a crash may have interrupted) whose
        Message-ID move_to already holds are only deleted here (kept in self._marked)."""
        self._marked: set[int] = set()
        try:
            flags = client.get_flags(uids)
        except IMAPClientError:
            return uids
        marked = [u for u in uids if COPY_MARK in (flags.get(u) or ())]
        if not marked:
            return uids
        ids = {u: _message_id(data.get(u) or {}) for u in marked}
        client.select_folder(self.box.move_to, readonly=True)
        try:
            there = {u for u, mid in ids.items()
                     if mid and client.search(["HEADER", "Message-ID", mid])}
        finally:
            client.select_folder(folder)
        self._marked = there
        return [u for u in uids if u not in there]

    def _same_messages(self, client: IMAPClient, uids: list[int], data: dict) -> list[int]:
        """Just before moving: are these UIDs still the messages we stored? A folder deleted and recreated by
        another session keeps our session's UIDs pointing at *new* mail (Dovecot moves it without a word);
        moving them would send unstored mail away. Raises FolderChanged, moving nothing. Returns the UIDs still
        there (one expunged meanwhile by someone else is simply not moved)."""
        client.noop()  # makes the server look at the folder again (Dovecot answers from its cache otherwise)
        now = client.fetch(uids, IDENTITY)
        for uid in uids:
            item, then = now.get(uid), data.get(uid) or {}
            if item is None:
                continue
            if any(_identity(item, name) != _identity(then, name) for name in IDENTITY_KEYS):
                raise FolderChanged(f"UID {uid} is now another message (folder recreated or renumbered): "
                                    "not moving this batch")
        return [uid for uid in uids if uid in now]

    def _store(self, raw: bytes, key: str, uri: str, received: Optional[datetime], rescan: bool,
               result: FolderResult) -> bool:
        """Store one raw message (the store commits). True when a new raw was created."""
        from parsers.headers import peek

        digest = sha256_hex(raw)
        message_id, date_header = peek(raw)
        if self.store.has_raw(digest) or (rescan and message_id and self.store.has_message_id(message_id)):
            result.duplicates += 1
            log.info("already stored", extra={"uri": uri, "message_id": message_id, "sha256": digest[:16]})
            return False
        raw_id, created = self.store.add_raw(raw, SourceRef(uri=uri, received_at=received), kind="imap",
                                             mailbox=key, date_header=date_header)
        if created:
            result.stored += 1
            log.info("stored", extra={"uri": uri, "message_id": message_id, "raw_id": raw_id, "size": len(raw)})
            if self.on_stored is not None:
                self.on_stored(raw_id)
        else:
            result.duplicates += 1
        return created

    def _note_failure(self, key: str, uidvalidity: int, uid: int, result: FolderResult, vanished: bool,
                      client: IMAPClient) -> bool:
        """A UID gave no body. True when it can be passed over (it vanished, or we gave up on it)."""
        if vanished and not client.search(["UID", str(uid)]):
            return True  # expunged by someone else meanwhile: nothing to take
        ident = (key, uidvalidity, uid)
        self._attempts[ident] = self._attempts.get(ident, 0) + 1
        if self._attempts[ident] >= MAX_FETCH_ATTEMPTS:
            self._given_up.add(ident)
            result.skipped.append(uid)
            log.error("server cannot deliver this message; left on the server, skipped",
                      extra={"mailbox": key, "uid": uid, "attempts": self._attempts[ident]})
            self.state.polled(key, error=f"UID {uid} could not be fetched after {MAX_FETCH_ATTEMPTS} attempts")
        return False

    # ----------------------------------------------------------------- server side

    def _ensure_folder(self, client: IMAPClient, folder: str) -> None:
        if not client.folder_exists(folder):
            try:
                client.create_folder(folder)
            except IMAPClientError:
                if not client.folder_exists(folder):  # a concurrent create is fine, anything else is not
                    raise

    def _finish(self, client: IMAPClient, uids: list[int], folder: str = "INBOX", data: Optional[dict] = None) -> None:
        """Move (or flag) messages that are safely stored."""
        box = self.box
        if box.move_to:
            if client.has_capability("MOVE"):
                client.move(uids, box.move_to)
            else:
                # COPY + \Deleted + EXPUNGE is three steps: a crash after COPY leaves a message in both folders.
                # Each message is marked before its COPY, so a message found marked later may already sit in
                # move_to: it is copied again only when move_to does not hold its Message-ID.
                uids = self._not_yet_copied(client, uids, folder, data or {})
                if uids:
                    client.add_flags(uids, [COPY_MARK], silent=True)
                    client.copy(uids, box.move_to)
                uids = sorted(set(uids) | self._marked)   # copied before a crash: only deleted now
                self._marked = set()
                if not uids:
                    return
                client.add_flags(uids, [b"\\Deleted"], silent=True)
                if client.has_capability("UIDPLUS"):
                    client.uid_expunge(uids)
                else:
                    client.expunge()
        elif box.flag:
            client.add_flags(uids, [box.flag.encode("ascii")], silent=True)


def poll_mailbox(box: MailboxConfig, store: Any, state: StateTables,
                 stop: Optional[threading.Event] = None,
                 progress: Optional[dict[str, FolderResult]] = None) -> list[FolderResult]:
    """Poll one mailbox once, recording the poll (time, error) in `mailbox_state` for each folder.
    `progress` (folder key -> result) is filled as the poll goes, so a caller knows what was stored even
    when the poll raises part-way."""
    poller = MailboxPoller(box, store, state, stop=stop)
    try:
        results = poller.poll(progress)
    except Exception as error:
        message = f"{type(error).__name__}: {_text(error)}"
        for folder in box.folders:
            try:
                state.polled(box.state_key(folder), error=message)
            except Exception:  # noqa: BLE001 - the database may be what failed
                pass
        raise
    for result in results:
        state.polled(result.key, result.error)
    return results
