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


def _add_config(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="business configuration YAML (defaults shipped with intake)")


def _add_database(p: argparse.ArgumentParser, required: bool = False) -> None:
    p.add_argument("--database", metavar="URL", required=required,
                   help="SQLAlchemy URL, e.g. sqlite:///intake.db or postgresql+psycopg://user@host/db "
                        "(default: INTAKE_DATABASE_URL)")


def _add_workers(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=None,
                   help="reader processes (default: INTAKE_WORKERS, else one per core; 0 = in-process, no time limit)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="intake", description="Reads mission orders from mail and fax, opens case files.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress on standard error")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print one mission record per message as JSON Lines; stores nothing")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _add_config(p); _add_workers(p)

    p = sub.add_parser("ingest", help="read, store, de-duplicate and route messages into the database")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _add_database(p); _add_config(p); _add_workers(p)

    p = sub.add_parser("export", help="print every stored record, oldest first")
    _add_database(p)
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")

    p = sub.add_parser("eval", help="compare extracted records with the expected ones of a labelled folder")
    p.add_argument("paths", nargs="*", default=["samples"], metavar="PATH",
                   help="a samples folder (messages/ + expected/), a folder of messages with ../expected, or a "
                        "corpus folder with truth.jsonl (default: samples)")
    _add_config(p); _add_workers(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--calibrate", metavar="OUT.yaml", default=None,
                   help="read with raw (uncalibrated) confidences, fit the calibration curves and write them as a "
                        "`calibration:` configuration section to OUT.yaml")

    p = sub.add_parser("poll", help="poll every configured mailbox and fax folder once, now")
    _add_database(p); _add_config(p)

    p = sub.add_parser("run", help="run the scheduler (mailboxes, fax folders) and the review portal")
    _add_database(p); _add_config(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-portal", action="store_true", help="run the scheduler only")

    p = sub.add_parser("serve", help="serve the review portal")
    _add_database(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)

    p = sub.add_parser("status", help="counts per decision and mailbox, last poll, errors")
    _add_database(p)

    p = sub.add_parser("db", help="database schema: upgrade to the latest migration")
    _add_database(p)
    p.add_argument("action", choices=("upgrade", "current"))

    p = sub.add_parser("demo", help="set up the embedded demo: samples into SQLite, a demo user, the portal")
    _add_database(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="prepare the demo database and exit")
    from intake import cmd_users; cmd_users.register(sub)  # noqa: E702 - users: the first admin (issue 7)
    from intake import cmd_api; cmd_api.register(sub)  # api-token, webhooks (handlers set as defaults)
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
    from intake.sources.files import read_tasks
    from rulestage.routing import route_batch

    config = load_config(_config_path(args))
    with Executor(config, workers=_workers(args)) as executor:
        records = [done.record for done in executor.map(read_tasks(args.paths))]
    out = sys.stdout
    for record in route_batch(records):
        # extract stores nothing, so no dossier exists: dossier_id is set by ingest only (contract).
        record = record.model_copy(update={"dossier_id": None})
        out.write(json.dumps(record.to_json_dict(), ensure_ascii=False) + "\n")
    out.flush()
    return ExitCode.ok


def cmd_ingest(args: argparse.Namespace) -> int:
    from intake.ingest import ingest_paths
    summary = ingest_paths(args.paths, _database_url(args), config_path=_config_path(args), workers=_workers(args))
    print(json.dumps(summary.as_dict(), ensure_ascii=False), file=sys.stderr)
    return ExitCode.ok


def cmd_export(args: argparse.Namespace) -> int:
    from outputs.exporters import export
    export(_database_url(args), args.format, sys.stdout)
    return ExitCode.ok


def cmd_eval(args: argparse.Namespace) -> int:
    from intake.evaluate import evaluate_main
    return evaluate_main(args.paths, config_path=_config_path(args), workers=_workers(args), as_json=args.json,
                         calibrate_to=args.calibrate)


def cmd_poll(args: argparse.Namespace) -> int:
    from scheduler import poll_once
    return poll_once(_database_url(args), config_path=_config_path(args))


def cmd_run(args: argparse.Namespace) -> int:
    from scheduler import run_service
    return run_service(_database_url(args), config_path=_config_path(args), host=args.host, port=args.port,
                       portal=not args.no_portal)


def cmd_serve(args: argparse.Namespace) -> int:
    from reviewdesk.app import serve
    return serve(_database_url(args), host=args.host, port=args.port)


def cmd_status(args: argparse.Namespace) -> int:
    from intake.status import print_status
    return print_status(_database_url(args), sys.stdout)


def cmd_db(args: argparse.Namespace) -> int:
    from outputs.db import current_revision, upgrade
    if args.action == "upgrade":
        upgrade(_database_url(args))
    print(current_revision(_database_url(args)))
    return ExitCode.ok


def cmd_demo(args: argparse.Namespace) -> int:
    from intake.demo import run_demo
    return run_demo(_database_url(args), host=args.host, port=args.port, serve=not args.no_serve)


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
        return (COMMANDS.get(args.command) or args.handler)(args)
    except IntakeError as error:
        print(f"intake: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return ExitCode.ok


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
