"""Progress of long commands (extract, ingest, eval) and their closing summary.

On a terminal: a rich progress bar on standard error (count, rate, time left). Elsewhere (a pipe, a log
file, CI): one plain line every `INTAKE_PROGRESS_EVERY` messages (default 100) and one at the end, so a log
shows the run advancing without one line per message. The summary counts records per decision and per
channel and lists the unreadable inputs with their reason.
"""
from __future__ import annotations

import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, TextIO

DEFAULT_EVERY = 100


def _every() -> int:
    try:
        return max(1, int(os.environ.get("INTAKE_PROGRESS_EVERY", DEFAULT_EVERY)))
    except ValueError:
        return DEFAULT_EVERY


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def _rate(per_second: float) -> str:
    return f"{per_second:.1f}/s" if per_second >= 1 else f"{per_second * 60:.1f}/min"


class Progress:
    """`with Progress("extract", total) as p: ... p.advance()` — a bar on a terminal, plain lines elsewhere."""

    def __init__(self, label: str, total: Optional[int] = None, stream: Optional[TextIO] = None,
                 every: Optional[int] = None, enabled: bool = True, terminal: Optional[bool] = None):
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.every = every or _every()
        self.enabled = enabled
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.done = 0
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> "Progress":
        if self.enabled and self.terminal:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)
            self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("left"),
                            TimeRemainingColumn(), console=Console(file=self.stream), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total, rate="")
        return self

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """`extract: 200/1234 messages, 12.5/s, about 1m23s left` (what the non-terminal output prints)."""
        rate = self.rate()
        count = f"{self.done}/{self.total}" if self.total else str(self.done)
        text = f"{self.label}: {count} messages, {_rate(rate)}"
        if self.total and rate > 0 and self.done < self.total:
            text += f", about {_duration((self.total - self.done) / rate)} left"
        elif self.done and (not self.total or self.done >= self.total):
            text += f", done in {_duration(time.monotonic() - self.started)}"
        return text

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.total is not None and self.done > self.total:
            self.total = self.done  # the count was of files: an mbox or an archive held more messages
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, total=self.total, rate=_rate(self.rate()))
        elif self.done % self.every == 0:
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.stop()
        if self.enabled and self._bar is None and self.done % self.every:
            self.stream.write(self.line() + "\n")
            self.stream.flush()


@dataclass
class RunSummary:
    """What a run read: records per decision and per channel, and the inputs that could not be read."""
    records: int = 0
    decisions: Counter = field(default_factory=Counter)
    channels: Counter = field(default_factory=Counter)
    unreadable: list[tuple[str, str]] = field(default_factory=list)   # (uri, reason)

    def add(self, record: Any, decision: Optional[str] = None) -> None:
        """One record (a MissionRecord or its JSON dict); `decision`: the one stored, when routing changed it."""
        data = record if isinstance(record, dict) else record.to_json_dict()
        self.records += 1
        self.decisions[decision or data.get("decision") or "none"] += 1
        self.channels[data.get("channel") or "unknown"] += 1
        if "unreadable_input" in (data.get("reasons") or []):
            evidence = ((data.get("fields") or {}).get("input") or {}).get("evidence") or "unreadable_input"
            self.unreadable.append(((data.get("source") or {}).get("uri") or "?", str(evidence)))

    @classmethod
    def of(cls, records: Iterable[Any]) -> "RunSummary":
        summary = cls()
        for record in records:
            summary.add(record)
        return summary

    def as_dict(self) -> dict[str, Any]:
        return {"records": self.records, "decisions": dict(self.decisions), "channels": dict(self.channels),
                "unreadable": [{"uri": u, "reason": r} for u, r in self.unreadable]}


def table(out: TextIO, title: str, rows: dict[str, int], ordered: bool = False) -> None:
    """A two-column table, biggest count first (or in the given order)."""
    out.write(f"{title}\n")
    if not rows:
        out.write("  (none)\n")
        return
    width = max(len(str(k)) for k in rows)
    items = list(rows.items()) if ordered else sorted(rows.items(), key=lambda kv: (-kv[1], str(kv[0])))
    for key, value in items:
        out.write(f"  {str(key):<{width}}  {value:>7}\n")


def print_summary(summary: RunSummary, out: TextIO, head: Optional[dict[str, Any]] = None) -> None:
    """The closing summary as human tables (`head`: counts shown first, e.g. ingest's new/skipped)."""
    if head:
        table(out, "messages", head, ordered=True)
    out.write(f"records: {summary.records}\n")
    table(out, "by decision", dict(summary.decisions))
    table(out, "by channel", dict(summary.channels))
    out.write(f"unreadable inputs: {len(summary.unreadable)}\n")
    for uri, reason in summary.unreadable:
        out.write(f"  {uri}: {reason}\n")
    out.flush()


class IngestWatch:
    """What `ingest` reports while it reads stored raws: progress once the count is known, and the summary."""

    def __init__(self, label: str = "ingest", enabled: bool = True):
        self.label = label
        self.enabled = enabled
        self.summary = RunSummary()
        self.progress: Optional[Progress] = None

    def begin(self, total: int) -> None:
        self.progress = Progress(self.label, total, enabled=self.enabled).__enter__()

    def read(self, record: Any, decision: Optional[str] = None) -> None:
        self.summary.add(record, decision)
        if self.progress is not None:
            self.progress.advance()

    def close(self) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)
            self.progress = None
