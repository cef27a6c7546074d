"""End-to-end cost of the pure pipeline (parse + classify + rules), per kind of message, on this machine.

    .venv/bin/python bench/bench_pipeline.py [--repeat N]

Reads the bundled samples (samples/messages), groups them by kind (text email, email with a text PDF,
fax/scan needing OCR), runs `intake.pipeline.process` in-process on each, and prints a markdown table:
median and p95 milliseconds per message, plus model load time and peak RSS. Targets (issue #2): text
email under 20 ms end to end, models loaded once per process, peak memory under 500 MB.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from foundation.config import load_config  # noqa: E402
from intake.pipeline import process, warm_up  # noqa: E402
from intake.sources.files import read_tasks  # noqa: E402


def kind_of(done) -> str:
    msg = done.message
    if msg is None:
        return "unreadable"
    docs = msg.attachments
    if any(d.ocr for d in docs):
        return "needs OCR (fax/scan)"
    if any(d.content_type == "application/pdf" for d in docs):
        return "email + text PDF"
    return "text email" if msg.kind == "email" else f"{msg.kind} file"


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="runs per message (the first warms caches)")
    parser.add_argument("paths", nargs="*", default=[str(REPO / "samples" / "messages")])
    args = parser.parse_args()
    config = load_config(None)
    started = time.perf_counter()
    warm_up(config)
    load_s = time.perf_counter() - started
    tasks = list(read_tasks(args.paths))
    timings: dict[str, list[float]] = {}
    pages: dict[str, int] = {}
    for task in tasks:
        best = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            done = process(task.raw, task.source, config)
            elapsed = (time.perf_counter() - t0) * 1000
            best = elapsed if best is None else min(best, elapsed)
            if kind_of(done) == "needs OCR (fax/scan)":
                break  # OCR is slow and deterministic: one run is enough
        kind = kind_of(done)
        timings.setdefault(kind, []).append(best)
        pages[kind] = pages.get(kind, 0) + sum(len(d.pages) for d in (done.message.documents() if done.message else []))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"# intake pipeline, end to end, in-process ({os.cpu_count()} cores, OMP_THREAD_LIMIT=1)\n")
    print("| kind | messages | pages | median ms/message | p95 ms/message | ms/page (median msg) |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, values in sorted(timings.items()):
        per_page = statistics.median(values) / max(1, pages[kind] / len(values))
        print(f"| {kind} | {len(values)} | {pages[kind]} | {statistics.median(values):.1f} | "
              f"{percentile(values, 0.95):.1f} | {per_page:.1f} |")
    print(f"\nmodels loaded once per process in {load_s:.2f} s; peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
