"""Store throughput: add_raw + save_processed + export for N synthetic messages; prints a table.

    .venv/bin/python bench/bench_store.py [N] [DATABASE_URL]

Records are built directly (no parsing), so this measures the store alone: raw insert, DB routing
(a third of the messages are duplicates of an earlier claim), documents, events, and export.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from outputs.store import Store  # noqa: E402
from tests.outputs.factories import eml, processed, src  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    store = Store(url)
    raws = [eml(f"B{n_ % max(1, n * 2 // 3):07d}", f"Tue, 05 Mar 2024 10:{n_ % 60:02d}:00 +0000", body=f"msg {n_}")
            for n_ in range(n)]
    timings = {}
    t = time.perf_counter()
    ids = [store.add_raw(raw, src(f"/bench/{i}.eml"), "file")[0] for i, raw in enumerate(raws)]
    timings["add_raw"] = time.perf_counter() - t
    t = time.perf_counter()
    for i, (raw_id, raw) in enumerate(zip(ids, raws)):
        claim = raw.split(b"Sinistre: ")[1].split(b"\r\n")[0].decode()
        store.save_processed(raw_id, processed(raw, src(f"/bench/{i}.eml"), claim=claim))
    timings["save_processed"] = time.perf_counter() - t
    t = time.perf_counter()
    exported = sum(1 for _ in store.export_records())
    timings["export"] = time.perf_counter() - t
    store.close()
    print(f"database: {url.split('?')[0]}   messages: {n}   exported: {exported}")
    print(f"{'step':<16}{'total s':>10}{'ms/msg':>10}{'msg/s':>10}")
    for step, seconds in timings.items():
        print(f"{step:<16}{seconds:>10.2f}{1000 * seconds / n:>10.2f}{n / seconds if seconds else 0:>10.0f}")


if __name__ == "__main__":
    main()
