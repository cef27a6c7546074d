"""Re-decision from the store against the first read of the same archive with OCR.

The archive is the samples' faxes and scans (TIFF and PDF pages read by Tesseract) plus their text mails,
zipped. Cases, measured in one run on one fresh SQLite store (and PostgreSQL with --postgres):
  first read        `intake reprocess ARCHIVE`: store, parse, OCR, classify, rules, route, save (1 reader)
  from store        `--from-store --dry-run` without the threshold curve: cached parse, classify + rules
  shadow report     the same with the 11-point threshold curve (rules run 12 times per message)
  reread            `--from-store --reread --dry-run`: parse and OCR again (what the cache saves)
Models are loaded before the clock starts in every case. Prints a table; nothing is asserted.

    .venv/bin/python bench/bench_reprocess.py [--scans-only] [--postgres]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

SAMPLES = REPO / "samples" / "messages"
SCANS = (".tif", ".tiff", ".pdf")


def build_archive(folder: Path, scans_only: bool) -> tuple[Path, int, int]:
    files = sorted(p for p in SAMPLES.iterdir() if p.is_file())
    scans = [p for p in files if p.suffix.lower() in SCANS]
    chosen = scans if scans_only else scans + [p for p in files if p.suffix.lower() == ".eml"]
    archive = folder / "archive.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in chosen:
            z.write(p, arcname=f"box/{p.name}")
    return archive, len(chosen), len(scans)


def run(url: str, archive: Path) -> list[tuple[str, int, float]]:
    from foundation.config import load_config
    from intake.executor import Executor
    from intake.ingest import process_raw_ids, store_tasks
    from intake.pipeline import warm_up
    from intake.reprocess import message_sources, redecide
    from outputs.store import Store

    config = load_config()
    warm_up(config)
    rows = []
    with Store(url) as store, Executor(config, workers=1) as executor:
        start = time.perf_counter()
        stored = store_tasks(store, message_sources([str(archive)]))
        summary = process_raw_ids(store, executor.map, stored.raw_ids)
        rows.append(("first read (store, parse, OCR, decide, save)", summary.processed, time.perf_counter() - start))

        redecide(store, config, dry_run=True, curve=False)          # one warm pass (caches, JIT-free imports)
        start = time.perf_counter()
        result = redecide(store, config, dry_run=True, curve=False)
        rows.append(("from store (cached parse, classify + rules)", len(result.changes), time.perf_counter() - start))
        assert result.reread == 0 and not [c for c in result.changes if c.changed], "cache did not reproduce"

        start = time.perf_counter()
        result = redecide(store, config, dry_run=True, curve=True)
        rows.append(("shadow report (+ 11-threshold curve)", len(result.changes), time.perf_counter() - start))

        start = time.perf_counter()
        result = redecide(store, config, dry_run=True, reread=True, executor=executor, curve=False)
        rows.append(("reread (parse and OCR again, decide)", len(result.changes), time.perf_counter() - start))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans-only", action="store_true", help="only the faxes and scans (every message OCR'd)")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL at 127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        archive, count, scans = build_archive(Path(tmp), args.scans_only)
        stores = [("sqlite", f"sqlite:///{tmp}/bench.db")]
        if args.postgres:
            stores.append(("postgresql", _pg_schema()))
        print(f"archive: {count} messages, {scans} of them faxes/scans read by OCR; 1 reader process; "
              f"{os.cpu_count()} cores")
        print()
        print("| store | case | messages | total s | ms / message | first read / this |")
        print("|---|---|---:|---:|---:|---:|")
        try:
            for name, url in stores:
                _table(name, run(url, archive))
        finally:
            if args.postgres:
                _drop_pg_schema(stores[-1][1])
    return 0


def _table(name: str, rows: list[tuple[str, int, float]]) -> None:
    first = rows[0][2] / max(rows[0][1], 1)
    for case, n, seconds in rows:
        per = seconds / max(n, 1)
        print(f"| {name} | {case} | {n} | {seconds:.2f} | {per * 1000:.1f} | {first / per:.0f}x |")


def _pg_schema() -> str:
    import uuid

    import psycopg
    schema = "bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"


def _drop_pg_schema(url: str) -> None:
    import psycopg
    schema = url.rsplit("%3D", 1)[-1]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    sys.exit(main())
