"""Every hostile file of ../shared/corpora/real-world gives one valid record, in bounded time and memory.

Runs the real command (`intake extract DIR`) as a user would, watching the peak memory of its processes.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import CORPUS

pytestmark = pytest.mark.slow

INTAKE = Path(sys.executable).with_name("intake")


def _watch_peak_rss(proc: subprocess.Popen, peak: dict) -> None:
    try:
        root = psutil.Process(proc.pid)
    except psutil.Error:
        return
    while proc.poll() is None:
        try:
            for p in [root] + root.children(recursive=True):
                try:
                    peak[p.pid] = max(peak.get(p.pid, 0), p.memory_info().rss)
                except psutil.Error:
                    pass
        except psutil.Error:
            return
        time.sleep(0.1)


def test_every_corpus_file_gives_a_valid_record(contract_validator, tmp_path):
    if not CORPUS.exists():
        pytest.skip("corpus not beside the repository")
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix not in {".md", ".tsv"})
    assert len(files) >= 160
    peak: dict[int, int] = {}
    started = time.monotonic()
    proc = subprocess.Popen([str(INTAKE), "extract", "--workers", "2", *map(str, files)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watcher = threading.Thread(target=_watch_peak_rss, args=(proc, peak), daemon=True)
    watcher.start()
    out, err = proc.communicate(timeout=1800)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, err.decode(errors="replace")[-3000:]
    records = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
    by_uri = {r["source"]["uri"]: r for r in records}
    assert len(records) == len(files), f"{len(records)} records for {len(files)} files"
    assert set(by_uri) == {str(f) for f in files}
    problems = []
    for record in records:
        errors = list(contract_validator.iter_errors(record))
        if errors:
            problems.append(f"{record['source']['uri']}: {errors[0].message}")
        if record["decision"] == "auto_open":
            problems.append(f"{record['source']['uri']}: a hostile non-order was auto-opened")
    assert not problems, "\n".join(problems[:20])
    # Encrypted PDFs that need a user password cannot be read: they must say so.
    for name in ("enc_user_pw_test.pdf", "enc_user_pw_abc.pdf", "enc_rc4_40_foo.pdf"):
        record = by_uri[str(CORPUS / "pdf" / name)]
        assert "unreadable_input" in record["reasons"], name
    for name in ("empty_0_bytes.pdf", "trunc_5_bytes.pdf"):
        assert "unreadable_input" in by_uri[str(CORPUS / "pdf" / name)]["reasons"]
    # Bounded: no process above the per-worker ceiling (1500 MB) plus slack, and the run finishes.
    assert max(peak.values()) < 1800 * 1024 * 1024, f"peak RSS {max(peak.values()) / 2**20:.0f} MB"
    print(f"corpus: {len(files)} files in {elapsed:.1f} s, peak RSS {max(peak.values()) / 2**20:.0f} MB")
