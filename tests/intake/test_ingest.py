"""`intake ingest`: raw stored first, Date order, idempotent, one failure does not stop the run.

The reading itself is another helper's (parsers, classifiers, rules); these tests feed the store through a
small deterministic reader (`read`) so they check ingest's own promises whatever the extraction accuracy.
The end-to-end test with the real pipeline is `slow` and skipped until the pipeline's modules exist.
"""
from __future__ import annotations

import importlib.util
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from foundation.errors import DatabaseError
from intake.ingest import ingest_paths, ingest_tasks, process_pending
from foundation.models import Processed
from intake.sources.files import read_tasks
from outputs.tables import Dossier, DocumentRow, Event, RawMessage, RecordRow
from outputs.store import Store
from tests.outputs.factories import eml, message_for, record_for


def read(tasks):
    """A stand-in reader: the claim after "Sinistre:", "RE:" subjects are follow-ups, "bad" files fail later."""
    for task in tasks:
        text = task.raw.decode("utf-8", "replace")
        claim = re.search(r"Sinistre:\s*(\S+)", text)
        follow = re.search(r"^Subject: RE:", text, re.M)
        record = record_for(task.raw, task.source, claim=claim.group(1) if claim else None,
                            document_type="follow_up" if follow else "mission_order")
        yield Processed(record, message_for(task.raw))


def _write(path: Path, data: bytes, mtime: datetime | None = None) -> str:
    path.write_bytes(data)
    if mtime:
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return str(path)


def _snapshot(store) -> dict:
    with store.session() as s:
        return {model.__tablename__: s.scalar(select(func.count()).select_from(model))
                for model in (RawMessage, RecordRow, Dossier, DocumentRow, Event)}


def _by_uri(store) -> dict:
    return {r["source"]["uri"]: r for r in store.export_records()}


def test_date_order_wins_over_path_order(tmp_path, database_url):
    late = _write(tmp_path / "a_late.eml", eml("B1234567", "Thu, 07 Mar 2024 09:00:00 +0100"))
    early = _write(tmp_path / "z_early.eml", eml("B1234567", "Tue, 05 Mar 2024 09:00:00 +0100"))
    with Store(database_url) as store:
        summary = ingest_tasks(store, read_tasks([late, early]), read)
        out = _by_uri(store)
    assert summary.new == 2 and summary.processed == 2 and summary.decisions == {"auto_open": 1, "attach": 1}
    assert out[early]["decision"] == "auto_open"
    assert out[late]["decision"] == "attach" and out[late]["reasons"] == ["duplicate"]
    assert out[late]["dossier_id"] == out[early]["dossier_id"]


def test_fax_then_mail_attach_to_the_fax_dossier(tmp_path, database_url):
    fax = _write(tmp_path / "fax.tif", b"II*\x00 Sinistre: B7654321 ", datetime(2024, 3, 5, 8, 0, tzinfo=timezone.utc))
    mail = _write(tmp_path / "mail.eml", eml("B7654321", "Tue, 05 Mar 2024 11:00:00 +0100"))
    reply = _write(tmp_path / "reply.eml", eml("B7654321", "Wed, 06 Mar 2024 11:00:00 +0100", subject="RE: ODM"))
    with Store(database_url) as store:
        ingest_tasks(store, read_tasks([reply, mail, fax]), read)
        out = _by_uri(store)
    assert out[fax]["decision"] == "auto_open" and out[fax]["dossier_id"]
    assert (out[mail]["decision"], out[mail]["reasons"], out[mail]["dossier_id"]) == (
        "attach", ["duplicate"], out[fax]["dossier_id"])
    assert (out[reply]["decision"], out[reply]["reasons"], out[reply]["dossier_id"]) == (
        "attach", ["follow_up"], out[fax]["dossier_id"])


def test_ingesting_twice_changes_nothing(tmp_path, database_url):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(4):
        _write(folder / f"{n}.eml", eml(f"B00{n % 2}", f"Tue, 05 Mar 2024 1{n}:00:00 +0000"))
    with Store(database_url) as store:
        first = ingest_tasks(store, read_tasks([str(folder)]), read)
        before, exported = _snapshot(store), list(store.export_records())
        second = ingest_tasks(store, read_tasks([str(folder)]), read)
        assert _snapshot(store) == before and list(store.export_records()) == exported
    assert first.new == 4 and first.processed == 4
    assert second.new == 0 and second.processed == 0 and second.skipped == 4
    assert before["dossiers"] == 2


class FlakyStore(Store):
    """The real store, whose write fails for the messages saying BAD-WRITE, in the middle of the record's
    transaction (after its record row was added): a stand-in for a database write error. The same step
    serves a batch's transaction and a single message's."""

    def _store_documents(self, session, raw_id, message):
        if message is not None and "BAD-WRITE" in message.body.pages[0].text:
            raise RuntimeError("simulated write failure")
        return Store._store_documents(session, raw_id, message)


def test_one_failure_is_marked_and_the_run_goes_on_then_retried(tmp_path, database_url):
    good = _write(tmp_path / "good.eml", eml("B1", "Tue, 05 Mar 2024 10:00:00 +0000"))
    bad = _write(tmp_path / "bad.eml", eml("B2", "Mon, 04 Mar 2024 10:00:00 +0000", body="BAD-WRITE"))
    with FlakyStore(database_url) as store:
        summary = ingest_tasks(store, read_tasks([bad, good]), read)
        assert summary.processed == 1 and summary.failed == 1
        with store.session() as s:
            row = s.scalars(select(RawMessage).where(RawMessage.source_uri == bad)).one()
            assert (row.status, row.attempts) == ("failed", 1) and "simulated" in row.error
            assert row.raw == Path(bad).read_bytes()  # nothing lost
    with Store(database_url) as store:  # the next run reads it again
        summary = ingest_tasks(store, read_tasks([bad, good]), read)
        assert summary.processed == 1 and summary.skipped == 1
        assert set(_by_uri(store)) == {good, bad}


def test_process_pending_reads_what_a_door_stored(tmp_path, database_url):
    with Store(database_url) as store:
        for n, date in enumerate(["Wed, 06 Mar 2024 10:00:00 +0000", "Mon, 04 Mar 2024 10:00:00 +0000"]):
            store.add_raw(eml("B42", date), __import__("foundation.models", fromlist=["SourceRef"]).SourceRef(
                uri=f"imap://u@h/INBOX;UIDVALIDITY=1/;UID={n + 1}"), "imap", mailbox="imap://u@h/INBOX")
        summary = process_pending(store, read, limit=10)
        out = _by_uri(store)
        assert summary.processed == 2 and store.pending_raw_ids() == []
    assert out["imap://u@h/INBOX;UIDVALIDITY=1/;UID=2"]["decision"] == "auto_open"  # older Date opens
    assert out["imap://u@h/INBOX;UIDVALIDITY=1/;UID=1"]["reasons"] == ["duplicate"]


def test_unreachable_database_raises_and_loses_nothing(tmp_path):
    path = _write(tmp_path / "a.eml", eml("B1", "Tue, 05 Mar 2024 10:00:00 +0000"))
    before = Path(path).read_bytes()
    with pytest.raises(DatabaseError):
        ingest_paths([path], "postgresql+psycopg://postgres@127.0.0.1:1/test", workers=0)
    assert Path(path).read_bytes() == before
    from intake.cli import main
    assert main(["ingest", path, "--database", f"sqlite:///{tmp_path}/no/such/folder.db", "--workers", "0"]) == 5


PIPELINE_READY = all(importlib.util.find_spec(m) is not None
                     for m in ("parsers.message", "classifiers.pipeline", "rulestage.rules"))


@pytest.mark.slow
@pytest.mark.skipif(not PIPELINE_READY, reason="the parsers/classifiers/rules modules are not there yet")
def test_ingest_paths_end_to_end_with_the_real_pipeline(tmp_path, contract_validator):
    url = f"sqlite:///{tmp_path}/e2e.db"
    mail = _write(tmp_path / "mail.eml", eml("B1234567", "Tue, 05 Mar 2024 11:00:00 +0100",
                                              body="Ordre de mission dégât des eaux, assuré M. DUPONT"))
    first = ingest_paths([mail], url, workers=1)
    again = ingest_paths([mail], url, workers=1)
    assert first.new == 1 and again.new == 0 and again.processed == 0
    from outputs.exporters import records
    (record,) = list(records(url))
    assert not list(contract_validator.iter_errors(record))
