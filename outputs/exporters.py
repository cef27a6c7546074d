"""`intake export`: every stored record, oldest first, as JSON Lines (the contract) or CSV (flattened).

CSV flattening, for spreadsheets: `source.*` scalars (attachments as a count), `insured.*`, the top-level
fields, `reasons` sorted (a set) and joined with ";", and per field `corrected_by` collapsed into one `corrected_fields`
column ("name=user;..."). JSON Lines is the contract; CSV is a convenience view of the same records.
"""
from __future__ import annotations

import csv
import json
from typing import IO, Iterable, Iterator

from foundation.errors import UsageError
from foundation.fields import INSURED_FIELDS, RECORD_FIELDS

SOURCE_COLUMNS = ("uri", "message_id", "received_at", "sha256", "subject", "sender")
TOP_COLUMNS = RECORD_FIELDS
CSV_COLUMNS = ([f"source.{c}" for c in SOURCE_COLUMNS] + ["source.attachments"] + list(TOP_COLUMNS[:6])
               + [f"insured.{c}" for c in INSURED_FIELDS] + list(TOP_COLUMNS[6:]) + ["corrected_fields"])


def _cell(value, decimal: str = ".") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and decimal != ".":
        return repr(value).replace(".", decimal)
    return str(value)


def flatten(record: dict, decimal: str = ".") -> dict[str, str]:
    """One CSV row of a record (`decimal`: the decimal mark of numbers, "," for French spreadsheets)."""
    source = record.get("source") or {}
    insured = record.get("insured") or {}
    row = {f"source.{c}": _cell(source.get(c)) for c in SOURCE_COLUMNS}
    row["source.attachments"] = str(len(source.get("attachments") or []))
    for column in TOP_COLUMNS:
        value = record.get(column)
        row[column] = ";".join(sorted(value or [])) if column == "reasons" else _cell(value, decimal)
    row.update({f"insured.{c}": _cell(insured.get(c)) for c in INSURED_FIELDS})
    corrected = sorted((name, f.get("corrected_by")) for name, f in (record.get("fields") or {}).items()
                       if isinstance(f, dict) and f.get("corrected_by"))
    row["corrected_fields"] = ";".join(f"{name}={user}" for name, user in corrected)
    return row


def write_jsonl(records: Iterable[dict], out: IO[str]) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(records: Iterable[dict], out: IO[str], excel: bool = False) -> int:
    """CSV; `excel`: as French Excel opens it without a wizard (UTF-8 BOM, ';' separator, decimal comma, CRLF)."""
    if excel:
        out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n" if excel else "\n",
                            delimiter=";" if excel else ",")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow(flatten(record, decimal="," if excel else "."))
        count += 1
    return count


def write_excel(records: Iterable[dict], out: IO[str]) -> int:
    return write_csv(records, out, excel=True)


def export(database_url: str, fmt: str, out: IO[str]) -> int:
    """Print every record of the store at `database_url` to `out`; returns how many were written."""
    from outputs.db import require_existing
    from outputs.store import Store

    writers = {"jsonl": write_jsonl, "csv": write_csv, "excel": write_excel}
    if fmt not in writers:
        raise UsageError(f"unknown export format {fmt!r} (jsonl, csv or excel)")
    require_existing(database_url)
    store = Store(database_url)
    try:
        count = writers[fmt](store.export_records(), out)
    finally:
        store.close()
    out.flush()
    return count


def records(database_url: str) -> Iterator[dict]:
    """The exported records as dicts (for scripts and tests)."""
    from outputs.store import Store

    store = Store(database_url)
    try:
        yield from store.export_records()
    finally:
        store.close()
