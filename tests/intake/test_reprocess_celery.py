"""`intake reprocess --celery`: a real Celery worker (prefork, 2 children) on the local Redis and PostgreSQL
reads an archive and decides stored records again; the result is the in-process one. The test ends the
worker and checks that every process it started (pool children, their sandboxed readers) ended with it."""
from __future__ import annotations

import time
import zipfile

import pytest
from sqlalchemy import func, select

from foundation.config import load_config
from intake.reprocess import Filters, message_sources, redecide
from outputs.tables import Event
from tests.celery_worker import CeleryWorker
from tests.intake.test_reprocess import PICKS, SAMPLES
from tests.intake.test_tasks import redis_up


def _wait(predicate, worker: CeleryWorker, seconds: float = 300) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and worker.alive():
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


@pytest.mark.slow
@pytest.mark.postgres
def test_celery_reprocess_archive_then_redecide_like_in_process(pg_url, tmp_path):
    if not redis_up():
        pytest.skip("Redis is not answering on 127.0.0.1:6379")
    from intake import tasks
    from outputs.store import Store

    archive = tmp_path / "odm.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in PICKS:
            z.writestr(f"box/{name}", (SAMPLES / name).read_bytes())
    strict_path = tmp_path / "strict.yaml"
    strict_path.write_text("rules:\n  trust_threshold: 0.99\n")

    worker = CeleryWorker(tmp_path / "worker.log", children=2)
    old_queue = tasks.app.conf.task_default_queue
    tasks.app.conf.task_default_queue = worker.queue
    store = Store(pg_url)
    try:
        assert len(worker.wait_ready()) >= 2, worker.log()
        assert tasks.enqueue_paths([str(archive)], pg_url, sources=message_sources) == len(PICKS)
        assert _wait(lambda: store.counts()["raw_status"] == {"processed": len(PICKS)}, worker), worker.log()

        strict = load_config(str(strict_path))
        preview = redecide(store, strict, dry_run=True, curve=False)          # in-process, stores nothing
        to_apply = {c.record_id for c in preview.changes if c.outcome == "changed"}
        kept = {c.record_id for c in preview.changes if c.outcome == "kept"}
        assert to_apply and kept

        def applied() -> int:
            with store.session(read=True) as s:
                return s.scalar(select(func.count()).select_from(Event).where(Event.kind == "reprocessed"))
        assert tasks.enqueue_redecide(pg_url, Filters(), str(strict_path)) == len(PICKS)
        assert _wait(lambda: applied() == len(to_apply), worker), worker.log()
        time.sleep(1)
    finally:
        tasks.app.conf.task_default_queue = old_queue
        leaked = worker.stop()
    assert worker.proc.returncode is not None
    assert leaked == [], "processes outlived the worker (killed by the test)"

    after = redecide(store, load_config(str(strict_path)), dry_run=True, curve=False)
    assert {c.record_id for c in after.changes if c.outcome == "changed"} == set()    # same as in-process
    assert {c.record_id for c in after.changes if c.outcome == "kept"} == kept
    with store.session(read=True) as s:
        events = s.scalars(select(Event).where(Event.kind == "reprocessed")).all()
    assert sorted(e.record_id for e in events) == sorted(to_apply)                    # each applied once
    store.close()
