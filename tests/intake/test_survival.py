"""Issue 12: a lease that frees itself when its holder dies, quiet recovery from a database outage, and a
poll that fails part-way saying what it stored. Real processes (`intake poll`, `intake run`), a real
Dovecot, and a private PostgreSQL that the test stops (never the shared one)."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from outputs.tables import RawMessage
from tests.intake.test_imap import mail
from tests.pgserver import PrivatePostgres, available as pg_available

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def private_pg():
    if not pg_available():
        pytest.skip("no PostgreSQL server binaries (postgresql package) on this machine")
    server = PrivatePostgres()
    yield server
    server.destroy()


def env_for(dovecot, **box) -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO), "INTAKE_LOG_LEVEL": "INFO", "INTAKE_WORKERS": "1",
            "OMP_THREAD_LIMIT": "1", "INTAKE_MAILBOXES": json.dumps([dovecot.mailbox_config(**box)])}


def intake(*args: str) -> list[str]:
    return [sys.executable, "-m", "intake.cli", *args]


def raw_count(url: str) -> int:
    from outputs.store import Store
    with Store(url, upgrade=False) as store:
        with store.session(read=True) as s:
            return s.scalar(select(func.count()).select_from(RawMessage))


def shas(url: str) -> list[str]:
    from outputs.store import Store
    with Store(url, upgrade=False) as store:
        with store.session(read=True) as s:
            return list(s.scalars(select(RawMessage.sha256)))


def sigkill_when(proc, ready, timeout: float = 120) -> None:
    """SIGKILL `proc` as soon as `ready()` holds (a poll part-way through its batch); it must not end first."""
    try:
        assert wait_until(ready, timeout, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, "the first poll ended before it could be killed"


def wait_until(predicate, timeout: float, proc=None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if proc is not None and proc.poll() is not None:
            return predicate()
        time.sleep(0.05)
    return False


def poll_done(log_text: str) -> dict:
    line = [ln for ln in log_text.splitlines() if "poll done" in ln][-1]
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line)}


# --------------------------------------------------------------------------- (a) a dead holder's lease


@pytest.mark.slow
def test_poll_right_after_sigkill_takes_the_rest_at_once(dovecot, db_url, tmp_path):
    """`intake poll` SIGKILLed mid-batch, then an immediate `intake poll`: it must not find the dead
    process's lease and skip for minutes; it stores the rest, each message once, and exits 0."""
    kill_then_poll_again(dovecot, db_url, tmp_path)


def kill_then_poll_again(server, db_url: str, tmp_path: Path, total: int = 40) -> dict:
    """The kill test on any IMAP server fixture (tests.dovecot, tests.cyrus); returns the figures."""
    from outputs.store import Store
    server.append([mail(i, body="x" * 2000) for i in range(total)])
    Store(db_url).close()
    env = env_for(server, batch_size=5)
    with open(tmp_path / "first.log", "w") as first_log:
        first = subprocess.Popen(intake("poll", "--database", db_url), env=env, cwd=REPO, stderr=first_log)
        sigkill_when(first, lambda: raw_count(db_url) >= 8)
    before = raw_count(db_url)
    assert 8 <= before < total

    second = subprocess.run(intake("poll", "--database", db_url), env=env, cwd=REPO, capture_output=True,
                            text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "being polled by another process" not in second.stderr
    done = poll_done(second.stderr)
    assert int(done["new"]) == total - before
    stored = shas(db_url)
    print(f"\nFIGURES sigkill: first stored {before}, restart new={done['new']}, total={len(stored)} "
          f"unique={len(set(stored))} of {total}")
    assert len(stored) == total == len(set(stored))                 # none lost, none doubled
    assert server.count("INBOX") == 0 and server.count("Processed") == total
    return {"first": before, "restart": int(done["new"]), "stored": len(stored), "unique": len(set(stored))}


def test_a_live_holder_still_keeps_a_second_poller_out(dovecot, db_url):
    """The lock is held by the live holder until it lets go; then the next one gets it at once."""
    from intake.mailboxes import MailboxConfig, Sources
    from scheduler import Service
    dovecot.append([mail(i) for i in range(3)])
    box = MailboxConfig(**dovecot.mailbox_config())
    one = Service(db_url, sources=Sources(mailboxes=[box]), workers=1)
    two = Service(db_url, sources=Sources(mailboxes=[box]), workers=1)
    try:
        with one.lease(f"poll:imap:{box.authority()}", ttl_s=60) as mine:
            assert mine
            assert two.poll_mailbox(box) == 0
            assert dovecot.count("INBOX") == 3
        assert two.poll_mailbox(box) == 3
        assert dovecot.count("INBOX") == 0
    finally:
        one.close()
        two.close()


# --------------------------------------------------------------------------- (b) the database goes away


@pytest.mark.slow
def test_database_outage_one_warning_back_off_one_line_on_recovery(dovecot, private_pg, tmp_path):
    url = private_pg.url
    from outputs.store import Store
    Store(url).close()
    dovecot.append([mail(i) for i in range(3)])
    env = {**env_for(dovecot, batch_size=5), "INTAKE_POLL_INTERVAL_S": "1"}
    log_path = tmp_path / "run.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(intake("run", "--no-portal", "--database", url), env=env, cwd=REPO, stderr=log)
        try:
            assert wait_until(lambda: raw_count(url) == 3, 120, proc), log_path.read_text()[-3000:]
            private_pg.stop("immediate")
            outage_start = time.monotonic()
            time.sleep(20)                                   # about ten intervals of the job
            outage_log = log_path.read_text(errors="replace")
            private_pg.start()
            outage_s = time.monotonic() - outage_start
            dovecot.append([mail(i) for i in range(3, 6)])
            assert wait_until(lambda: raw_count(url) == 6, 120, proc), log_path.read_text()[-3000:]
            time.sleep(2)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(120)
            finally:
                if proc.poll() is None:
                    proc.kill()
    text = log_path.read_text(errors="replace")
    assert proc.returncode == 0, text[-3000:]
    assert "Traceback" not in text, text[-5000:]
    assert text.count("database unavailable") == 1, text[-5000:]
    assert text.count("database available again") == 1, text[-5000:]
    # back-off: far fewer tries than jobs (one job a second during the outage)
    recovered = [ln for ln in text.splitlines() if "database available again" in ln][0]
    tries = int(re.search(r"tries=(\d+)", recovered).group(1))
    assert "database unavailable" in outage_log
    print(f"\nFIGURES outage: {outage_s:.0f} s down, {tries} tries, stored={len(shas(url))} of 6")
    assert tries <= 6, f"{tries} tries in {outage_s:.0f} s"
    stored = shas(url)
    assert len(stored) == 6 == len(set(stored))
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == 6


# --------------------------------------------------------------------------- (c) a poll that fails part-way


@pytest.mark.slow
def test_poll_failing_part_way_reports_what_it_stored(dovecot, private_pg, tmp_path):
    url = private_pg.url
    from outputs.store import Store
    Store(url).close()
    total = 200
    dovecot.append([mail(i, body="y" * 3000) for i in range(total)])
    env = env_for(dovecot, batch_size=5)
    with open(tmp_path / "poll.log", "w") as log:
        proc = subprocess.Popen(intake("poll", "--database", url), env=env, cwd=REPO, stderr=log)
        try:
            assert wait_until(lambda: raw_count(url) >= 20, 120, proc)
            private_pg.stop("immediate")
            proc.wait(300)
        finally:
            if proc.poll() is None:
                proc.kill()
    text = (tmp_path / "poll.log").read_text(errors="replace")
    private_pg.start()
    stored = raw_count(url)
    assert 20 <= stored < total
    assert proc.returncode == 5, text[-3000:]                    # ExitCode.database
    assert "Traceback" not in text, text[-3000:]
    print(f"\nFIGURES part-way: reported new={poll_done(text)['new']} stored={stored} "
          f"moved={dovecot.count('Processed')} left={dovecot.count('INBOX')} of {total}")
    assert int(poll_done(text)["new"]) == stored, text[-3000:]
    # Nothing left the INBOX that is not stored; the next poll takes the rest.
    assert dovecot.count("Processed") <= stored
    assert dovecot.count("INBOX") + dovecot.count("Processed") == total
