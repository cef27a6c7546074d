"""Shared machinery of the held-out accuracy sets (heldout/, heldout2/, forms3/).

Each set is a folder of messages, each beside a small JSON of the only fields it asserts. The real pipeline
(intake.pipeline.process) reads every message; a set passes when no record is auto-opened against its expected
decision and every field's accuracy is at or above its floor.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

from foundation.config import load_config
from foundation.models import SourceRef
from intake.pipeline import process

Result = tuple[str, dict[str, Any], dict[str, Any]]  # (file name, expected fields, record as exported)


def expected_of(path: Path) -> dict[str, Any]:
    return json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))


def run(paths: list[Path]) -> list[Result]:
    config = load_config()
    out = []
    for path in paths:
        record = process(path.read_bytes(), SourceRef(uri=str(path), filename=path.name), config).record
        out.append((path.name, expected_of(path), record.to_json_dict()))
    return out


def norm(name: str, value: Any) -> Any:
    """Compare loosely where spelling does not matter: accents, case, dashes and dots in strings."""
    if name == "reasons":
        return sorted(value or [])
    if isinstance(value, str):
        text = unicodedata.normalize("NFD", value)
        text = "".join(c for c in text if not unicodedata.combining(c)).lower()
        return " ".join(text.replace("-", " ").replace(".", " ").split())
    if isinstance(value, float):
        return round(value, 2)
    return value


def got(record: dict[str, Any], name: str) -> Any:
    if name.startswith("insured."):
        return record["insured"].get(name.split(".", 1)[1])
    return record.get(name)


def score(results: list[Result]) -> tuple[dict[str, float], list[str]]:
    """Per-field accuracy over the messages that assert the field, and one line per miss."""
    tally: dict[str, list[int]] = {}
    misses: list[str] = []
    for name, expected, record in results:
        for field, want in expected.items():
            value = got(record, field)
            ok = norm(field, value) == norm(field, want)
            tally.setdefault(field, [0, 0])
            tally[field][0] += ok
            tally[field][1] += 1
            if not ok:
                misses.append(f"{name}: {field} expected {want!r} got {value!r}")
    return {f: round(c / t, 3) for f, (c, t) in tally.items()}, misses


def wrong_auto_opens(results: list[Result]) -> list[str]:
    return [name for name, expected, record in results
            if record["decision"] == "auto_open" and expected.get("decision", "auto_open") != "auto_open"]


def fields_below_floor(results: list[Result], floors: dict[str, float], default: float) -> dict[str, Any]:
    """The fields under their floor (empty when the set passes); prints the table and the misses for the log."""
    table, misses = score(results)
    print(json.dumps(table, indent=1), "\n".join(misses), sep="\n")
    failing = {f: acc for f, acc in table.items() if acc < floors.get(f, default)}
    return {"failing": failing, "misses": misses} if failing else {}
