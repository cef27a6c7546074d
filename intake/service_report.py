"""The tables `intake poll`, `serve` and `run` print (issue 8), like the other commands: a human table by default,
`--json` for machines. `poll` ends with one row per mailbox folder and fax folder; `serve`/`run` start with what
they serve (URL, database, mailboxes, fax folders, workers)."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from typing import Any, Optional, TextIO


@dataclass
class PollRow:
    """What one poll of one mailbox folder or fax folder did."""
    source: str          # the mailbox's label, or "fax"
    folder: str          # the IMAP folder or the fax directory
    new: int = 0         # messages or files found that were not seen before
    stored: int = 0      # raws created in the store
    duplicates: int = 0  # already stored
    errors: int = 0


def imap_rows(box: Any, progress: dict[str, Any], failed: Optional[str] = None) -> list[PollRow]:
    label, names = box.label, {box.state_key(f): f for f in box.folders}
    rows = [PollRow(label, names.get(key, key), r.seen, r.stored, r.duplicates, 1 if r.error else 0)
            for key, r in progress.items()]
    if failed and not any(r.errors for r in rows):
        rows.append(PollRow(label, "—", errors=1))
    return rows


def fax_row(path: str, result: Any, failed: bool = False) -> PollRow:
    errors = len(getattr(result, "errors", []) or []) + (1 if failed else 0)
    return PollRow("fax", path, result.stored + result.duplicates, result.stored, result.duplicates, errors)


def _grid(out: TextIO, head: list[str], rows: list[list[Any]]) -> None:
    cells = [head] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
    for n, row in enumerate(cells):
        out.write("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
                  + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def print_poll(rows: list[PollRow], out: TextIO, as_json: bool = False, read: Optional[dict] = None) -> None:
    total = PollRow("total", "", *(sum(getattr(r, f) for r in rows) for f in ("new", "stored", "duplicates", "errors")))
    if as_json:
        out.write(json.dumps({"sources": [asdict(r) for r in rows], "total": asdict(total), "read": read or {}},
                             ensure_ascii=False) + "\n")
        return
    if not rows:
        out.write("no mailbox or fax folder polled\n")
        return
    _grid(out, ["mailbox", "folder", "new", "stored", "duplicates", "errors"],
          [[r.source, r.folder, r.new, r.stored, r.duplicates, r.errors] for r in rows + [total]])


def startup(command: str, database: str, url: Optional[str], sources: Any, workers: Optional[int]) -> dict[str, Any]:
    from outputs.db import describe
    boxes = [f"{b.label} ({', '.join(b.folders)})" for b in getattr(sources, "mailboxes", [])]
    faxes = [str(f.path) for f in getattr(sources, "fax_dirs", [])]
    count = workers if workers else (os.cpu_count() or 1)
    return {"command": command, "url": url, "database": describe(database), "mailboxes": boxes, "fax_dirs": faxes,
            "workers": count if command != "serve" else None}


def print_startup(info: dict[str, Any], out: TextIO, as_json: bool = False) -> None:
    if as_json:
        out.write(json.dumps(info, ensure_ascii=False) + "\n")
        out.flush()
        return
    rows = [("portal", info["url"] or "not served"), ("database", info["database"]),
            ("mailboxes", ", ".join(info["mailboxes"]) or "none"), ("fax folders", ", ".join(info["fax_dirs"]) or "none")]
    if info["workers"] is not None:
        rows.append(("workers", str(info["workers"])))
    width = max(len(k) for k, _ in rows)
    out.write(f"intake {info['command']}\n")
    for key, value in rows:
        out.write(f"  {key:<{width}}  {value}\n")
    out.flush()
