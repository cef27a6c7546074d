"""`intake api-token add|revoke|list` (per-client tokens of the JSON API, with their channels and scopes) and `intake webhooks log|retry`
(the delivery log of the outbox; put given-up deliveries back in the queue). Administrator commands: they
need the database URL, nothing of the portal's login.

`add` prints the token once, on standard output; only its SHA-256 is stored, so a lost token is revoked and
replaced, never recovered.
"""
from __future__ import annotations

import argparse
import json
import sys

from foundation.errors import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    from intake.cli import _add_database

    p = sub.add_parser("api-token", help="create, revoke or list the JSON API's client tokens")
    actions = p.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create a token for a client and print it (shown once)")
    add.add_argument("name", help="the client's name, e.g. crm")
    add.add_argument("--channel", action="append", default=[], metavar="CHANNEL",
                     help="restrict the token to this channel (repeat); none = every channel")
    add.add_argument("--scope", action="append", default=[], metavar="SCOPE", choices=("read", "write", "reprocess"),
                     help="what the client may do (repeat): read (the default), write (correct, open, attach, "
                          "refuse), reprocess (decide a record again)")
    _add_database(add)
    revoke = actions.add_parser("revoke", help="revoke a client's token at once")
    revoke.add_argument("name")
    _add_database(revoke)
    _add_database(actions.add_parser("list", help="the tokens (names, prefixes, channels, last use)"))
    p.set_defaults(handler=cmd_api_token)

    p = sub.add_parser("webhooks", help="webhook deliveries: the log, or retry the given-up ones")
    p.add_argument("action", choices=("log", "retry"))
    p.add_argument("--target", default=None, help="only this target (retry)")
    _add_database(p)
    p.set_defaults(handler=cmd_webhooks)


def _store(args: argparse.Namespace):
    from intake.cli import _database_url
    from outputs.store import Store
    return Store(_database_url(args))


def cmd_api_token(args: argparse.Namespace) -> int:
    from foundation.models import CHANNELS
    from outputs.integrations import TokenError

    unknown = [c for c in getattr(args, "channel", []) if c not in CHANNELS]
    if unknown:
        print(f"intake: unknown channel {', '.join(unknown)} (known: {', '.join(CHANNELS)})", file=sys.stderr)
        return ExitCode.usage
    store = _store(args)
    try:
        if args.action == "add":
            print(store.create_api_token(args.name, args.channel, args.scope or ["read"]))
        elif args.action == "revoke":
            store.revoke_api_token(args.name)
            print(f"revoked {args.name}", file=sys.stderr)
        else:
            for token in store.api_tokens():
                print(json.dumps(token, default=str, ensure_ascii=False))
    except TokenError as error:
        print(f"intake: {error}", file=sys.stderr)
        return ExitCode.usage
    finally:
        store.close()
    return ExitCode.ok


def cmd_webhooks(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        if args.action == "retry":
            print(f"{store.retry_dead(args.target)} deliveries put back in the queue", file=sys.stderr)
        else:
            for line in store.delivery_log():
                print(json.dumps(line, default=str, ensure_ascii=False))
    finally:
        store.close()
    return ExitCode.ok
