"""The executor isolates each message: a hang, a memory blow-up or a crash costs only that message."""
from __future__ import annotations

import os
import time

import pytest

import intake.pipeline
from foundation.config import load_config
from intake.executor import Executor, Task
from foundation.models import MissionRecord, SourceRef
from foundation.models import Processed
from foundation.record import sha256_hex, unreadable_record


def _fake_process(raw: bytes, source: SourceRef, config) -> Processed:
    """Stands in for the pipeline inside the forked worker: behaviour chosen by the bytes."""
    if raw == b"hang":
        time.sleep(30)
    if raw == b"eat":
        hog = bytearray(400 * 1024 * 1024)
        for i in range(0, len(hog), 4096):
            hog[i] = 1
        time.sleep(30)
    if raw == b"crash":
        os._exit(7)
    if raw == b"raise":
        raise RuntimeError("bug in a stage")
    record = unreadable_record(source, sha256_hex(raw), "fine")
    return Processed(record.model_copy(update={"reasons": ["ok:" + raw.decode()]}))


@pytest.fixture
def fake_pipeline(monkeypatch):
    # Workers are forked after this patch, so they run the fake stage.
    monkeypatch.setattr(intake.pipeline, "process", _fake_process)
    monkeypatch.setattr(intake.pipeline, "warm_up", lambda config: None)


def _config(**limits):
    config = load_config(None).model_copy(deep=True)
    for key, value in limits.items():
        setattr(config.limits, key, value)
    return config


def _tasks(*payloads: bytes) -> list[Task]:
    return [Task(raw=p, source=SourceRef(uri=f"mem://{i}")) for i, p in enumerate(payloads)]


def _reasons(done: Processed) -> list[str]:
    return done.record.reasons


def test_hang_is_cut_at_the_deadline_and_the_next_message_is_read(fake_pipeline):
    with Executor(_config(document_timeout_s=1.0), workers=1) as executor:
        out = list(executor.map(_tasks(b"a", b"hang", b"b")))
    assert [_reasons(d) for d in out] == [["ok:a"], ["unreadable_input"], ["ok:b"]]
    assert "timeout" in out[1].record.fields["input"].evidence


def test_memory_ceiling_kills_the_worker(fake_pipeline):
    with Executor(_config(max_rss_mb=250, document_timeout_s=20), workers=1) as executor:
        out = list(executor.map(_tasks(b"eat", b"c")))
    assert out[0].record.reasons == ["unreadable_input"]
    assert "memory_limit" in out[0].record.fields["input"].evidence
    assert out[1].record.reasons == ["ok:c"]


def test_crash_and_exception_become_unreadable_records(fake_pipeline):
    with Executor(_config(document_timeout_s=10), workers=1) as executor:
        out = list(executor.map(_tasks(b"crash", b"raise", b"d")))
    assert "worker_crashed" in out[0].record.fields["input"].evidence
    assert "internal_error" in out[1].record.fields["input"].evidence
    assert out[2].record.reasons == ["ok:d"]
    assert all(isinstance(d.record, MissionRecord) for d in out)


def test_two_workers_keep_the_order_of_the_tasks(fake_pipeline):
    payloads = [str(i).encode() for i in range(12)] + [b"hang"] + [b"z"]
    with Executor(_config(document_timeout_s=1.0), workers=2) as executor:
        out = list(executor.map(_tasks(*payloads)))
    assert [d.record.source.uri for d in out] == [f"mem://{i}" for i in range(len(payloads))]
    assert out[12].record.reasons == ["unreadable_input"]
    assert out[13].record.reasons == ["ok:z"]
