"""`intake status`: what came in, how it was decided, and what is stuck — for an operator at a terminal.

Counts per decision and per mailbox (or fax folder / source kind), raws still pending or failed, each
polled source's last poll time and last error, and the latest reading failures. Reads only.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional, TextIO

from foundation.errors import ExitCode

FAILURES_SHOWN = 5


def _when(value: Optional[datetime]) -> str:
    if value is None:
        return "never"
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    seconds = int((datetime.now(timezone.utc) - value).total_seconds())
    ago = f"{seconds}s" if seconds < 120 else f"{seconds // 60}min" if seconds < 7200 else f"{seconds // 3600}h"
    return f"{value.astimezone(timezone.utc):%Y-%m-%d %H:%M:%S}Z ({ago} ago)"


def _table(out: TextIO, title: str, counts: dict[str, int]) -> None:
    out.write(f"{title}\n")
    if not counts:
        out.write("  (none)\n")
        return
    width = max(len(k) for k in counts)
    for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        out.write(f"  {key:<{width}}  {count:>7}\n")


def collect(store: Any) -> dict[str, Any]:
    """Everything `print_status` shows, as plain data (tests and a future JSON output use it)."""
    counts = store.counts()
    failures = store.failed_raws(limit=FAILURES_SHOWN)
    return {**counts, "sources": store.mailbox_states(), "failures": [f._asdict() for f in failures]}


def print_status(database_url: str, out: TextIO, as_json: bool = False) -> int:
    from outputs.store import Store

    store = Store(database_url, upgrade=False)
    try:
        data = collect(store)
    finally:
        store.close()
    if as_json:
        import json
        out.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
        return ExitCode.ok
    out.write(f"messages stored: {data['raw_messages']}   records: {data['records']}\n")
    _table(out, "raw messages by status", data["raw_status"])
    _table(out, "records by decision", data["decisions"])
    _table(out, "reviews", {k: v for k, v in data["review_status"].items() if k != "none"})
    _table(out, "messages by mailbox / folder", data["mailboxes"])
    out.write("sources (last poll, last error)\n")
    if not data["sources"]:
        out.write("  (none polled yet)\n")
    for source in data["sources"]:
        uid = f" uidvalidity={source['uidvalidity']} last_uid={source['last_uid']}" \
            if source.get("uidvalidity") is not None else ""
        out.write(f"  {source['key']}\n    last poll {_when(source['last_poll_at'])}, polls={source['polls']}, "
                  f"messages={source['messages']}{uid}\n")
        if source.get("last_error"):
            out.write(f"    last error: {source['last_error']}\n")
    if data["failures"]:
        out.write("latest reading failures\n")
        for failure in data["failures"]:
            error = (failure["error"] or "").splitlines()[0][:200] if failure["error"] else ""
            out.write(f"  #{failure['raw_id']} {failure['uri']} (attempts {failure['attempts']}): {error}\n")
    out.flush()
    return ExitCode.ok
