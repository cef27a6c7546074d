"""Mutation fuzzing of the pure pipeline, as `intake extract` runs it (worker process, deadline, memory
ceiling), seeded from samples/ and ../shared/corpora/real-world/. Prints a markdown table per mutation kind:
inputs, crashes, hangs (an answer later than the per-document limit + 15 s), inputs cut at the limit by the
executor (a `timeout` record, the designed outcome), records invalid against the contract, unreadable
records (expected for damaged input), the slowest input and the peak RSS of the worker. Every failing
input is kept under tests/fuzz/regressions/ (replayed by the suite).

    .venv/bin/python bench/fuzz_pipeline.py [COUNT=400] [RNG_SEED=12]
"""
from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from foundation.config import load_config  # noqa: E402
from intake.executor import Executor  # noqa: E402
from tests.fuzz.mutate import Tally, cases, contract_validator, keep, run_one, seeds  # noqa: E402


def main(count: int = 400, rng_seed: int = 12) -> int:
    import logging
    logging.basicConfig(level=logging.ERROR)
    validator = contract_validator()
    if validator is None:
        print("../shared/contract not found (set INTAKE_SHARED_DIR)", file=sys.stderr)
        return 2
    config = load_config()
    per_kind: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    started = time.monotonic()
    with Executor(config, workers=1) as executor:
        executor._start()
        for case in cases(count, rng_seed):
            outcome, unreadable = run_one(executor, validator, case)
            per_kind[case.kind].add(outcome, unreadable)
            total.add(outcome, unreadable)
            if outcome.failed:
                print(f"FAILED {case.name}: {outcome.problem} (kept as {keep(outcome).name})", file=sys.stderr)
    print(f"\n{count} damaged inputs from {len(seeds())} seed files, rng seed {rng_seed}, "
          f"per-document limit {config.limits.document_timeout_s:g} s, memory ceiling {config.limits.max_rss_mb} MB, "
          f"{time.monotonic() - started:.0f} s\n")
    print("| mutation | inputs | crashes | hangs | cut at limit | invalid | unreadable | slowest s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, t in sorted(per_kind.items()) + [("**all**", total)]:
        print(f"| {kind} | {t.inputs} | {t.crashes} | {t.hangs} | {t.timeouts} | {t.invalid} | {t.unreadable} | "
              f"{t.max_seconds:.1f} | {t.peak_rss_mb:.0f} |")
    return 1 if total.failures else 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
