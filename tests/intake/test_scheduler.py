"""The service: leases keep two pollers apart, back-off, reminders, clean stop, `intake status`."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake.mailboxes import FaxDirConfig, MailboxConfig, Sources
from outputs.tables import Dossier, Event, Lease, RawMessage, RecordRow
from scheduler import Service, poll_once
from tests.dovecot import free_port
from tests.intake.test_imap import mail

REPO = Path(__file__).resolve().parents[2]
SAMPLE_EML = sorted((REPO / "samples" / "messages").glob("*.eml"))


def count(store, model=RawMessage) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def service_for(db_url, boxes=(), faxes=()) -> Service:
    return Service(db_url, sources=Sources(mailboxes=list(boxes), fax_dirs=list(faxes)), workers=1)


def test_lease_keeps_a_second_poller_out(dovecot, db_url):
    dovecot.append([mail(i) for i in range(3)])
    box = MailboxConfig(**dovecot.mailbox_config())
    service = service_for(db_url, [box])
    try:
        lease = f"poll:imap:{box.authority()}"
        other = service.store.take_lease(lease, "other-process", 60)   # a live holder (own connection / fd)
        assert other is not None and other.alive()
        assert service.poll_mailbox(box) == 0                     # someone else is polling: hands off
        assert dovecot.count("INBOX") == 3 and count(service.store) == 0
        other.release()
        # A row left by a holder that died (the old expiring lease) no longer keeps anyone out.
        assert service.store.acquire_lease(lease, "dead-process", 600)
        assert service.poll_mailbox(box) == 3
        assert dovecot.count("INBOX") == 0
        after = service.store.take_lease(lease, "next", 60)            # released after the poll
        assert after is not None
        after.release()
    finally:
        service.close()


def test_failing_mailbox_backs_off_and_records_error(db_url, monkeypatch):
    monkeypatch.setattr("intake.sources.imap.RECONNECTS_PER_POLL", 0)   # no quick reconnects inside a poll
    box = MailboxConfig(host="127.0.0.1", port=free_port(), security="plain", user="a", password="p",
                        interval_s=60)
    service = service_for(db_url, [box])
    try:
        assert service.poll_mailbox(box) == 0
        assert service._failures[f"imap:{box.authority()}"] == 1
        state = service.store.mailbox_state(box.state_key("INBOX"))
        assert "ConnectionRefusedError" in state["last_error"] or "connection failed" in state["last_error"]
        service.poll_mailbox(box)          # due again (back-off 1 x interval)
        assert service._failures[f"imap:{box.authority()}"] == 2
        service.poll_mailbox(box)          # 2 x interval: skipped this time
        assert service._failures[f"imap:{box.authority()}"] == 2
    finally:
        service.close()


def test_reminders_run_the_insureds_follow_up(tmp_path):
    service = service_for(f"sqlite:///{tmp_path}/r.db")
    try:
        now = datetime.now(timezone.utc)
        with service.store.session() as s:
            s.add(Dossier(id="D-C2S", status="open", channel="allianz_c2s", opened_at=now - timedelta(hours=1), extra={}))
            s.add(Dossier(id="D-CS2I", status="open", channel="allianz_cs2i", opened_at=now, extra={}))
            s.add(Dossier(id="D-REVIEW", status="pending_review", channel="allianz_c2s", extra={}))
        assert service.reminders() == 1          # the first call was due at the opening
        assert service.reminders() == 0          # the next step is due a day later
        with service.store.session() as s:
            events = s.execute(select(Event.dossier_id, Event.detail).where(Event.kind == "followup")).all()
        assert [(d, e["state"]) for d, e in events] == [("D-C2S", "to_call"), ("D-C2S", "reminder_1")]
    finally:
        service.close()


def test_status_shows_sources_and_errors(tmp_path, capsys):
    from intake.status import print_status
    url = f"sqlite:///{tmp_path}/s.db"
    service = service_for(url)
    service.state.advance("imap://alice@127.0.0.1:1/INBOX", 42, 7, 7)
    service.state.polled("imap://alice@127.0.0.1:1/INBOX", "MailboxError: login refused")
    service.close()
    out = io.StringIO()
    assert print_status(url, out) == 0
    text = out.getvalue()
    assert "imap://alice@127.0.0.1:1/INBOX" in text and "uidvalidity=42 last_uid=7" in text
    assert "last error: MailboxError: login refused" in text and "messages=7" in text


POLL = "import sys; from scheduler import poll_once; sys.exit(poll_once(sys.argv[1], process=False))"


@pytest.mark.slow
def test_two_processes_polling_one_mailbox_take_each_message_once(dovecot, db_url):
    total = 150
    dovecot.append([mail(i) for i in range(total)])
    from outputs.store import Store
    Store(db_url).close()              # schema first (`intake db upgrade`), as a deployment does
    env = {**os.environ, "PYTHONPATH": str(REPO), "INTAKE_LOG_LEVEL": "INFO",
           "INTAKE_MAILBOXES": json.dumps([dovecot.mailbox_config(batch_size=5)])}
    procs = [subprocess.Popen([sys.executable, "-c", "from intake.logs import setup_logging; setup_logging(); "
                               + POLL, db_url], env=env, cwd=REPO, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    logs = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], logs
    with Store(db_url) as store:
        with store.session() as s:
            shas = s.scalars(select(RawMessage.sha256)).all()
    assert len(shas) == total == len(set(shas))
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == total


@pytest.mark.slow
def test_sigterm_stops_the_service_cleanly(dovecot, tmp_path, monkeypatch):
    total = 300
    db_url = f"sqlite:///{tmp_path}/run.db"
    dovecot.append([mail(i) for i in range(total)])
    env = {**os.environ, "PYTHONPATH": str(REPO), "INTAKE_WORKERS": "1", "OMP_THREAD_LIMIT": "1",
           "INTAKE_MAILBOXES": json.dumps([dovecot.mailbox_config(batch_size=5)])}
    log = open(tmp_path / "run.log", "w")     # a file, not a pipe: a full pipe would block the service
    proc = subprocess.Popen([sys.executable, "-m", "intake.cli", "run", "--no-portal", "--database", db_url],
                            env=env, cwd=REPO, stderr=log)
    from outputs.store import Store
    try:
        deadline = time.monotonic() + 120
        with Store(db_url) as store:
            while time.monotonic() < deadline and proc.poll() is None:
                if count(store) >= 10:
                    break
                time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    err = (tmp_path / "run.log").read_text(errors="replace")
    assert proc.returncode == 0, err[-3000:]
    assert "intake stopped" in err
    with Store(db_url) as store:
        stored = count(store)
        with store.session() as s:
            assert s.scalar(select(func.count()).select_from(Lease)) == 0   # leases given back
        # Stopped between messages: whatever was stored was also moved; the rest is still in INBOX.
        assert dovecot.count("Processed") == stored and dovecot.count("INBOX") == total - stored
        assert 10 <= stored < total
    monkeypatch.setenv("INTAKE_MAILBOXES", env["INTAKE_MAILBOXES"])
    assert poll_once(db_url, process=False) == 0                       # a restart takes the rest, once
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == total
    with Store(db_url) as store:
        assert count(store) == total


@pytest.mark.slow
def test_poll_once_reads_mail_and_fax_into_records(dovecot, tmp_path, monkeypatch):
    if not SAMPLE_EML:
        pytest.skip("no sample messages")
    dovecot.append([p.read_bytes() for p in SAMPLE_EML[:2]])
    drop = tmp_path / "fax"
    drop.mkdir()
    (drop / "fax.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    old = time.time() - 60
    os.utime(drop / "fax.pdf", (old, old))
    monkeypatch.setenv("INTAKE_MAILBOXES", json.dumps([dovecot.mailbox_config()]))
    monkeypatch.setenv("INTAKE_FAX_DIRS", str(drop))
    url = f"sqlite:///{tmp_path}/p.db"
    assert poll_once(url, workers=1) == 0
    from outputs.store import Store
    with Store(url) as store:
        assert count(store) == 3 and count(store, RecordRow) == 3
        with store.session() as s:
            kinds = sorted(s.scalars(select(RawMessage.source_kind)).all())
            reasons = s.scalars(select(RecordRow.reasons).join(RawMessage, RawMessage.id == RecordRow.raw_message_id)
                                .where(RawMessage.source_kind == "fax")).one()
    assert kinds == ["fax", "imap", "imap"] and "unreadable_input" in reasons   # in review, not lost
    assert (drop / "processed" / "fax.pdf").exists()
    from intake.status import print_status
    out = io.StringIO()
    print_status(url, out)
    assert f"fax:{drop}" in out.getvalue() and "records by decision" in out.getvalue()


def test_poll_table_counts_per_mailbox_folder(dovecot, tmp_path, monkeypatch):
    """`intake poll`'s closing table (intake/service_report.py): one row per IMAP folder with what it found."""
    if not SAMPLE_EML:
        pytest.skip("no sample messages")
    data = [p.read_bytes() for p in SAMPLE_EML[:2]]
    dovecot.append(data + data[:1])                       # the first message twice: stored once, one duplicate
    monkeypatch.setenv("INTAKE_MAILBOXES", json.dumps([dovecot.mailbox_config()]))
    monkeypatch.setenv("INTAKE_FAX_DIRS", "")
    out = io.StringIO()
    assert poll_once(f"sqlite:///{tmp_path}/t.db", process=False, out=out) == 0
    rows = [line.split() for line in out.getvalue().splitlines()]
    assert rows[0] == ["mailbox", "folder", "new", "stored", "duplicates", "errors"]
    inbox = next(r for r in rows[2:] if r[1] == "INBOX")
    assert inbox[2:] == ["3", "2", "1", "0"] and rows[-1] == ["total", "3", "2", "1", "0"]
