"""Batch commits in `intake ingest` (intake.ingest.BATCH, Store.add_raws / save_processed_many): the same
store as one commit per message, exactly once, a bad message in a batch loses none of the others, and a
process killed in the middle of a batch's transaction leaves nothing stored twice.

Run on SQLite and PostgreSQL (the `database_url` fixture); the reader is test_ingest's stand-in (`read`).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from intake.ingest import ingest_tasks, store_tasks
from intake.executor import Task
from intake.sources.files import read_tasks
from outputs.ledger import NewRaw
from outputs.store import Store
from outputs.tables import Dossier, DocumentRow, Event, RawMessage, RecordRow
from tests.intake.test_ingest import FlakyStore, read
from tests.outputs.factories import eml, src

REPO = Path(__file__).resolve().parents[2]


def _mails(folder: Path, count: int = 9) -> list[str]:
    """Orders, duplicates of the same claim inside and across batches, a follow-up, the same bytes twice."""
    folder.mkdir(exist_ok=True)
    paths = []
    for n in range(count):
        claim = f"B{n % 3}"
        subject = "RE: suivi" if n == 7 else "Ordre de mission"
        data = eml(claim, f"Tue, 05 Mar 2024 10:{n:02d}:00 +0000", subject=subject, body=f"mail {n}")
        path = folder / f"m{n:02d}.eml"
        path.write_bytes(data)
        paths.append(str(path))
    (folder / "again.eml").write_bytes(Path(paths[2]).read_bytes())
    return paths + [str(folder / "again.eml")]


def _picture(store) -> dict:
    """What a reviewer and the export see, without ids or times: per message, its decision and dossier."""
    with store.session(read=True) as s:
        counts = {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                  for m in (RawMessage, RecordRow, Dossier, DocumentRow)}
        counts["events"] = sorted(s.scalars(select(Event.kind)).all())
        counts["distinct records"] = s.scalar(select(func.count(func.distinct(RecordRow.raw_message_id))))
    out = {r["source"]["uri"].rsplit("/", 1)[-1]: (r["decision"], r["dossier_id"], tuple(r["reasons"]))
           for r in store.export_records()}
    return {"counts": counts, "records": out}


def test_batches_store_what_one_commit_per_message_stores(tmp_path, database_url):
    paths = _mails(tmp_path / "in")
    with Store(f"sqlite:///{tmp_path}/one.db") as one:
        ingest_tasks(one, read_tasks(paths), read, batch=1)
        expected = _picture(one)
    with Store(database_url) as store:
        first = ingest_tasks(store, read_tasks(paths), read, batch=4)
        assert (first.messages, first.new, first.processed, first.failed) == (9, 9, 9, 0)
        assert _picture(store) == expected
        assert expected["counts"]["records"] == expected["counts"]["distinct records"] == 9
        assert sorted(d for d, _dossier, _r in expected["records"].values()).count("attach") == 6
        again = ingest_tasks(store, read_tasks(paths), read, batch=4)   # exactly once: nothing new
        assert (again.new, again.processed, again.skipped) == (0, 0, 9)
        assert _picture(store) == expected


def test_add_raws_keeps_each_bytes_once_in_and_across_batches(database_url):
    with Store(database_url) as store:
        known = store.add_raw(eml("B1", "Tue, 05 Mar 2024 10:00:00 +0000"), src("/a.eml"), "file").raw_id
        raws = [eml("B1", "Tue, 05 Mar 2024 10:00:00 +0000"), eml("B2", "Tue, 05 Mar 2024 11:00:00 +0000"),
                eml("B2", "Tue, 05 Mar 2024 11:00:00 +0000"), eml("B3", "Tue, 05 Mar 2024 12:00:00 +0000")]
        stored = store.add_raws([NewRaw(r, src(f"/{n}.eml"), "file") for n, r in enumerate(raws)])
        assert [s.created for s in stored] == [False, True, False, True]
        assert stored[0].raw_id == known and stored[1].raw_id == stored[2].raw_id
        with store.session(read=True) as s:
            assert s.scalar(select(func.count()).select_from(RawMessage)) == 3
            assert s.scalar(select(func.count()).select_from(Event).where(Event.kind == "received")) == 3
        assert store.load_raws([stored[3].raw_id])[stored[3].raw_id][0] == raws[3]


def test_a_bad_message_inside_a_batch_loses_none_of_the_others(tmp_path, database_url):
    folder = tmp_path / "in"
    paths = _mails(folder, count=5)[:5]
    Path(paths[2]).write_bytes(eml("B9", "Tue, 05 Mar 2024 10:02:00 +0000", body="BAD-WRITE"))
    with FlakyStore(database_url) as store:
        summary = ingest_tasks(store, read_tasks(paths), read, batch=5)   # one batch holding all five
        assert (summary.processed, summary.failed) == (4, 1)
        picture = _picture(store)
        assert set(picture["records"]) == {"m00.eml", "m01.eml", "m03.eml", "m04.eml"}
        assert picture["counts"]["records"] == picture["counts"]["distinct records"] == 4
        assert picture["counts"]["documents"] == 8       # two per saved message, none of the bad one
        with store.session(read=True) as s:
            bad = s.scalars(select(RawMessage).where(RawMessage.source_uri == paths[2])).one()
            assert (bad.status, bad.attempts) == ("failed", 1)
            assert s.scalar(select(func.count()).select_from(Event).where(Event.kind == "routed")) == 4


KILLER = """
import os, signal, sys
sys.path.insert(0, {repo!r})
from intake.ingest import ingest_tasks
from intake.sources.files import read_tasks
from outputs.store import Store
from tests.intake.test_ingest import read

class DyingStore(Store):
    # killed in the middle of a batch's transaction: rows of that batch added, nothing committed yet
    def _store_documents(self, session, raw_id, message):
        if message is not None and "mail 6" in message.body.pages[0].text:
            session.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return Store._store_documents(session, raw_id, message)

with DyingStore({url!r}) as store:
    ingest_tasks(store, read_tasks({paths!r}), read, batch=4)
"""


def test_killed_in_the_middle_of_a_batch_stores_nothing_twice(tmp_path, database_url):
    paths = _mails(tmp_path / "in")
    script = KILLER.format(repo=str(REPO), url=database_url, paths=paths)
    proc = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with Store(database_url) as store:
        with store.session(read=True) as s:
            statuses = dict(s.execute(select(RawMessage.source_uri, RawMessage.status)).all())
            saved = s.scalar(select(func.count()).select_from(RecordRow))
        assert len(statuses) == 9                          # every raw was committed before reading
        assert saved == 4                                  # the first batch; the second died uncommitted
        assert sorted(statuses.values()).count("pending") == 5
        summary = ingest_tasks(store, read_tasks(paths), read, batch=4)
        assert (summary.new, summary.processed, summary.failed) == (0, 5, 0)
        picture = _picture(store)
    with Store(f"sqlite:///{tmp_path}/one.db") as one:
        ingest_tasks(one, read_tasks(paths), read, batch=1)
        assert picture == _picture(one)


def test_store_tasks_batch_one_and_many_give_the_same_ids(tmp_path, database_url):
    tasks = [Task(raw=eml(f"B{n}", "Tue, 05 Mar 2024 10:00:00 +0000"), source=src(f"/{n}.eml")) for n in range(5)]
    with Store(database_url) as store:
        first = store_tasks(store, tasks[:2], batch=1)
        second = store_tasks(store, tasks, batch=3)
        assert (first.new, second.new, second.known) == (2, 3, 2)
        assert second.raw_ids[:2] == first.raw_ids and len(set(second.raw_ids)) == 5
