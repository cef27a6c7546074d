"""`intake users`: portal accounts from the command line — the first administrator of a fresh install, and the
way back in when no administrator can log in.

  intake users add EMAIL [--admin] [--channel C ...] [--name N]   prints a one-time activation link
  intake users list
  intake users deactivate EMAIL                                   ends every session of the user too
  intake users unblock EMAIL                                      clears the login throttle of the address
  intake users reset EMAIL                                        prints a one-time password-reset link

Links are printed to the terminal, never logged; they start with INTAKE_PUBLIC_URL (http://localhost:8000
when it is not set). Each action is an `admin` event with actor "cli".
"""
from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from foundation.errors import ExitCode, UsageError

ACTOR = "cli"


def register(subparsers) -> None:
    p = subparsers.add_parser("users", help="portal accounts: add (first admin), list, deactivate, unblock, reset")
    p.add_argument("--database", metavar="URL", help="SQLAlchemy URL (default: INTAKE_DATABASE_URL)")
    actions = p.add_subparsers(dest="users_action", required=True)
    add = actions.add_parser("add", help="create a user and print a one-time activation link")
    add.add_argument("email")
    add.add_argument("--admin", action="store_true", help="administrator (sees every channel, manages users)")
    add.add_argument("--channel", action="append", default=[], metavar="C", help="a channel right (repeatable)")
    add.add_argument("--name", default="")
    actions.add_parser("list", help="every user with role, channels and status")
    for name, text in (("deactivate", "no more logins; ends the user's sessions"),
                       ("unblock", "clear the login throttle of an address"),
                       ("reset", "print a one-time password-reset link")):
        actions.add_parser(name, help=text).add_argument("email")
    p.set_defaults(handler=run)


def _link(settings, path: str) -> str:
    base = settings.public_url or "http://localhost:8000"
    return f"{base}{path}"


def run(args: argparse.Namespace, out=None) -> int:
    from foundation.models import CHANNELS
    from intake.settings import get_settings
    from outputs.store import Store
    from reviewdesk import audit, users
    from reviewdesk.settings import portal_settings

    out = out or sys.stdout
    url = args.database or get_settings().database_url
    settings = portal_settings()
    unknown = [c for c in getattr(args, "channel", []) if c not in CHANNELS]
    if unknown:
        raise UsageError(f"unknown channel(s): {', '.join(unknown)} (known: {', '.join(CHANNELS)})")
    store = Store(url)
    try:
        with store.session() as session:
            if args.users_action == "list":
                for user in users.all_users(session):
                    status = ("deactivated" if user.deactivated_at else "active" if user.active
                              else "awaiting activation")
                    role = "admin" if user.is_admin else "reviewer"
                    out.write(f"{user.email}\t{role}\t{status}\t{','.join(sorted(user.channels)) or '-'}\n")
                return ExitCode.ok
            if args.users_action == "add":
                try:
                    user = users.create_user(session, args.email, args.name, args.channel, args.admin)
                except users.UserError as error:
                    raise UsageError(str(error)) from error
                audit.record(session, ACTOR, "user_created", user.email, channels=sorted(user.channels),
                             is_admin=user.is_admin)
                token = users.issue_token(session, user, "activate", timedelta(hours=settings.activation_ttl_hours))
                out.write(f"user {user.email} created; activation link (valid {settings.activation_ttl_hours} h, "
                          f"once):\n{_link(settings, '/activate/' + token)}\n")
                return ExitCode.ok
            user = users.find_by_email(session, args.email)
            if user is None:
                raise UsageError(f"no user {users.normalise_email(args.email)}")
            if args.users_action == "deactivate":
                ended = users.deactivate(session, user)
                audit.record(session, ACTOR, "deactivated", user.email, sessions_ended=ended)
                out.write(f"user {user.email} deactivated; {ended} session(s) ended\n")
            elif args.users_action == "unblock":
                users.unblock(session, user)
                audit.record(session, ACTOR, "unblocked", user.email)
                out.write(f"user {user.email} unblocked\n")
            else:
                if user.active:         # a password reset; a user never activated gets a new activation link
                    path = "/password/reset/"
                    token = users.issue_token(session, user, "reset", timedelta(minutes=settings.reset_ttl_minutes))
                else:
                    path = "/activate/"
                    token = users.issue_token(session, user, "activate",
                                              timedelta(hours=settings.activation_ttl_hours))
                audit.record(session, ACTOR, "reset_link_made", user.email)
                out.write(f"one-time link for {user.email}:\n{_link(settings, path + token)}\n")
            return ExitCode.ok
    finally:
        store.close()
