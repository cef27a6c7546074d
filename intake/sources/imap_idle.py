"""Push for the mailbox door: IMAP IDLE (RFC 2177) where the server offers it, polling otherwise.

A watcher holds one extra connection per folder, SELECTed read-only, in IDLE. When the server announces
new mail (EXISTS/RECENT), the watcher calls `on_new(box)`: the scheduler then runs the ordinary poll (its
own connection, under the mailbox's lock and lease), so the store-before-move, exactly-once design of
intake/sources/imap.py is the only path mail takes. IDLE only says *when*.

- The IDLE command is renewed every `renew_s` (default 25 min, under the 29 min RFC 2177 allows and the
  30 min servers time out at); the wait is cut into short `idle_check` slices so a stop is seen at once.
- A lost connection (reset, BYE, timeout) is reconnected with exponential back-off (`backoff_delay`,
  base 1 s, cap 60 s), and a poll is run after each reconnect, for mail that came while it was down.
- A server without the IDLE capability: the watcher logs it once and ends; the interval poll goes on.
- `on_new` returning False means "not done" (the mailbox was being polled by another thread or
  process): it is tried again a second later, so news is never dropped.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Optional

from imapclient import IMAPClient

from intake.mailboxes import MailboxConfig
from intake.sources.imap import CONNECTION_ERRORS, _logout, _text, backoff_delay, connect
from intake.sources.imap_responses import idle_news, supports_idle

log = logging.getLogger("intake.idle")

CHECK_SLICE_S = 1.0
RENEW_S = 25 * 60.0


class IdleWatcher:
    def __init__(self, box: MailboxConfig, folder: str, on_new: Callable[[MailboxConfig], bool],
                 stop: threading.Event, renew_s: float = RENEW_S, backoff_base_s: float = 1.0,
                 backoff_cap_s: float = 60.0, connect_fn: Callable[[MailboxConfig], IMAPClient] = connect):
        self.box, self.folder, self.on_new, self.stop = box, folder, on_new, stop
        self.renew_s, self.backoff_base_s, self.backoff_cap_s = renew_s, backoff_base_s, backoff_cap_s
        self.connect_fn = connect_fn
        self.supported: Optional[bool] = None
        self.reconnects = 0
        self.notifications = 0
        self.idling = threading.Event()   # set while an IDLE command is running (tests, status)
        self._thread: Optional[threading.Thread] = None

    def start(self) -> "IdleWatcher":
        self._thread = threading.Thread(target=self.run, name=f"idle:{self.box.label}:{self.folder}", daemon=True)
        self._thread.start()
        return self

    def join(self, timeout: Optional[float] = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _trigger(self) -> None:
        """Run `on_new` until it says done (or we are stopping)."""
        while not self.stop.is_set():
            try:
                if self.on_new(self.box) is not False:
                    return
            except Exception as error:  # noqa: BLE001 - the poll logs its own failures; keep watching
                log.warning("poll after IDLE news failed", extra={"mailbox": self.box.label, "error": _text(error)})
                return
            self.stop.wait(1.0)

    def run(self) -> None:
        failures = 0
        while not self.stop.is_set():
            client: Optional[IMAPClient] = None
            try:
                client = self.connect_fn(self.box)
                if not supports_idle(client.capabilities()):
                    self.supported = False
                    log.info("server offers no IDLE: polling only", extra={"mailbox": self.box.label})
                    return
                self.supported = True
                client.select_folder(self.folder, readonly=True)
                if failures:
                    self.reconnects += 1
                    log.info("IDLE connection back", extra={"mailbox": self.box.label, "after": failures})
                failures = 0
                self._trigger()                 # whatever came before (or while) we were not watching
                self._watch(client)
            except CONNECTION_ERRORS + (IMAPClient.Error,) as error:
                self.idling.clear()
                failures += 1
                delay = backoff_delay(failures, base=self.backoff_base_s, cap=self.backoff_cap_s)
                log.warning("IDLE connection lost; reconnecting", extra={
                    "mailbox": self.box.label, "error": f"{type(error).__name__}: {_text(error)}",
                    "attempt": failures, "retry_in_s": delay})
                self.stop.wait(delay)
            except Exception as error:  # noqa: BLE001 - e.g. login refused (MailboxError): back off the same way
                failures += 1
                delay = backoff_delay(failures, base=self.backoff_base_s, cap=self.backoff_cap_s)
                log.error("IDLE watcher failed", extra={"mailbox": self.box.label, "error": _text(error),
                                                        "attempt": failures, "retry_in_s": delay})
                self.stop.wait(delay)
            finally:
                if client is not None:
                    _logout(client)

    def _watch(self, client: IMAPClient) -> None:
        """IDLE until stopped; returns only on stop, raises on a lost connection."""
        while not self.stop.is_set():
            client.idle()
            self.idling.set()
            started = time.monotonic()
            news = None
            while not self.stop.is_set() and time.monotonic() - started < self.renew_s:
                news = idle_news(client.idle_check(timeout=CHECK_SLICE_S))  # a dead socket raises here
                if news.bye:
                    raise ConnectionResetError("server said BYE during IDLE")
                if news.new_mail:
                    break
            self.idling.clear()
            client.idle_done()
            if news is not None and news.new_mail:
                self.notifications += 1
                self._trigger()


def start_watchers(mailboxes: list, on_new: Callable[[MailboxConfig], bool], stop: threading.Event,
                   store: Any) -> list[IdleWatcher]:
    """A started watcher per folder of each mailbox with `idle: true` (OAuth mailboxes get fresh tokens)."""
    from intake.oauth import access_token_for

    def connect_fn(box: MailboxConfig) -> IMAPClient:
        return connect(box, access_token_for(box, store))
    return [IdleWatcher(box, folder, on_new, stop, connect_fn=connect_fn).start()
            for box in mailboxes if box.idle for folder in box.folders]
