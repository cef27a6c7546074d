"""The names of the record's fields, written once and derived from the contract's model.

Every list of field names the stages, the store, the exporters and the evaluation use comes from here,
so a field added to `MissionRecord` reaches all of them.
"""
from __future__ import annotations

from foundation.models import Insured, MissionRecord

# the insured's sub-fields, in contract order: civility, last_name, first_name, phone, email, street, ...
INSURED_FIELDS: tuple[str, ...] = tuple(Insured.model_fields)

# the record's top-level values (no `source`, `insured`, `fields`), in contract order
RECORD_FIELDS: tuple[str, ...] = tuple(n for n in MissionRecord.model_fields if n not in ("source", "insured", "fields"))

# set by the rules stage or routing, not read from the message
DECISION_FIELDS: tuple[str, ...] = ("expertise_on_site", "expertise_note", "management_limit_eur", "decision", "queue",
                                    "reasons", "dossier_id")

# read from the message by the classifiers (top level; the insured's are INSURED_FIELDS)
EXTRACTED_FIELDS: tuple[str, ...] = tuple(n for n in RECORD_FIELDS if n not in DECISION_FIELDS and n not in (
    "record_version", "document_type", "channel", "peril"))

# what a reviewer may correct at top level (the rest -- source, decision, reasons, dossier -- change by actions)
EDITABLE_FIELDS: tuple[str, ...] = tuple(n for n in RECORD_FIELDS if n not in (
    "record_version", "decision", "queue", "reasons", "dossier_id"))


def with_insured(names: tuple[str, ...], after: str = "peril") -> tuple[str, ...]:
    """`names` with `insured.<x>` for every insured field inserted after `after` (the contract's reading order)."""
    out: list[str] = []
    for name in names:
        out.append(name)
        if name == after:
            out += [f"insured.{k}" for k in INSURED_FIELDS]
    return tuple(out)
