"""A time-boxed mutation run of the pure pipeline (issue 12), and every input that ever failed, replayed.

The budget bounds the run, it is not a speed check: whatever number of inputs fits, each must give a record
(no crash of the reader, no hang past the per-document limit) that the export contract accepts. The long run
with its table is bench/fuzz_pipeline.py.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.fuzz.mutate import Case, cases, contract_validator, keep, run_one

BUDGET_S = 60.0
MAX_INPUTS = 400
REGRESSIONS = sorted(p for p in (Path(__file__).parent / "regressions").glob("*") if p.suffix != ".why"
                     and p.is_file())


@pytest.fixture(scope="module")
def executor(config):
    from intake.executor import Executor
    with Executor(config, workers=1) as ex:
        yield ex


@pytest.fixture(scope="module")
def validator():
    v = contract_validator()
    if v is None:
        pytest.skip("../shared/contract is not beside the repository (set INTAKE_SHARED_DIR)")
    return v


@pytest.mark.slow
def test_damaged_inputs_give_valid_records_within_a_budget(executor, validator):
    started = time.monotonic()
    done, failures = 0, []
    # another rng seed than the bench's, so the two runs cover different inputs
    for case in cases(MAX_INPUTS, rng_seed=7):
        outcome, _ = run_one(executor, validator, case)
        done += 1
        if outcome.failed:
            failures.append(f"{case.name}: {outcome.problem} (kept as {keep(outcome).name})")
        if time.monotonic() - started > BUDGET_S:
            break
    assert done >= 10, "the budget did not even cover ten inputs"
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_input_that_once_failed(path, executor, validator):
    why = path.with_name(path.name + ".why")
    seed_name = why.read_text().split("seed: ")[-1].strip() if why.exists() else path.name
    case = Case(seed=Path(seed_name), kind="regression", number=0, data=path.read_bytes())
    outcome, _ = run_one(executor, validator, case)
    assert not outcome.failed, outcome.problem
