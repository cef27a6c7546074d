"""`intake reprocess`: archives into the store again, or stored records decided again under a configuration.

    intake reprocess ARCHIVE_OR_FOLDER... --database URL          # mbox, Maildir, .zip, .tar(.gz), folders
    intake reprocess --from-store [--since DATE] [--channel C] [--decision D] [--reason R] [--reread]
    intake reprocess --from-store --config NEW.yaml --dry-run [--report OUT.md]   # shadow mode
    ... --celery                                                   # enqueue to the Celery workers instead

A progress bar (count, rate, time left) on standard error, a summary table at the end. See intake/reprocess.py.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from foundation.errors import ExitCode, UsageError

PST_NOTE = ("PST files are not read: the only maintained reader (libpff-python) is LGPL-3.0 C bindings, and no "
            "maintained permissive one exists; export the PST to mbox first (e.g. readpst -r) and reprocess that")


def register(subparsers) -> None:
    """The sub-command; and the portal's reprocessing engine (its admin action, reviewdesk/routes/reprocess.py)."""
    from reviewdesk import reprocess_hook
    reprocess_hook.install(_portal_engine)
    p = subparsers.add_parser("reprocess", help="re-read archives into the store, or decide stored records again "
                                                "(shadow mode with --dry-run)")
    p.add_argument("paths", nargs="*", metavar="ARCHIVE_OR_FOLDER")
    p.add_argument("--database", metavar="URL", help="SQLAlchemy URL (default: INTAKE_DATABASE_URL)")
    p.add_argument("--config", metavar="FILE", help="business configuration YAML (the new one, in shadow mode)")
    p.add_argument("--workers", type=int, default=None, help="reader processes (0 = in-process)")
    p.add_argument("--from-store", action="store_true", help="decide stored records again, from the parse cache")
    p.add_argument("--since", metavar="DATE", type=_date, help="records of messages dated on or after DATE (ISO)")
    p.add_argument("--channel", help="only records of this channel")
    p.add_argument("--decision", help="only records with this decision")
    p.add_argument("--reason", help="only records with this reason")
    p.add_argument("--record", type=int, action="append", metavar="ID", help="only this record (repeatable)")
    p.add_argument("--reread", action="store_true", help="parse and OCR again instead of using the cache")
    p.add_argument("--dry-run", action="store_true", help="compute every record under --config, store nothing")
    p.add_argument("--report", metavar="OUT.md", help="write the Markdown report and its PNG plot here "
                                                      "(default with --from-store: reprocess-report.md)")
    p.add_argument("--celery", action="store_true", help="enqueue to the Celery workers (INTAKE_BROKER_URL)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_reprocess)


def _portal_engine(store, **options):
    from intake.reprocess import portal_reprocessor  # imported when used: the command line starts fast
    return portal_reprocessor(store, **options)


def _date(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO date: {value!r}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _check(args: argparse.Namespace) -> None:
    if args.from_store == bool(args.paths):
        raise UsageError("give ARCHIVE_OR_FOLDER... or --from-store (one of them)")
    if not args.from_store and (args.dry_run or args.reread or args.since or args.channel or args.decision
                                or args.reason or args.record):
        raise UsageError("--dry-run, --reread and the filters apply to --from-store")
    if args.celery and args.dry_run:
        raise UsageError("--dry-run runs in-process (the report needs every result): drop --celery")
    for name in args.paths:
        if name.lower().endswith(".pst"):
            raise UsageError(PST_NOTE)
        if not Path(name).exists():
            raise UsageError(f"no such file or folder: {name}")


def _progress(disabled: bool):
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:.1f} msg/s" if task.speed else "- msg/s")

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
                    TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                    console=Console(stderr=True), disable=disabled, transient=False)


def _print_table(title: str, rows: list[tuple[str, object]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    table.add_column("")
    table.add_column("count", justify="right")
    for name, value in rows:
        table.add_row(name, str(value))
    Console(file=sys.stdout, width=120).print(table)


def cmd_reprocess(args: argparse.Namespace) -> int:
    from foundation.config import load_config
    from intake.cli import _config_path, _database_url, _workers

    _check(args)
    url, config_path = _database_url(args), _config_path(args)
    if args.celery:
        return _enqueue(args, url, config_path)
    config = load_config(config_path)
    from outputs.store import Store
    with Store(url) as store:
        if args.from_store:
            return _from_store(args, store, config)
        return _archives(args, store, config, _workers(args))


def _archives(args, store, config, workers: int) -> int:
    from intake.executor import Executor
    from intake.ingest import process_raw_ids, store_tasks
    from intake.reprocess import message_sources

    progress = _progress(args.no_progress)
    with progress:
        storing = progress.add_task("storing", total=None)

        def counted():
            for task in message_sources(args.paths):
                progress.advance(storing)
                yield task
        stored = store_tasks(store, counted(), kind="file")
        todo = store.pending_raw_ids(limit=0, include_failed=True, among=stored.raw_ids)
        progress.update(storing, total=len(stored.raw_ids))
        reading = progress.add_task("reading", total=len(todo))
        with Executor(config, workers=workers) as executor:
            def processor(tasks):
                for done in executor.map(tasks):
                    yield done
                    progress.advance(reading)
            summary = process_raw_ids(store, processor, todo)
    rows = [("messages", len(stored.raw_ids)), ("newly stored", stored.new),
            ("already stored", stored.known), ("already read (skipped)", len(stored.raw_ids) - len(todo)),
            ("read now", summary.processed), ("failed", summary.failed)]
    rows += [(f"decision {k}", v) for k, v in sorted(summary.decisions.items())]
    _print_table("reprocess", rows)
    failed = {f.raw_id: f for f in store.failed_raws(limit=10**6)} if summary.failed else {}
    for raw_id in todo:
        if raw_id in failed:
            print(f"failed: raw {raw_id} {failed[raw_id].uri}: {failed[raw_id].error}")
    return ExitCode.ok


def _filters(args):
    from intake.reprocess import Filters
    return Filters(since=args.since, channel=args.channel, decision=args.decision, reason=args.reason,
                   record_ids=args.record)


def _from_store(args, store, config) -> int:
    from intake.executor import Executor
    from intake.reprocess import redecide
    from intake.shadow import write_report

    total = sum(1 for _ in store.reprocess_candidates(**vars(_filters(args))))
    progress = _progress(args.no_progress)
    executor: Optional[Executor] = None
    try:
        with progress:
            bar = progress.add_task("deciding", total=total)
            if args.reread:
                executor = Executor(config, workers=args.workers if args.workers is not None else 1)
            result = redecide(store, config, _filters(args), dry_run=args.dry_run, reread=args.reread,
                              executor=executor, tick=lambda: progress.advance(bar))
    finally:
        if executor is not None:
            executor.close()
    _print_changes(result, result.per_channel())
    report, png = write_report(result, Path(args.report or "reprocess-report.md"))
    print(f"report: {report} (plot {png})")
    return ExitCode.ok


def _print_changes(result, channels) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=sys.stdout, width=160)
    mode = "dry run, nothing stored" if result.dry_run else "applied"
    table = Table(title=f"reprocess --from-store ({mode}): {len(result.changes)} records, "
                        f"{result.cached} from cache, {result.reread} read again, {len(result.failed)} failed")
    for name in ("channel", "records", "decisions changed", "auto-open to review", "review to auto-open",
                 "values changed", "kept", "applied"):
        table.add_column(name, justify="left" if name == "channel" else "right")
    for ch, n in channels.items():
        table.add_row(ch, *(str(n[k]) for k in ("records", "decision", "to_review", "to_auto", "fields", "kept",
                                                 "applied")))
    console.print(table)
    for c in result.changes:
        if c.changed:
            print(f"{c.outcome:9} record {c.record_id} {c.uri}: {c.decision_before} -> {c.decision_after}"
                  f"{' values ' + ','.join(c.fields) if c.fields else ''}{' (kept: ' + c.kept + ')' if c.kept else ''}")
    for record_id, why in result.failed:
        print(f"failed    record {record_id}: {why}")


def _enqueue(args, url: str, config_path: Optional[str]) -> int:
    from intake import tasks

    if args.from_store:
        count = tasks.enqueue_redecide(url, _filters(args), config_path, reread=args.reread)
    else:
        count = tasks.enqueue_paths(args.paths, url, config_path, sources=_sources)
    print(f"{count} messages enqueued")
    return ExitCode.ok


def _sources(paths):
    from intake.reprocess import message_sources
    return message_sources(paths)
