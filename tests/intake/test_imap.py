"""The mailbox door against a real Dovecot: exactly once, moved after commit, survives drops and crashes."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import signal
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from imapclient import IMAPClient
from sqlalchemy import func, select

from foundation.errors import MailboxError
from intake.mailboxes import MailboxConfig
from intake.sources.imap import MailboxPoller, backoff_delay, poll_mailbox
from outputs.mailboxes import StateTables
from outputs.tables import RawMessage
from tests.dovecot import PASSWORD

REPO = Path(__file__).resolve().parents[2]


def mail(number: int, subject: str = "Ordre de mission", body: str = "Merci de missionner.",
         attachment: bytes | None = None) -> bytes:
    m = EmailMessage()
    m["From"] = "agence@example.com"
    m["To"] = "missions@example.com"
    m["Subject"] = f"{subject} {number}"
    m["Message-ID"] = f"<m{number}.{os.getpid()}@example.com>"
    m["Date"] = "Mon, 02 Nov 2026 10:00:00 +0100"
    m.set_content(f"{body} n°{number}\n")
    if attachment is not None:
        m.add_attachment(attachment, maintype="application", subtype="pdf", filename=f"odm{number}.pdf")
    return m.as_bytes().replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n")


EIGHT_BIT = (b"From: Ren\xc3\xa9 M\xfcller <rene@example.com>\r\nTo: missions@example.com\r\n"
             b"Subject: Sinistre d\xe9g\xe2ts des eaux \xc3\xa0 Lyon\r\nMessage-ID: <8bit@example.com>\r\n"
             b"\r\nCorps en latin-1: \xe9t\xe9\r\n")
MALFORMED = (b"From: x@example.com\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
             b"Content-Type: multipart/mixed; boundary=\"zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n"
             b"garbage without blank line\r\n--zz--oops\r\n\x01\x02")  # (Dovecot turns NUL into 0x80)


def stored(store) -> list[RawMessage]:
    with store.session() as s:
        return list(s.scalars(select(RawMessage).order_by(RawMessage.id)).all())


def poller(dovecot, store, **overrides) -> MailboxPoller:
    return MailboxPoller(MailboxConfig(**dovecot.mailbox_config(**overrides)), store, StateTables(store.engine))


def test_every_message_once_moved_after_commit(dovecot, store):
    plain = [mail(i) for i in range(7)]
    dovecot.append(plain[:5])
    dovecot.append(plain[5:], flags=(b"\\Seen",))           # read by a person: still taken
    dovecot.append([EIGHT_BIT, MALFORMED])
    p = poller(dovecot, store, batch_size=3)
    results = p.poll()
    assert [r.stored for r in results] == [9]
    rows = stored(store)
    assert sorted(r.sha256 for r in rows) == sorted(hashlib.sha256(m).hexdigest()
                                                     for m in plain + [EIGHT_BIT, MALFORMED])
    assert {r.raw for r in rows} == set(plain + [EIGHT_BIT, MALFORMED])  # bytes exactly as on the server
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == 9
    uri = rows[0].source_uri
    uidvalidity = dovecot.uidvalidity()
    assert uri == f"imap://alice@127.0.0.1:{dovecot.port}/INBOX;UIDVALIDITY={uidvalidity}/;UID=1"
    assert all(r.source_kind == "imap" and r.received_at is not None for r in rows)
    # Nothing new: a second poll stores nothing; new mail is taken.
    assert [r.stored for r in p.poll()] == [0]
    dovecot.append([mail(100)])
    assert [r.stored for r in p.poll()] == [1]
    assert len(stored(store)) == 10
    state = store.mailbox_state(p.box.state_key("INBOX"))
    assert state["uidvalidity"] == uidvalidity and state["last_uid"] == 10 and state["messages"] == 10


def test_same_bytes_twice_stored_once(dovecot, store):
    dovecot.append([mail(1), mail(1), mail(2)])
    result = poller(dovecot, store).poll()[0]
    assert (result.stored, result.duplicates, result.finished) == (2, 1, 3)
    assert dovecot.count("INBOX") == 0


def test_flag_mode_leaves_mail_and_uidvalidity_change_rescans(dovecot, store):
    dovecot.append([mail(i) for i in range(4)])
    p = poller(dovecot, store, move_to=None, flag="$Intake")
    assert p.poll()[0].stored == 4
    c = dovecot.client()
    c.select_folder("INBOX")
    flags = c.get_flags(c.search("ALL"))
    c.logout()
    assert len(flags) == 4 and all(b"$Intake" in f for f in flags.values())
    old = dovecot.uidvalidity()
    dovecot.doveadm("mailbox", "update", "-u", "alice", "--uid-validity", str(old + 1000), "INBOX")
    dovecot.append([mail(50)])
    result = p.poll()[0]
    assert result.rescanned and result.uidvalidity == old + 1000
    assert (result.stored, result.duplicates) == (1, 4)
    assert len(stored(store)) == 5


def test_rescan_deduplicates_by_message_id(dovecot, store):
    """After a UIDVALIDITY change a server may hand back the same mail with changed bytes (added headers)."""
    original = mail(7)
    dovecot.append([original])
    p = poller(dovecot, store, move_to=None, flag="$Intake")
    p.poll()
    c = dovecot.client()
    c.select_folder("INBOX")
    c.delete_messages(c.search("ALL"))
    c.expunge()
    c.logout()
    dovecot.doveadm("mailbox", "update", "-u", "alice", "--uid-validity", str(dovecot.uidvalidity() + 5), "INBOX")
    dovecot.append([b"X-Migrated: yes\r\n" + original])
    result = p.poll()[0]
    assert result.rescanned and (result.stored, result.duplicates) == (0, 1)
    assert len(stored(store)) == 1


@pytest.mark.slow
def test_large_attachment_and_byte_bounded_batches(dovecot, store):
    big = os.urandom(20 * 1024 * 1024)
    dovecot.append([mail(1), mail(2, attachment=big), mail(3)])
    result = poller(dovecot, store, batch_bytes=5_000_000).poll()[0]
    assert result.stored == 3
    sizes = sorted(r.size for r in stored(store))
    assert sizes[-1] > 20 * 1024 * 1024
    assert dovecot.count("INBOX") == 0


class KickingPoller(MailboxPoller):
    """Cuts the connection (doveadm kick) just before the client reads the first large FETCH literal."""

    def __init__(self, *args, dovecot, **kwargs):
        super().__init__(*args, **kwargs)
        self.dovecot = dovecot
        self.kicked = 0

    def connect(self) -> IMAPClient:
        client = super().connect()
        real = client._imap.read

        def kick_then_read(n):
            if n > 1_000_000 and not self.kicked:
                self.kicked += 1
                self.dovecot.doveadm("kick", "alice")
                # the server may have written the whole literal into the loopback buffers before the kick
                # (a loaded machine); end our side too, so the client sees the cut every time
                client._imap.sock.shutdown(socket.SHUT_RDWR)
            return real(n)

        client._imap.read = kick_then_read
        return client


def test_connection_dropped_mid_fetch_keeps_mail_and_resumes(dovecot, store):
    dovecot.append([mail(1), mail(2, attachment=os.urandom(3_000_000)), mail(3)])
    box = MailboxConfig(**dovecot.mailbox_config(batch_size=1))
    p = KickingPoller(box, store, StateTables(store.engine), dovecot=dovecot)
    results = p.poll()                     # reconnects by itself after the drop
    assert p.kicked == 1
    assert sum(r.stored for r in results) == 3
    assert len(stored(store)) == 3 and dovecot.count("INBOX") == 0


def test_dropped_until_giving_up_leaves_mail_for_next_poll(dovecot, store, monkeypatch):
    monkeypatch.setattr("intake.sources.imap.RECONNECTS_PER_POLL", 0)
    dovecot.append([mail(1), mail(2, attachment=os.urandom(3_000_000))])
    box = MailboxConfig(**dovecot.mailbox_config(batch_size=1))
    p = KickingPoller(box, store, StateTables(store.engine), dovecot=dovecot)
    with pytest.raises(MailboxError):
        p.poll()
    assert len(stored(store)) == 1 and dovecot.count("INBOX") == 1   # the first one was finished
    assert poller(dovecot, store).poll()[0].stored == 1
    assert len(stored(store)) == 2 and dovecot.count("INBOX") == 0


def test_database_unreachable_leaves_mail_on_server(dovecot, store, tmp_path):
    from outputs.store import Store
    dovecot.append([mail(i) for i in range(3)])
    if store.engine.dialect.name == "sqlite":
        (tmp_path / "is-a-folder").mkdir()
        broken = Store(f"sqlite:///{tmp_path}/is-a-folder", upgrade=False)
    else:
        from tests.dovecot import free_port
        broken = Store(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test", upgrade=False)
    # The state is readable, then storing fails: nothing may be moved.
    box = MailboxConfig(**dovecot.mailbox_config())
    with pytest.raises(Exception):
        MailboxPoller(box, broken, StateTables(store.engine)).poll()
    assert dovecot.count("INBOX") == 3 and dovecot.count("Processed") == 0
    # Wholly unreachable (state too): same.
    with pytest.raises(Exception):
        poll_mailbox(box, broken, StateTables(broken.engine))
    assert dovecot.count("INBOX") == 3
    assert poller(dovecot, store).poll()[0].stored == 3
    assert dovecot.count("INBOX") == 0


def test_wrong_password_is_a_clear_error_without_secrets(dovecot, store, caplog):
    caplog.set_level(logging.DEBUG)
    box = MailboxConfig(**{**dovecot.mailbox_config(), "password": "not-the-Pa55word"})
    with pytest.raises(MailboxError) as info:
        poll_mailbox(box, store, StateTables(store.engine))
    assert "login refused" in str(info.value)
    assert "not-the-Pa55word" not in str(info.value) and "not-the-Pa55word" not in caplog.text
    assert "not-the-Pa55word" not in repr(box)
    assert "login refused" in store.mailbox_state(box.state_key("INBOX"))["last_error"]


def test_starttls_with_self_signed_certificate(tmp_path):
    from outputs.store import Store
    from tests.dovecot import Dovecot, available
    if not available():
        pytest.skip("dovecot is not on PATH")
    server = Dovecot(tls=True)
    try:
        server.append([mail(1)])
        box = MailboxConfig(host="127.0.0.1", port=server.port, security="starttls", user="alice",
                            password=PASSWORD, ca_file=str(server.cert))
        with Store(f"sqlite:///{tmp_path}/s.db") as store:
            assert poll_mailbox(box, store, StateTables(store.engine))[0].stored == 1
        untrusted = MailboxConfig(host="127.0.0.1", port=server.port, security="starttls", user="alice",
                                  password=PASSWORD)
        with Store(f"sqlite:///{tmp_path}/u.db") as store, pytest.raises(MailboxError, match="not trusted"):
            poll_mailbox(untrusted, store, StateTables(store.engine))  # self-signed, not trusted: refused
    finally:
        server.stop()


def test_mailbox_config_rules():
    with pytest.raises(ValueError, match="loopback"):
        MailboxConfig(host="imap.example.com", security="plain", user="u", password="p")
    with pytest.raises(ValueError, match="password"):
        MailboxConfig(host="imap.example.com", user="u")
    box = MailboxConfig(host="imap.example.com", user="odm@example.com", oauth2_token="tok",
                        folders=["INBOX", "Fax entrants"])
    assert box.effective_port == 993
    assert box.message_uri("Fax entrants", 7, 42) == \
        "imap://odm%40example.com@imap.example.com/Fax%20entrants;UIDVALIDITY=7/;UID=42"
    assert [backoff_delay(n) for n in (1, 2, 3)] == [1.0, 2.0, 4.0] and backoff_delay(30) == 300.0


POLL_SCRIPT = """
import sys
from intake.mailboxes import MailboxConfig
from intake.sources.imap import poll_mailbox
from outputs.mailboxes import StateTables
from outputs.store import Store
box = MailboxConfig.model_validate_json(sys.argv[2])
store = Store(sys.argv[1])
poll_mailbox(box, store, StateTables(store.engine))
"""


@pytest.mark.slow
def test_sigkill_mid_batch_then_restart_exactly_once(dovecot, store, db_url):
    total = 60
    dovecot.append([mail(i, body="x" * 2000) for i in range(total)])
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", POLL_SCRIPT, db_url,
                             json.dumps(dovecot.mailbox_config(batch_size=5))], env=env, cwd=REPO)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with store.session() as s:
                count = s.scalar(select(func.count()).select_from(RawMessage))
            if count >= 8 or proc.poll() is not None:
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, "the poller finished before it could be killed"
    assert 8 <= len(stored(store)) < total
    poller(dovecot, store, batch_size=5).poll()
    rows = stored(store)
    assert len(rows) == total and len({r.sha256 for r in rows}) == total
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == total
