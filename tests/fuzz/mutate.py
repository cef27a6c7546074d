"""Damaged inputs for the fuzz run (issue 12): byte flips, truncations, broken MIME boundaries, broken PDF
xref tables and trailers, oversized headers, chunks cut out or repeated. Deterministic: the same seed
file, kind and number always give the same bytes, so a failing input can be made again and kept.

Used by the time-boxed test (tests/fuzz/test_fuzz.py) and the longer run (bench/fuzz_pipeline.py), which
both feed the results through `run_one` — the worker-process executor, as `intake extract` does.
"""
from __future__ import annotations

import json
import os
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("INTAKE_SHARED_DIR") or REPO.parent / "shared")   # ../shared beside the repo
SEED_DIRS = [REPO / "samples" / "messages", SHARED / "corpora" / "real-world"]
SCHEMA = SHARED / "contract" / "mission-record.schema.json"
SKIP = {".md", ".json", ".jsonl", ".tsv", ".py", ".gitattributes", ".txt"}
MAX_SEED_BYTES = 3_000_000


def seeds() -> list[Path]:
    found: list[Path] = []
    for folder in SEED_DIRS:
        if folder.is_dir():
            found += [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix.lower() not in SKIP
                      and not p.name.startswith(".") and p.stat().st_size <= MAX_SEED_BYTES]
    return found


def _flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return b"\xff"
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def _head_flip(data: bytes, rng: random.Random) -> bytes:
    """Flips in the first 512 bytes: magic numbers, image headers, TIFF IFDs, MIME headers."""
    head = _flip(data[:512], rng)
    return head + data[512:]


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(max(1, len(data)))]


def _cut_or_repeat(data: bytes, rng: random.Random) -> bytes:
    if len(data) < 4:
        return data * 3
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randint(1, max(1, len(data) // 4)))
    if rng.random() < 0.5:
        return data[:a] + data[b:]
    return data[:b] + data[a:b] * rng.randint(2, 20) + data[b:]


_BOUNDARY = re.compile(rb'boundary="?([^";\r\n]+)"?', re.I)


def _boundary(data: bytes, rng: random.Random) -> bytes:
    """Break the MIME structure: drop the closing boundary, garble a delimiter, declare a boundary that is
    never used, reuse the outer boundary inside, or leave a header without its blank line."""
    found = _BOUNDARY.findall(data)
    if not found:
        return data.replace(b"\r\n\r\n", b"\r\n", 1) if rng.random() < 0.5 else \
            b"Content-Type: multipart/mixed; boundary=\"zz\"\r\n" + data
    b = rng.choice(found)
    choice = rng.randrange(6)
    if choice == 0:
        return data.replace(b"--" + b + b"--", b"")
    if choice == 1:
        return data.replace(b"--" + b, b"--" + b[: max(1, len(b) // 2)], rng.randint(1, 3))
    if choice == 2:
        return data.replace(b, b + b"X", 1)
    if choice == 3:
        return data.replace(b"--" + b + b"\r\n", b"--" + b + b"\r\nContent-Type: multipart/mixed; boundary=\""
                            + b + b"\"\r\n\r\n--" + b + b"\r\n", 1)
    if choice == 4:
        i = data.find(b"--" + b)
        return data[:i] + (b"--" + b + b"\r\n") * rng.randint(50, 500) + data[i:] if i >= 0 else data
    return data.replace(b"\n\n", b"\n", 2).replace(b"\r\n\r\n", b"\r\n", 2)


def _pdf_xref(data: bytes, rng: random.Random) -> bytes:
    """Break the xref table, the startxref offset or the trailer of a PDF (also inside a message: raw
    PDFs only; base64 attachments are left to the flips)."""
    if b"%PDF" not in data[:2048]:
        return _flip(data, rng)
    choice = rng.randrange(5)
    if choice == 0:
        return re.sub(rb"startxref\s+\d+", b"startxref\n" + str(rng.randrange(10**9)).encode(), data)
    if choice == 1:
        return re.sub(rb"(\d{10}) (\d{5}) n", lambda m: (str(rng.randrange(10**10)).zfill(10).encode() + b" "
                                                          + m.group(2) + b" n"), data)
    if choice == 2:
        return data.replace(b"xref", b"xrfe").replace(b"trailer", b"trialer")
    if choice == 3:
        return re.sub(rb"/Size \d+", b"/Size 999999999", data).replace(b"/Root", b"/Rot")
    return re.sub(rb"/Length \d+", lambda m: b"/Length " + str(rng.randrange(10**8)).encode(), data)


def _big_header(data: bytes, rng: random.Random) -> bytes:
    """A header far past any sane size: one 200 KB-2 MB line, 20,000 short headers, or encoded words."""
    choice = rng.randrange(3)
    if choice == 0:
        header = b"X-Long: " + b"a" * rng.randint(200_000, 2_000_000) + b"\r\n"
    elif choice == 1:
        header = b"".join(b"Received: from h%d by x\r\n" % n for n in range(20_000))
    else:
        header = b"Subject: " + b" ".join(b"=?utf-8?B?w6nDqcOp?=" for _ in range(40_000)) + b"\r\n"
    return header + data


MUTATORS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip": _flip, "head_flip": _head_flip, "truncate": _truncate, "cut_repeat": _cut_or_repeat,
    "boundary": _boundary, "pdf_xref": _pdf_xref, "big_header": _big_header,
}


@dataclass
class Case:
    seed: Path
    kind: str
    number: int
    data: bytes

    @property
    def name(self) -> str:
        return f"{self.seed.stem[:40]}.{self.kind}.{self.number}{self.seed.suffix.lower()}"


def cases(count: int, rng_seed: int = 12) -> Iterator[Case]:
    """`count` damaged inputs, cycling through the mutation kinds and the seed files."""
    files = seeds()
    rng = random.Random(rng_seed)
    kinds = list(MUTATORS)
    for number in range(count):
        kind = kinds[number % len(kinds)]
        seed = rng.choice(files)
        data = seed.read_bytes()
        if kind == "pdf_xref" and b"%PDF" not in data[:2048]:
            pdfs = [p for p in files if p.suffix.lower() == ".pdf"]
            seed = rng.choice(pdfs) if pdfs else seed
            data = seed.read_bytes()
        yield Case(seed, kind, number, MUTATORS[kind](data, random.Random(rng.random())))


# --------------------------------------------------------------------------- running one case


def contract_validator():
    """The export contract's validator (as ../shared/tools/validate_records.py builds it), or None."""
    import jsonschema
    if not SCHEMA.exists():
        return None
    return jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))


@dataclass
class Outcome:
    case: Case
    seconds: float
    peak_rss_mb: float
    problem: Optional[str] = None      # crash / hang / invalid record, with the detail
    evidence: Optional[str] = None

    @property
    def failed(self) -> bool:
        return self.problem is not None


@dataclass
class Tally:
    inputs: int = 0
    crashes: int = 0
    hangs: int = 0
    invalid: int = 0
    timeouts: int = 0         # cut at the per-document limit by the executor (a record says so): not a hang
    unreadable: int = 0
    max_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    failures: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome, unreadable: bool) -> None:
        self.inputs += 1
        self.timeouts += any(mark in (outcome.evidence or "") for mark in TIMEOUT_MARKS)
        self.unreadable += unreadable
        self.max_seconds = max(self.max_seconds, outcome.seconds)
        self.peak_rss_mb = max(self.peak_rss_mb, outcome.peak_rss_mb)
        if outcome.problem:
            self.failures.append(outcome)
            kind = outcome.problem.split(":")[0]
            self.crashes += kind == "crash"
            self.hangs += kind == "hang"
            self.invalid += kind == "invalid"


def _reset_peak(pid: int) -> None:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")   # resets VmHWM (peak RSS) of the worker
    except OSError:
        pass


def _peak_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


CRASH_MARKS = ("worker_crashed", "internal_error", "memory_limit")
TIMEOUT_MARKS = ("timeout: reading took more than",)
HANG_GRACE_S = 15.0   # an answer later than the per-document limit + this is a hang (the deadline did not hold)


def run_one(executor, validator, case: Case) -> tuple[Outcome, bool]:
    """One damaged input through the worker (deadline, memory ceiling), routed and checked as extract does."""
    from foundation.models import SourceRef
    from intake.executor import Task
    from rulestage.routing import route_batch

    worker = executor.workers[0] if executor.workers else None
    pid = worker.proc.pid if worker is not None and worker.proc is not None else None
    if pid:
        _reset_peak(pid)
    started = time.monotonic()
    task = Task(raw=case.data, source=SourceRef(uri=f"fuzz:{case.name}", filename=case.seed.name))
    record = next(iter(executor.map([task]))).record
    seconds = time.monotonic() - started
    peak = _peak_mb(pid) if pid else 0.0
    record = route_batch([record])[0].model_copy(update={"dossier_id": None})
    payload = record.to_json_dict()
    evidence = ((payload.get("fields") or {}).get("input") or {}).get("evidence") or ""
    problem = None
    limit = executor.config.limits.document_timeout_s
    if any(mark in evidence for mark in CRASH_MARKS):
        problem = f"crash: {evidence}"
    elif seconds > limit + HANG_GRACE_S:
        problem = f"hang: {seconds:.0f} s for a limit of {limit:g} s"
    else:
        errors = sorted(validator.iter_errors(json.loads(json.dumps(payload))), key=str)
        if errors:
            problem = f"invalid: {errors[0].message[:300]}"
    unreadable = "unreadable_input" in (payload.get("reasons") or [])
    return Outcome(case, seconds, peak, problem, evidence or None), unreadable


def keep(outcome: Outcome, folder: Path = REPO / "tests" / "fuzz" / "regressions") -> Path:
    """Keep a failing input as a regression case (replayed by tests/fuzz/test_regressions.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / outcome.case.name
    path.write_bytes(outcome.case.data)
    path.with_name(path.name + ".why").write_text(f"{outcome.problem}\nseed: {outcome.case.seed.name}\n")
    return path
