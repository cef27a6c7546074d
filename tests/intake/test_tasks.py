"""Celery scale-out: a real worker process on the local Redis and PostgreSQL reads each raw exactly once."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from foundation.models import SourceRef
from outputs.tables import Event, RawMessage, RecordRow
from tests.conftest import kill_and_wait

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted((REPO / "samples" / "messages").glob("*.eml"))[:6]


def stop_with_children(proc: subprocess.Popen, timeout: float = 60) -> None:
    """Stop a process and every process it started (Celery's prefork children outlive a parent killed alone)."""
    import psutil
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        children = []
    proc.terminate()                       # warm shutdown: the parent asks its pool to finish and exit
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    _, alive = psutil.wait_procs(children, timeout=10)
    kill_and_wait(alive)


def redis_up() -> bool:
    try:
        import redis
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=2).ping())
    except Exception:  # noqa: BLE001
        return False


@pytest.mark.slow
@pytest.mark.postgres
def test_celery_worker_processes_each_raw_exactly_once(pg_url, tmp_path):
    if not redis_up():
        pytest.skip("Redis is not answering on 127.0.0.1:6379")
    if not SAMPLES:
        pytest.skip("no sample messages")
    from intake import tasks
    from outputs.store import Store

    queue = "intake-test-" + uuid.uuid4().hex[:8]
    store = Store(pg_url)
    for path in SAMPLES:
        store.add_raw(path.read_bytes(), SourceRef(uri=str(path), filename=path.name), kind="file")
    env = {**os.environ, "PYTHONPATH": str(REPO), "INTAKE_CELERY_QUEUE": queue, "OMP_THREAD_LIMIT": "1",
           "INTAKE_BROKER_URL": "redis://127.0.0.1:6379/0"}
    log = open(tmp_path / "worker.log", "w")   # a file, not a pipe: a full pipe would block the worker
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "intake.tasks", "worker", "--pool=prefork",
                               "-c", "2", "-Q", queue, "--without-gossip", "--without-mingle", "--loglevel=INFO"],
                              env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    old_queue = tasks.app.conf.task_default_queue
    tasks.app.conf.task_default_queue = queue
    try:
        # Every raw enqueued twice (a double submission): still one record each.
        assert tasks.enqueue_pending(pg_url) == len(SAMPLES)
        assert tasks.enqueue_pending(pg_url) == len(SAMPLES)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and worker.poll() is None:
            if not store.pending_raw_ids(limit=1000, include_failed=True):
                break
            time.sleep(0.5)
        time.sleep(2)  # let the duplicate deliveries run too
    finally:
        tasks.app.conf.task_default_queue = old_queue
        stop_with_children(worker)
        log.close()
    err = (tmp_path / "worker.log").read_text(errors="replace")
    with store.session() as s:
        statuses = s.scalars(select(RawMessage.status)).all()
        records = s.scalar(select(func.count()).select_from(RecordRow))
        per_raw = s.execute(select(RecordRow.raw_message_id, func.count()).group_by(RecordRow.raw_message_id)).all()
        parsed = s.scalar(select(func.count()).select_from(Event).where(Event.kind == "parsed"))
    store.close()
    assert statuses == ["processed"] * len(SAMPLES), err[-3000:]
    assert records == len(SAMPLES) and all(n == 1 for _, n in per_raw)
    assert parsed == len(SAMPLES)                      # read once: one "parsed" event per raw
