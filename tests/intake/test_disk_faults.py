"""Full disk and read-only store (issue 12): SQLite on a small tmpfs filled mid-run, and the same file
system remounted read-only; and a fax folder poll SIGKILLed while it moves files. The poll stops with a clear message, moves nothing on the server (or out of
the fax folder) that is not committed, and resumes once space (or write access) returns. Needs root for
`mount` (skipped otherwise)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.intake.test_imap import mail

REPO = Path(__file__).resolve().parents[2]


class Tmpfs:
    def __init__(self, size: str):
        self.path = Path(tempfile.mkdtemp(prefix="tmpfs-"))
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(self.path)],
                       check=True, capture_output=True)

    def remount(self, options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(self.path)], check=True, capture_output=True)

    def free(self) -> int:
        st = os.statvfs(self.path)
        return st.f_bavail * st.f_frsize

    def close(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True)
        os.rmdir(self.path)


@pytest.fixture
def tmpfs():
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        fs = Tmpfs("3m")
    except (subprocess.CalledProcessError, FileNotFoundError) as error:
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    yield fs
    fs.close()


def counts(url: str) -> tuple[int, int]:
    """(raws, distinct sha256) in the store."""
    from sqlalchemy import func, select

    from outputs.store import Store
    from outputs.tables import RawMessage
    with Store(url, upgrade=False) as store:
        with store.session(read=True) as s:
            return (s.scalar(select(func.count()).select_from(RawMessage)),
                    s.scalar(select(func.count(func.distinct(RawMessage.sha256)))))


def fax_files(folder: Path, count: int, size: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    old = time.time() - 60
    for n in range(count):
        path = folder / f"fax{n:03d}.pdf"
        path.write_bytes(b"%PDF-1.4\n% fax " + str(n).encode() + b"\n" + os.urandom(size) + b"\n%%EOF\n")
        os.utime(path, (old, old))


def run_poll(env: dict, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "intake.cli", "poll", "--database", url], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=600)


def environment(dovecot, fax_dir: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO), "INTAKE_LOG_LEVEL": "INFO", "INTAKE_WORKERS": "1",
            "OMP_THREAD_LIMIT": "1", "INTAKE_MAILBOXES": json.dumps([dovecot.mailbox_config(batch_size=5)]),
            "INTAKE_FAX_DIRS": json.dumps([{"path": str(fax_dir), "settle_s": 0}])}


def left_in_fax_folder(fax_dir: Path) -> int:
    return sum(1 for p in fax_dir.iterdir() if p.is_file())


@pytest.mark.slow
def test_disk_fills_mid_poll_then_space_returns(dovecot, tmpfs, tmp_path, monkeypatch):
    from outputs.store import Store
    from scheduler import poll_once
    url = f"sqlite:///{tmpfs.path}/intake.db"
    Store(url).close()
    total_mail, total_fax = 40, 12
    dovecot.append([mail(i, attachment=os.urandom(60_000)) for i in range(total_mail)])   # ~3.3 MB
    fax_dir = tmp_path / "fax"
    fax_files(fax_dir, total_fax, 60_000)
    env = environment(dovecot, fax_dir)

    first = run_poll(env, url)
    err = first.stderr
    assert first.returncode == 5, err[-3000:]                       # ExitCode.database
    assert "Traceback" not in err, err[-3000:]
    assert "database or disk is full" in err, err[-3000:]            # the clear reason
    stored, distinct = counts(url)
    moved_mail, left_fax = dovecot.count("Processed"), left_in_fax_folder(fax_dir)
    assert 0 < stored < total_mail + total_fax and distinct == stored
    # nothing moved that is not committed: moved mail + moved faxes <= stored
    assert moved_mail + (total_fax - left_fax) <= stored
    assert dovecot.count("INBOX") + moved_mail == total_mail
    first_figures = (stored, moved_mail, total_fax - left_fax)

    tmpfs.remount("size=64m")                                        # space returns
    monkeypatch.setenv("INTAKE_MAILBOXES", env["INTAKE_MAILBOXES"])
    monkeypatch.setenv("INTAKE_FAX_DIRS", env["INTAKE_FAX_DIRS"])
    assert poll_once(url, process=False) == 0
    stored, distinct = counts(url)
    print(f"\nFIGURES disk full: first run stored/moved mail/moved fax = {first_figures}; after space "
          f"returned stored={stored} distinct={distinct} of {total_mail + total_fax}")
    assert stored == distinct == total_mail + total_fax              # none lost, none doubled
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == total_mail
    assert left_in_fax_folder(fax_dir) == 0


@pytest.mark.slow
def test_read_only_store_moves_nothing_then_resumes(dovecot, tmpfs, tmp_path, monkeypatch):
    from outputs.store import Store
    from scheduler import poll_once
    url = f"sqlite:///{tmpfs.path}/intake.db"
    Store(url).close()
    dovecot.append([mail(i) for i in range(5)])
    fax_dir = tmp_path / "fax"
    fax_files(fax_dir, 3, 1000)
    env = environment(dovecot, fax_dir)
    tmpfs.remount("ro")

    first = run_poll(env, url)
    err = first.stderr
    assert first.returncode == 5, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert "read-only" in err.lower() or "readonly" in err.lower(), err[-3000:]
    assert dovecot.count("INBOX") == 5 and dovecot.count("Processed") == 0
    assert left_in_fax_folder(fax_dir) == 3

    tmpfs.remount("rw")
    monkeypatch.setenv("INTAKE_MAILBOXES", env["INTAKE_MAILBOXES"])
    monkeypatch.setenv("INTAKE_FAX_DIRS", env["INTAKE_FAX_DIRS"])
    assert poll_once(url, process=False) == 0
    assert counts(url) == (8, 8)
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == 5
    assert left_in_fax_folder(fax_dir) == 0


@pytest.mark.slow
def test_fax_folder_sigkill_while_moving_then_immediate_poll(tmp_path, monkeypatch):
    """`intake poll` SIGKILLed while it stores and moves fax files, then at once again: every file stored
    once, every file moved, none left behind (a file stored but not moved is only moved the second time)."""

    from outputs.store import Store
    from tests.intake.test_survival import intake, sigkill_when
    url = f"sqlite:///{tmp_path}/fax.db"
    Store(url).close()
    total = 400
    fax_dir = tmp_path / "fax"
    fax_files(fax_dir, total, 50_000)
    env = {**os.environ, "PYTHONPATH": str(REPO), "INTAKE_LOG_LEVEL": "INFO", "INTAKE_WORKERS": "1",
           "INTAKE_FAX_DIRS": json.dumps([{"path": str(fax_dir), "settle_s": 0}])}
    first = subprocess.Popen(intake("poll", "--database", url), env=env, cwd=REPO, stderr=subprocess.DEVNULL)
    sigkill_when(first, lambda: counts(url)[0] >= 20)
    before = counts(url)[0]
    moved_before = total - left_in_fax_folder(fax_dir)
    assert moved_before <= before < total                          # nothing moved that is not stored
    from scheduler import poll_once
    monkeypatch.setenv("INTAKE_FAX_DIRS", env["INTAKE_FAX_DIRS"])
    assert poll_once(url, process=False) == 0
    stored, distinct = counts(url)
    print(f"\nFIGURES fax sigkill: first stored {before} moved {moved_before}; after restart stored={stored} "
          f"distinct={distinct} of {total}, left={left_in_fax_folder(fax_dir)}")
    assert stored == distinct == total
    assert left_in_fax_folder(fax_dir) == 0
    assert len(list((fax_dir / "processed").iterdir())) == total
