"""`intake reprocess --celery`: a real Celery worker (prefork, 2 children) on the local Redis and PostgreSQL
reads an archive and decides stored records again; the result is the in-process one. The test ends the
worker and checks that every prefork child has ended with it."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import psutil
import pytest
from sqlalchemy import func, select

from foundation.config import load_config
from intake.reprocess import Filters, message_sources, redecide
from outputs.tables import Event
from tests.intake.test_reprocess import PICKS, SAMPLES
from tests.intake.test_tasks import redis_up

REPO = Path(__file__).resolve().parents[2]


def _wait(predicate, worker, seconds: float = 300) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and worker.poll() is None:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


def _children_when_ready(worker, log_path: Path, seconds: float = 120) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and worker.poll() is None:
        if "ready." in log_path.read_text(errors="replace"):
            return psutil.Process(worker.pid).children(recursive=True)
        time.sleep(0.5)
    return []


def _stop(worker, children: list[psutil.Process]) -> list[psutil.Process]:
    """End the worker; returns every process it had started (pool children and their sandboxed readers,
    collected now, since readers are forked when the first task arrives), all waited for."""
    try:
        children = list({p.pid: p for p in children + psutil.Process(worker.pid).children(recursive=True)}.values())
    except psutil.NoSuchProcess:
        pass
    worker.terminate()
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    _gone, alive = psutil.wait_procs(children, timeout=30)
    leaked = list(alive)
    for child in alive:          # only the descendants of the worker this test started
        child.kill()
    psutil.wait_procs(alive, timeout=10)
    return leaked


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
    strict_path.write_text("rules:\n  trust_threshold: 0.95\n")

    queue = "intake-test-" + uuid.uuid4().hex[:8]
    env = {**os.environ, "PYTHONPATH": str(REPO), "INTAKE_CELERY_QUEUE": queue, "OMP_THREAD_LIMIT": "1",
           "INTAKE_BROKER_URL": "redis://127.0.0.1:6379/0"}
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")    # a file, not a pipe: a full pipe would block the worker
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "intake.tasks", "worker", "--pool=prefork",
                               "-c", "2", "-Q", queue, "--without-gossip", "--without-mingle", "--loglevel=INFO"],
                              env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    old_queue = tasks.app.conf.task_default_queue
    tasks.app.conf.task_default_queue = queue
    store = Store(pg_url)
    children: list[psutil.Process] = []
    leaked: list[psutil.Process] = []
    try:
        children = _children_when_ready(worker, log_path)
        assert len(children) >= 2, log_path.read_text(errors="replace")[-3000:]
        assert tasks.enqueue_paths([str(archive)], pg_url, sources=message_sources) == len(PICKS)
        assert _wait(lambda: store.counts()["raw_status"] == {"processed": len(PICKS)}, worker), \
            log_path.read_text(errors="replace")[-3000:]

        strict = load_config(str(strict_path))
        preview = redecide(store, strict, dry_run=True, curve=False)          # in-process, stores nothing
        to_apply = {c.record_id for c in preview.changes if c.outcome == "changed"}
        kept = {c.record_id for c in preview.changes if c.outcome == "kept"}
        assert to_apply and kept

        def applied() -> int:
            with store.session(read=True) as s:
                return s.scalar(select(func.count()).select_from(Event).where(Event.kind == "reprocessed"))
        assert tasks.enqueue_redecide(pg_url, Filters(), str(strict_path)) == len(PICKS)
        assert _wait(lambda: applied() == len(to_apply), worker), log_path.read_text(errors="replace")[-3000:]
        time.sleep(1)
    finally:
        tasks.app.conf.task_default_queue = old_queue
        leaked = _stop(worker, children)
        log.close()
    assert worker.returncode is not None
    assert leaked == [], "processes outlived the worker (killed by the test)"

    after = redecide(store, load_config(str(strict_path)), dry_run=True, curve=False)
    assert {c.record_id for c in after.changes if c.outcome == "changed"} == set()    # same as in-process
    assert {c.record_id for c in after.changes if c.outcome == "kept"} == kept
    with store.session(read=True) as s:
        events = s.scalars(select(Event).where(Event.kind == "reprocessed")).all()
    assert sorted(e.record_id for e in events) == sorted(to_apply)                    # each applied once
    store.close()
