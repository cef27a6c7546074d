"""The `intake` command. Each sub-command is a thin door onto the same pipeline.

Contract commands (../shared/contract/README.md): extract, ingest, export.
Service commands: run (scheduler + portal), poll (one poll now), serve (portal), status, eval, db.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Optional, Sequence

from foundation.errors import ExitCode, IntakeError
from intake import cmd_reprocess


def _add_config(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="business configuration YAML (defaults shipped with intake)")


def _add_database(p: argparse.ArgumentParser, required: bool = False) -> None:
    p.add_argument("--database", metavar="URL", required=required,
                   help="SQLAlchemy URL, e.g. sqlite:///intake.db or postgresql+psycopg://user@host/db "
                        "(default: INTAKE_DATABASE_URL)")


PATH_HELP = ("a message file (.eml, .msg, .txt), a PDF, a TIFF/PNG/JPEG fax or scan, an mbox (one message each), "
             "a zip/tar archive, or a folder of them walked recursively")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Help that shows each option's default, unless the text already says it or there is none to show."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default in (None, False, argparse.SUPPRESS):
            return text
        return super()._get_help_string(action)


def _add_paths(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help=PATH_HELP)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress and no closing summary on standard error")


def _add_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the result as JSON (for machines) instead of a table")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return f"intake {version('intake-odm')}"
    except PackageNotFoundError:  # pragma: no cover - a checkout that was never installed
        return "intake (not installed)"


def _add_workers(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=None,
                   help="reader processes (default: INTAKE_WORKERS, else one per core; 0 = in-process, no time limit)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="intake", description="Reads mission orders from mail and fax, opens case files.")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="debug logs on standard error; -vv also the libraries' own (Pillow, pdfminer...)")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True)
    from intake import cmd_config
    cmd_config.register(sub)

    p = sub.add_parser("extract", help="print one mission record per message as JSON Lines; stores nothing")
    _add_paths(p); _add_config(p); _add_workers(p)

    p = sub.add_parser("ingest", help="read, store, de-duplicate and route messages into the database")
    _add_paths(p); _add_database(p); _add_config(p); _add_workers(p); _add_json(p)

    p = sub.add_parser("export", help="print every stored record, oldest first")
    _add_database(p)
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="output format")
    p.add_argument("--excel", action="store_true",
                   help="CSV for French Excel: UTF-8 with BOM, ';' separator, decimal comma (implies --format csv)")

    p = sub.add_parser("eval", help="compare extracted records with the expected ones of a labelled folder")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on standard error")
    p.add_argument("paths", nargs="*", default=["samples"], metavar="PATH",
                   help="a samples folder (messages/ + expected/), a folder of messages with ../expected, or a "
                        "corpus folder with truth.jsonl (default: samples)")
    _add_config(p); _add_workers(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--calibrate", metavar="OUT.yaml", default=None,
                   help="read with raw (uncalibrated) confidences, fit the calibration curves and write them as a "
                        "`calibration:` configuration section to OUT.yaml")

    p = sub.add_parser("poll", help="poll every configured mailbox and fax folder once, now")
    _add_database(p); _add_config(p); _add_json(p)

    p = sub.add_parser("run", help="run the scheduler (mailboxes, fax folders) and the review portal")
    _add_database(p); _add_config(p)
    p.add_argument("--host", default="127.0.0.1", help="address the portal listens on")
    p.add_argument("--port", type=int, default=8000, help="port the portal listens on")
    p.add_argument("--no-portal", action="store_true", help="run the scheduler only")
    _add_json(p)

    p = sub.add_parser("serve", help="serve the review portal")
    _add_database(p); _add_config(p); _add_json(p)
    p.add_argument("--host", default="127.0.0.1", help="address the portal listens on")
    p.add_argument("--port", type=int, default=8000, help="port the portal listens on")

    p = sub.add_parser("status", help="counts per decision and mailbox, last poll, errors")
    _add_database(p); _add_json(p)

    p = sub.add_parser("db", help="database schema: upgrade to the latest migration")
    _add_database(p); _add_json(p)
    p.add_argument("action", choices=("upgrade", "current"),
                   help="upgrade: create or migrate the schema; current: print the schema revision")

    p = sub.add_parser("demo", help="set up the embedded demo: samples into SQLite, a demo user, the portal")
    _add_database(p); _add_config(p)
    p.add_argument("--host", default="127.0.0.1", help="address the portal listens on")
    p.add_argument("--port", type=int, default=8000, help="port the portal listens on")
    p.add_argument("--no-serve", action="store_true", help="prepare the demo database and exit")
    _add_json(p)
    from intake import cmd_users; cmd_users.register(sub)  # noqa: E702 - users: the first admin (issue 7)
    cmd_reprocess.register(sub)
    from intake import cmd_api; cmd_api.register(sub)  # api-token, webhooks (handlers set as defaults)
    for choice in sub.choices.values():  # every sub-command's help shows its defaults
        choice.formatter_class = HelpFormatter
    return parser


def _database_url(args: argparse.Namespace) -> str:
    if getattr(args, "database", None):
        return args.database
    from intake.settings import get_settings
    return get_settings().database_url


def _workers(args: argparse.Namespace) -> int:
    if getattr(args, "workers", None) is not None:
        return args.workers
    from intake.executor import default_workers
    return default_workers()


def _config_path(args: argparse.Namespace) -> Optional[str]:
    if getattr(args, "config", None):
        return args.config
    from intake.settings import get_settings
    return get_settings().config


def cmd_extract(args: argparse.Namespace) -> int:
    from foundation.config import load_config
    from intake.executor import Executor
    from intake.sources.files import read_tasks, require_paths
    from rulestage.routing import route_batch

    from intake.progress import Progress, RunSummary, print_summary
    from intake.sources.files import walk

    require_paths(args.paths)
    config = load_config(_config_path(args))
    records = []
    with Executor(config, workers=_workers(args)) as executor, \
            Progress("extract", sum(1 for _ in walk(args.paths)), enabled=not args.quiet) as progress:
        for done in executor.map(read_tasks(args.paths)):
            records.append(done.record)
            progress.advance()
    out = sys.stdout
    summary = RunSummary()
    for record in route_batch(records):
        # extract stores nothing, so no dossier exists: dossier_id is set by ingest only (contract).
        data = record.model_copy(update={"dossier_id": None}).to_json_dict()
        summary.add(data)
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
    out.flush()
    if not args.quiet:  # standard output is the records: the summary goes to standard error
        print_summary(summary, sys.stderr)
    return ExitCode.ok


def cmd_ingest(args: argparse.Namespace) -> int:
    from intake.ingest import ingest_paths
    from intake.sources.files import require_paths
    from intake.progress import IngestWatch, print_summary
    require_paths(args.paths)
    watch = IngestWatch(enabled=not args.quiet)
    try:
        summary = ingest_paths(args.paths, _database_url(args), config_path=_config_path(args),
                               workers=_workers(args), watch=watch)
    finally:
        watch.close()
    if args.json:
        print(json.dumps({**summary.as_dict(), "channels": dict(watch.summary.channels),
                          "unreadable": watch.summary.as_dict()["unreadable"]}, ensure_ascii=False))
    else:
        print_summary(watch.summary, sys.stdout, head={
            "offered": summary.messages, "newly stored": summary.new, "already stored": summary.already_stored,
            "skipped (already read)": summary.skipped, "read": summary.processed, "failed": summary.failed})
    return ExitCode.ok


def cmd_export(args: argparse.Namespace) -> int:
    from outputs.exporters import export
    export(_database_url(args), "excel" if args.excel else args.format, sys.stdout)
    return ExitCode.ok


def cmd_eval(args: argparse.Namespace) -> int:
    from intake.evaluate import evaluate_main
    from intake.sources.files import require_paths
    require_paths(args.paths)
    return evaluate_main(args.paths, config_path=_config_path(args), workers=_workers(args), as_json=args.json,
                         calibrate_to=args.calibrate, progress=not args.quiet)


def cmd_poll(args: argparse.Namespace) -> int:
    from scheduler import poll_once
    return poll_once(_database_url(args), config_path=_config_path(args), out=sys.stdout, as_json=args.json)


def _startup_table(command: str, args: argparse.Namespace, portal: bool = True) -> None:
    """The table `serve` and `run` start with: what they serve (intake/service_report.py)."""
    from intake.mailboxes import load_sources
    from intake.service_report import print_startup, startup
    from intake.settings import get_settings
    sources = load_sources(_config_path(args)) if command == "run" else None
    url = f"http://{args.host}:{args.port}" if portal else None
    print_startup(startup(command, _database_url(args), url, sources, get_settings().workers), sys.stdout,
                  as_json=args.json)


def cmd_run(args: argparse.Namespace) -> int:
    from scheduler import run_service
    _startup_table("run", args, portal=not args.no_portal)
    return run_service(_database_url(args), config_path=_config_path(args), host=args.host, port=args.port,
                       portal=not args.no_portal)


def cmd_serve(args: argparse.Namespace) -> int:
    from foundation.config import load_config
    from reviewdesk.app import serve
    _startup_table("serve", args)
    return serve(_database_url(args), host=args.host, port=args.port, config=load_config(_config_path(args)))


def cmd_status(args: argparse.Namespace) -> int:
    from intake.status import print_status
    from outputs.db import require_existing
    require_existing(_database_url(args))
    return print_status(_database_url(args), sys.stdout, as_json=args.json)


def cmd_db(args: argparse.Namespace) -> int:
    from outputs.db import current_revision, require_existing, upgrade
    if args.action == "upgrade":
        upgrade(_database_url(args))
    else:
        require_existing(_database_url(args))
    revision = current_revision(_database_url(args))
    print(json.dumps({"revision": revision}) if args.json else revision)
    return ExitCode.ok


def cmd_demo(args: argparse.Namespace) -> int:
    from intake.demo import run_demo
    return run_demo(_database_url(args), host=args.host, port=args.port, serve=not args.no_serve,
                    as_json=args.json, config_path=_config_path(args))


COMMANDS = {
    "extract": cmd_extract, "ingest": cmd_ingest, "export": cmd_export, "eval": cmd_eval, "poll": cmd_poll,
    "run": cmd_run, "serve": cmd_serve, "status": cmd_status, "db": cmd_db, "demo": cmd_demo,
}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from intake.logs import setup_logging
    setup_logging(verbose=args.verbose)
    try:
        from intake.cmd_config import load_schemas
        load_schemas()  # every configuration section is checked strictly when the configuration is loaded
        return (getattr(args, "handler", None) or COMMANDS[args.command])(args)
    except IntakeError as error:
        print(f"intake: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return ExitCode.ok


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
