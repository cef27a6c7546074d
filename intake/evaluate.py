"""`intake eval`: run the extract pipeline over a samples folder and score it against the expected records.

Why a separate door: engineers need one table that says which fields regress and which orders would have
been opened wrongly (a WRONG AUTO-OPEN is the costly error: a dossier opened that a person had to stop).
It runs exactly what `intake extract` runs (file door, executor, batch routing), then compares each record
with `expected/<file name>.json`, matched by the file name of `source.uri`.

Comparison rules (documented in samples/README.md):
- fields are normalised before comparing (case of free text, civility spelling, amounts to the cent,
  reasons as a set); `description`, `dossier_id`, `fields` and `source` are not scored;
- order fields (peril, insured, occupancy, ...) are scored only where the expected record is a mission
  order; for follow-ups and other messages only what they are and where they go is scored.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, TextIO

from foundation.fields import INSURED_FIELDS as INSURED
from foundation.fields import RECORD_FIELDS, with_insured

ROUTING_FIELDS = ("document_type", "channel", "claim_number", "decision", "queue", "reasons")
ORDER_FIELDS = ("order_number", "intermediary_code", "peril", *(f"insured.{k}" for k in INSURED), "occupancy",
                "dwelling", "loss_date", "amount_eur", "cause_repaired", "expertise_on_site", "expertise_note",
                "management_limit_eur")
FIELDS = with_insured(tuple(n for n in RECORD_FIELDS if n not in ("record_version", "description", "dossier_id")))
_CIVILITY = {"m": "m", "mr": "m", "monsieur": "m", "mme": "mme", "madame": "mme", "mlle": "mlle",
             "mademoiselle": "mlle", "m et mme": "m et mme", "monsieur et madame": "m et mme",
             "mr et mme": "m et mme", "mme et m": "m et mme"}


# ---------------------------------------------------------------------------------------------- comparing


def _fold(text: str) -> str:
    """Case, accents, punctuation and spacing do not count for free text (street, city, first name)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w@+]+", " ", text).split())


def _space(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def normalise(name: str, value: Any) -> Any:
    """The comparable form of one field value."""
    if value is None:
        return None
    if name == "reasons":
        return sorted(set(value or []))
    if name in ("amount_eur", "management_limit_eur"):
        try:
            return round(float(value), 2)
        except (TypeError, ValueError):
            return str(value)
    if not isinstance(value, str):
        return value
    if name == "insured.civility":
        key = _fold(value)
        return _CIVILITY.get(key, key)
    if name in ("insured.first_name", "insured.street", "insured.city"):
        return _fold(value)
    if name == "insured.email":
        return value.strip().lower()
    return _space(value)


def get(record: dict, name: str) -> Any:
    if name.startswith("insured."):
        return (record.get("insured") or {}).get(name.split(".", 1)[1])
    return record.get(name)


def scored_fields(expected: dict) -> tuple[str, ...]:
    """Order fields count only where an order is expected; the rest is routing."""
    if expected.get("document_type") == "mission_order":
        return FIELDS
    names = [n for n in ROUTING_FIELDS if not (n == "claim_number" and expected.get("claim_number") is None)]
    return tuple(names)


# ---------------------------------------------------------------------------------------------- the report


@dataclass
class Report:
    fields: dict[str, list[int]] = field(default_factory=lambda: {n: [0, 0] for n in FIELDS})  # correct, total
    files: int = 0
    decision_correct: int = 0
    wrong_auto_opens: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)      # expected, no record produced
    unexpected: list[str] = field(default_factory=list)   # record produced, nothing expected
    mismatches: dict[str, list[dict]] = field(default_factory=dict)
    invalid: dict[str, list[str]] = field(default_factory=dict)  # contract violations per file

    def accuracy(self, name: str) -> Optional[float]:
        correct, total = self.fields[name]
        return correct / total if total else None

    @property
    def decision_accuracy(self) -> float:
        return self.decision_correct / self.files if self.files else 0.0

    def to_dict(self) -> dict:
        return {
            "files": self.files,
            "decision_accuracy": round(self.decision_accuracy, 4),
            "wrong_auto_opens": self.wrong_auto_opens,
            "fields": {n: {"correct": c, "total": t, "accuracy": round(c / t, 4) if t else None}
                       for n, (c, t) in self.fields.items()},
            "missing": self.missing,
            "unexpected": self.unexpected,
            "invalid": self.invalid,
            "mismatches": self.mismatches,
        }


def compare(records: Iterable[dict], expected: dict[str, dict]) -> Report:
    """Score records against expected records keyed by file name (`x.eml`, `box.mbox#2`)."""
    report = Report()
    seen: set[str] = set()
    for record in records:
        key = Path(record.get("source", {}).get("uri", "")).name
        want = expected.get(key)
        if want is None:
            report.unexpected.append(key)
            continue
        seen.add(key)
        report.files += 1
        if record.get("decision") == want.get("decision"):
            report.decision_correct += 1
        if record.get("decision") == "auto_open" and want.get("decision") != "auto_open":
            report.wrong_auto_opens.append(key)
        for name in scored_fields(want):
            got, exp = normalise(name, get(record, name)), normalise(name, get(want, name))
            report.fields[name][1] += 1
            if got == exp:
                report.fields[name][0] += 1
            else:
                report.mismatches.setdefault(key, []).append({"field": name, "expected": exp, "got": got})
    report.missing = sorted(set(expected) - seen)
    return report


def load_expected(folder: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path in sorted(folder.glob("*.json")):
        with open(path, encoding="utf-8") as handle:
            out[path.name[: -len(".json")]] = json.load(handle)
    return out


def load_truth(path: Path) -> dict[str, dict]:
    """A corpus's `truth.jsonl` (one expected record a line, with the input's `uri`), keyed by file name."""
    out: dict[str, dict] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                want = json.loads(line)
                out[Path(want["uri"]).name] = want
    return out


def locate(paths: Iterable[str]) -> tuple[list[str], dict[str, dict]]:
    """Message paths to read and the expected records beside them.

    A samples folder holds `messages/` and `expected/`; a messages folder or file finds `../expected`; a
    corpus folder holds `truth.jsonl` and its inputs under `corpus/` (or beside it)."""
    inputs: list[str] = []
    expected: dict[str, dict] = {}
    for name in paths:
        path = Path(name)
        if (path / "truth.jsonl").is_file():
            expected.update(load_truth(path / "truth.jsonl"))
            inputs.append(str(path / "corpus") if (path / "corpus").is_dir() else str(path))
            continue
        if (path / "expected").is_dir():
            expected.update(load_expected(path / "expected"))
            inputs.append(str(path / "messages") if (path / "messages").is_dir() else str(path))
            continue
        base = path if path.is_dir() else path.parent
        for candidate in (base / "expected", base.parent / "expected"):
            if candidate.is_dir():
                expected.update(load_expected(candidate))
                break
        inputs.append(str(path))
    return inputs, expected


def run(paths: Iterable[str], config_path: Optional[str] = None, workers: Optional[int] = None,
        raw_confidence: bool = False, progress: bool = False) -> tuple[list[dict], dict[str, dict]]:
    """The records `intake extract` would print for these paths, and the expected records.
    `raw_confidence`: with calibration off, so the confidences are the classifiers' own (for fitting)."""
    from foundation.config import Config, load_config
    from intake.executor import Executor, default_workers
    from intake.sources.files import read_tasks
    from rulestage.routing import route_batch

    inputs, expected = locate(paths)
    config = load_config(config_path)
    if raw_confidence:
        config = Config.model_validate({**config.model_dump(exclude={"source_path"}), "calibration": {"enabled": False}})
    from intake.progress import Progress
    records = []
    with Executor(config, workers=default_workers() if workers is None else workers) as executor, \
            Progress("eval", len(inputs), enabled=progress) as shown:
        for done in executor.map(read_tasks(inputs)):
            records.append(done.record)
            shown.advance()
    return [r.to_json_dict() for r in route_batch(records)], expected


def validate(records: list[dict], report: Report) -> None:
    """Contract check when the shared schema and jsonschema are at hand (development checkouts)."""
    schema_path = Path(__file__).resolve().parents[2] / "shared" / "contract" / "mission-record.schema.json"
    try:
        import jsonschema
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except (ImportError, OSError):
        return
    validator = jsonschema.Draft202012Validator(schema)
    for record in records:
        errors = [f"{'/'.join(map(str, e.path)) or '(record)'}: {e.message}" for e in validator.iter_errors(record)]
        if errors:
            report.invalid[Path(record.get("source", {}).get("uri", "?")).name] = errors[:5]


def _fmt(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 70 else text[:67] + "..."


def print_table(report: Report, out: TextIO) -> None:
    out.write(f"intake eval: {report.files} records compared\n\n")
    out.write(f"{'field':<26}{'correct':>9}{'total':>7}{'accuracy':>10}\n")
    for name in FIELDS:
        correct, total = report.fields[name]
        acc = f"{correct / total:.1%}" if total else "-"
        out.write(f"{name:<26}{correct:>9}{total:>7}{acc:>10}\n")
    out.write(f"\ndecision accuracy: {report.decision_accuracy:.1%} ({report.decision_correct}/{report.files})\n")
    out.write(f"WRONG AUTO-OPENS: {len(report.wrong_auto_opens)}\n")
    for name in report.wrong_auto_opens:
        out.write(f"  {name}\n")
    if report.missing:
        out.write(f"no record for {len(report.missing)} expected file(s): {', '.join(report.missing)}\n")
    if report.unexpected:
        out.write(f"records without an expected file: {', '.join(report.unexpected)}\n")
    if report.invalid:
        out.write(f"records breaking the contract: {len(report.invalid)}\n")
        for name, errors in report.invalid.items():
            out.write(f"  {name}: {'; '.join(errors)}\n")
    if report.mismatches:
        out.write("\nmismatches:\n")
        for name in sorted(report.mismatches):
            out.write(f"  {name}\n")
            for m in report.mismatches[name]:
                out.write(f"    {m['field']:<24} expected {_fmt(m['expected'])}  got {_fmt(m['got'])}\n")


def evaluate_main(paths, config_path: Optional[str] = None, workers: Optional[int] = None,
                  as_json: bool = False, calibrate_to: Optional[str] = None, progress: bool = False) -> int:
    """Print the evaluation table (or JSON) and the reliability table. Returns 0: the command reports, the
    tests decide. `calibrate_to`: fit the calibration curves on raw confidences and write them there."""
    from intake import calibration

    records, expected = run(paths or ["samples"], config_path, workers, raw_confidence=bool(calibrate_to),
                            progress=progress)
    report = compare(records, expected)
    validate(records, report)
    obs = calibration.observations(records, expected)
    rows = calibration.thresholds(records, expected)
    if as_json:
        data = report.to_dict()
        data["reliability"] = [b.__dict__ for b in calibration.reliability(obs)]
        data["thresholds"] = [r.__dict__ for r in rows]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_table(report, sys.stdout)
        calibration.print_reliability(obs, rows, sys.stdout)
    if calibrate_to:
        import yaml
        section = calibration.fit(obs)
        section["fitted_on"] = f"{len(obs)} field observations from {report.files} labelled messages: {', '.join(paths)}"
        Path(calibrate_to).write_text(yaml.safe_dump({"calibration": section}, allow_unicode=True, sort_keys=False,
                                                     default_flow_style=None), encoding="utf-8")
        sys.stderr.write(f"calibration written to {calibrate_to}\n")
    sys.stdout.flush()
    return 0
