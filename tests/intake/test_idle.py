"""IMAP IDLE against a real Dovecot: new mail stored within seconds (not at the next interval poll), a
connection cut during IDLE recovered with back-off, and a server without IDLE left to the polling."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from intake.mailboxes import MailboxConfig, Sources
from intake.sources.imap_responses import idle_news, supports_idle
from outputs.tables import RawMessage
from tests.intake.test_imap import mail

DEADLINE_S = 5.0


def test_idle_responses_are_read_without_a_server():
    assert idle_news([(3, b"EXISTS"), (1, b"RECENT")]) == (3, True, 0, False)
    assert idle_news([(2, b"EXPUNGE"), (1, b"EXPUNGE")]) == (None, False, 2, False)
    assert idle_news([(b"OK", b"Still here")]).new_mail is False
    assert idle_news([(b"BYE", b"Server shutting down")]).bye is True
    assert idle_news([(0, b"RECENT"), (5, b"FETCH", (b"FLAGS", ()))]).new_mail is False
    assert idle_news([]) == (None, False, 0, False)
    assert supports_idle([b"IMAP4REV1", b"IDLE"]) and not supports_idle((b"IMAP4REV1", b"MOVE"))


def _count(store) -> int:
    with store.session(read=True) as s:
        return s.scalar(select(func.count()).select_from(RawMessage)) or 0


def _stored_within(store, count: int, deadline_s: float) -> bool:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if _count(store) >= count:
            return True
        time.sleep(0.1)
    return _count(store) >= count


@pytest.fixture
def service(dovecot, tmp_path):
    from scheduler import Service
    box = MailboxConfig(**dovecot.mailbox_config(interval_s=3600))   # the interval poll will not be what finds it
    svc = Service(f"sqlite:///{tmp_path}/idle.db", sources=Sources(mailboxes=[box]), workers=0)
    yield svc
    svc.stop.set()
    for watcher in getattr(svc, "test_watchers", []):
        watcher.join(10)
    svc.close()


def _watch(service):
    service.test_watchers = service.start_idle_watchers()
    watcher, = service.test_watchers
    assert watcher.idling.wait(10), "the watcher never entered IDLE"
    return watcher


def test_new_mail_is_stored_within_seconds_by_idle(service, dovecot):
    watcher = _watch(service)
    dovecot.append([mail(1)])
    assert _stored_within(service.store, 1, DEADLINE_S)
    assert watcher.notifications >= 1
    assert watcher.idling.wait(10)
    dovecot.append([mail(2), mail(3)])
    assert _stored_within(service.store, 3, DEADLINE_S)
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == 3   # moved after commit, as polling does


def test_a_connection_cut_during_idle_is_recovered(service, dovecot):
    watcher = _watch(service)
    dovecot.doveadm("kick", "alice")                       # the server drops every session of alice
    dovecot.append([mail(10)])                             # arrives while the watcher is down or reconnecting
    assert _stored_within(service.store, 1, DEADLINE_S + 2)  # + the first back-off step (1 s)
    end = time.monotonic() + 10
    while watcher.reconnects < 1 and time.monotonic() < end:
        time.sleep(0.1)
    assert watcher.reconnects >= 1 and watcher.idling.wait(10)
    dovecot.append([mail(11)])
    assert _stored_within(service.store, 2, DEADLINE_S)


def test_a_server_without_idle_is_left_to_polling(dovecot, tmp_path):
    from scheduler import Service
    conf = dovecot.conf.read_text()
    dovecot.conf.write_text(conf + "imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE\n")
    dovecot.doveadm("reload")
    time.sleep(0.5)
    box = MailboxConfig(**dovecot.mailbox_config(interval_s=3600))
    svc = Service(f"sqlite:///{tmp_path}/noidle.db", sources=Sources(mailboxes=[box]), workers=0)
    try:
        watcher, = svc.start_idle_watchers()
        watcher.join(15)
        assert watcher.supported is False and not watcher._thread.is_alive()
        dovecot.append([mail(20)])
        assert svc.poll_mailbox(box) == 1                  # the ordinary poll still takes it
    finally:
        svc.stop.set()
        svc.close()
