"""The fax drop folder: complete files only, stored once, moved to processed/ after the commit."""
from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import select

from intake.mailboxes import FaxDirConfig, load_sources
from intake.sources.fax import FaxPoller, is_temporary
from outputs.mailboxes import StateTables
from outputs.tables import RawMessage
from outputs.store import Store

TIFF = b"II*\x00" + b"\x00" * 200   # a (broken) TIFF: the pipeline still gives it a review record
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def sqlite_store(tmp_path):
    with Store(f"sqlite:///{tmp_path}/fax.db") as store:
        yield store


def rows(store) -> list[RawMessage]:
    with store.session() as s:
        return list(s.scalars(select(RawMessage).order_by(RawMessage.id)).all())


def age(path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_complete_files_stored_once_and_moved(tmp_path, sqlite_store):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "fax1.tif").write_bytes(TIFF)
    (drop / "fax2.pdf").write_bytes(PDF)
    (drop / "fax3.pdf").write_bytes(PDF)            # same bytes again: stored once, moved anyway
    (drop / "fax4.tif.part").write_bytes(TIFF + b"x")
    (drop / ".hidden.tif").write_bytes(TIFF + b"y")
    (drop / "fax5.tmp").write_bytes(TIFF + b"z")
    for p in drop.iterdir():
        age(p, 60)
    poller = FaxPoller(FaxDirConfig(path=str(drop), settle_s=0.2), sqlite_store, StateTables(sqlite_store.engine))
    result = poller.poll()
    assert (result.stored, result.duplicates, result.moved) == (2, 1, 3)
    assert sorted(p.name for p in drop.iterdir() if p.is_file()) == [".hidden.tif", "fax4.tif.part", "fax5.tmp"]
    assert sorted(p.name for p in (drop / "processed").iterdir()) == ["fax1.tif", "fax2.pdf", "fax3.pdf"]
    stored = rows(sqlite_store)
    assert [r.source_kind for r in stored] == ["fax", "fax"]
    assert stored[0].source_uri == str(drop / "fax1.tif") and stored[0].raw == TIFF
    assert abs(stored[0].received_at.timestamp() - (time.time() - 60)) < 5   # arrival = mtime
    assert sqlite_store.mailbox_state(poller.key)["messages"] == 2
    # The same name dropped again later (new content) does not overwrite the processed one.
    (drop / "fax1.tif").write_bytes(TIFF + b"2")
    age(drop / "fax1.tif", 60)
    assert poller.poll().stored == 1
    assert sorted(p.name for p in (drop / "processed").iterdir()) == ["fax1.1.tif", "fax1.tif", "fax2.pdf",
                                                                      "fax3.pdf"]


def test_growing_file_waits_until_complete(tmp_path, sqlite_store):
    drop = tmp_path / "drop"
    drop.mkdir()
    target = drop / "incoming.tif"
    poller = FaxPoller(FaxDirConfig(path=str(drop), settle_s=0.5), sqlite_store)
    with open(target, "wb") as out:
        out.write(TIFF[:50]); out.flush()
        assert poller.poll().waiting == ["incoming.tif"]     # fresh: not settled
        out.write(TIFF[50:120]); out.flush()
        time.sleep(0.6)
        out.write(TIFF[120:]); out.flush()                   # still growing between the two looks
        assert poller.poll().stored == 0
    time.sleep(0.6)
    result = poller.poll()
    assert result.stored == 1 and not target.exists()
    assert rows(sqlite_store)[0].raw == TIFF


def test_crash_between_commit_and_move_is_finished_next_time(tmp_path, sqlite_store):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "fax.pdf").write_bytes(PDF)
    age(drop / "fax.pdf", 60)
    # Simulate the crash: the bytes are committed, the file was never moved.
    from foundation.models import SourceRef
    sqlite_store.add_raw(PDF, SourceRef(uri=str(drop / "fax.pdf")), kind="fax")
    result = FaxPoller(FaxDirConfig(path=str(drop)), sqlite_store).poll()
    assert (result.stored, result.duplicates, result.moved) == (0, 1, 1)
    assert len(rows(sqlite_store)) == 1 and not (drop / "fax.pdf").exists()


def test_missing_folder_is_not_an_error(tmp_path, sqlite_store):
    assert FaxPoller(FaxDirConfig(path=str(tmp_path / "nope")), sqlite_store).poll().stored == 0


def test_temporary_names():
    assert all(is_temporary(n) for n in (".x.tif", "a.tmp", "a.PART", "b.pdf.partial", "c~", "~$d.pdf"))
    assert not any(is_temporary(n) for n in ("fax.tif", "fax.pdf", "FAX 2026-11-02.TIFF"))


def test_sources_from_environment_and_yaml(tmp_path, monkeypatch):
    config = tmp_path / "c.yaml"
    config.write_text("mailboxes:\n  - {host: 127.0.0.1, security: plain, user: a, password_env: PW}\n"
                      "fax_dirs: [/srv/fax]\n")
    monkeypatch.setenv("PW", "s3cret")
    monkeypatch.setenv("INTAKE_FAX_DIRS", f"{tmp_path}/f1{os.pathsep}{tmp_path}/f2")
    monkeypatch.setenv("INTAKE_MAILBOXES", '[{"host": "imap.example.com", "user": "b", "oauth2_token": "t",'
                                           ' "move_to": null, "flag": "$Intake", "interval_s": 30}]')
    sources = load_sources(str(config))
    assert [b.label for b in sources.mailboxes] == ["a@127.0.0.1", "b@imap.example.com"]
    assert sources.mailboxes[0].password.get_secret_value() == "s3cret"
    assert sources.mailboxes[1].interval_s == 30 and sources.mailboxes[1].move_to is None
    assert [f.path for f in sources.fax_dirs] == ["/srv/fax", f"{tmp_path}/f1", f"{tmp_path}/f2"]
    monkeypatch.setenv("INTAKE_MAILBOXES", '[{"host": "h", "user": "u", "password": "leak-me", "port": "x"}]')
    from foundation.errors import ConfigError
    with pytest.raises(ConfigError) as info:
        load_sources(None)
    assert "mailbox #1" in str(info.value) and "leak-me" not in str(info.value)
