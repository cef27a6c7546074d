"""Load: one mailbox of N messages, one `intake run` poller per core, the portal under R concurrent reviewers.

What it does, all on loopback, every process its own:
  1. a private Dovecot (tests/dovecot.py) whose INBOX gets N messages written straight into its Maildir
     (bench/load_mailbox.py): the .eml of samples/messages, each with its own Message-ID and Date (mails
     carrying images, i.e. the fax scans and photos that need OCR, are left out unless --with-scans);
  2. the database (SQLite file by default; or --database URL, e.g. PostgreSQL in a schema made and dropped
     here with --postgres-schema) upgraded, and R portal users (password + TOTP) created in it;
  3. `intake run` (scheduler + portal) and --pollers - 1 more `intake run --no-portal` on the same mailbox
     and database: the mailbox lease lets one poll at a time, the read lease one read at a time, so the
     second process reads what the first has stored while it polls;
  4. in this process, R reviewers (bench/load_reviewers.py: asyncio + httpx) log in, list the queue, open
     records and now and then post a correction, for as long as the ingest lasts; the store's counts are
     sampled every second;
  5. once every message is stored and read (or --timeout), the reviewers stop, the services get SIGTERM,
     and the store is checked against the mailbox: distinct Message-IDs, duplicates, lost, left on server.
Every process started is ended at the end, also on Ctrl-C. Prints a table; nothing is asserted.

    .venv/bin/python bench/bench_load.py [--messages 10000] [--reviewers 20] [--pollers 2] [--think 1.0]
        [--database URL | --postgres] [--with-scans] [--timeout 1800]

Figures: bench/README.md, section "Load".
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from load_mailbox import fill_maildir  # noqa: E402
from load_reviewers import Account, Timings, percentile, run_reviewers  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


# --------------------------------------------------------------------------- the database

@dataclass
class Database:
    url: str
    schema: str | None = None    # a PostgreSQL schema made here, dropped at the end
    admin: str = PG_ADMIN

    def drop(self) -> None:
        if self.schema:
            import psycopg
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")


def make_database(args: argparse.Namespace, folder: Path) -> Database:
    """--postgres: a new schema in 127.0.0.1:5432/test. --database URL with `search_path%3DNAME`: that schema,
    made here (and dropped at the end) unless it exists. Else a SQLite file in the temp folder."""
    url = args.database
    if args.postgres:
        url = (PG_ADMIN.replace("postgresql:", "postgresql+psycopg:")
               + f"?options=-csearch_path%3Dload_{uuid.uuid4().hex[:8]}")
    if url is None:
        return Database(f"sqlite:///{folder}/load.db")
    schema = re.search(r"search_path%3D(\w+)", url)
    if schema is None:
        return Database(url)
    import psycopg
    admin = re.sub(r"^postgresql\+\w+:", "postgresql:", url.split("?")[0])
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema.group(1),)).fetchone():
            return Database(url, admin=admin)
        conn.execute(f"CREATE SCHEMA {schema.group(1)}")
    return Database(url, schema.group(1), admin)


def make_reviewers(url: str, count: int) -> list[Account]:
    """`count` active portal users (two admins, the others with every channel), password + TOTP."""
    from foundation.models import CHANNELS
    from outputs.store import Store
    from reviewdesk import security, users

    accounts = []
    password = "load bench " + secrets.token_hex(4)
    digest = security.hash_password(password)
    store = Store(url)          # upgrades the schema
    try:
        with store.session() as session:
            for n in range(count):
                account = Account(f"reviewer{n:02d}@load.test", password, security.new_totp_secret())
                user = users.create_user(session, account.email, f"Reviewer {n}", [] if n < 2 else CHANNELS, n < 2)
                user.password_hash, user.totp_secret, user.active = digest, account.totp_secret, True
                accounts.append(account)
            session.commit()    # the portal seals the TOTP secrets at start-up
    finally:
        store.close()
    return accounts


class Counts:
    """The store's counts, read by this process (SQLite in WAL lets it read beside the writers)."""

    def __init__(self, url: str):
        from outputs.store import Store
        self.store = Store(url, upgrade=False)

    def now(self) -> tuple[int, int, int] | None:
        """(raws stored, raws read or failed, records); None when the database did not answer in time."""
        from sqlalchemy.exc import OperationalError
        try:
            return self._now()
        except OperationalError as error:
            print(f"  (counts not read: {str(error.orig)[:80]})", file=sys.stderr)
            return None

    def _now(self) -> tuple[int, int, int]:
        from outputs.db import READ_ONLY
        with self.store.engine.connect().execution_options(**{READ_ONLY: True}) as conn:  # plain BEGIN
            stored = conn.exec_driver_sql("SELECT count(*) FROM raw_messages").scalar()
            done = conn.exec_driver_sql("SELECT count(*) FROM raw_messages WHERE status <> 'pending'").scalar()
            records = conn.exec_driver_sql("SELECT count(*) FROM records").scalar()
        return stored, done, records

    def message_ids(self) -> list[str]:
        from outputs.db import READ_ONLY
        with self.store.engine.connect().execution_options(**{READ_ONLY: True}) as conn:
            return [row[0] or "" for row in conn.exec_driver_sql("SELECT message_id FROM raw_messages")]

    def close(self) -> None:
        self.store.close()


# --------------------------------------------------------------------------- the services

def start_services(args, db: Database, mailbox_json: str, folder: Path, port: int,
                   processes: list[subprocess.Popen]) -> None:
    """The pollers, appended to `processes` as they start (so an interruption still ends each one)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "INTAKE_MAILBOXES": mailbox_json,
           "INTAKE_SECRET_KEY": secrets.token_urlsafe(32), "INTAKE_LOG_LEVEL": "INFO", "OMP_THREAD_LIMIT": "1"}
    if args.workers is not None:
        env["INTAKE_WORKERS"] = str(args.workers)
    for n in range(args.pollers):
        command = [sys.executable, "-m", "intake", "run", "--database", db.url]
        command += ["--port", str(port)] if n == 0 else ["--no-portal"]
        log = open(folder / f"poller{n}.log", "wb")
        processes.append(subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True))   # Ctrl-C reaches us; we end them
        log.close()


def wait_portal(port: int, processes: list[subprocess.Popen], limit_s: float = 60.0) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if processes[0].poll() is not None:
            raise RuntimeError(f"intake run exited with {processes[0].returncode} before the portal answered")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the portal did not answer within a minute")


def stop_processes(processes: list[subprocess.Popen], grace_s: float = 60.0) -> list[int]:
    """SIGTERM each (they finish the current message), SIGKILL what is still there after the grace time."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)   # also a reader worker the service left behind
        except ProcessLookupError:
            pass
        process.wait()
    return [process.returncode for process in processes]


# --------------------------------------------------------------------------- the run

async def ingest_under_review(args, counts: Counts, base_url: str, accounts: list[Account],
                              processes: list[subprocess.Popen], t0: float) -> tuple[list[Sample], Timings, str]:
    """Reviewers on, the counts sampled each second, until every message is read or the time is up."""
    stop = asyncio.Event()
    team = asyncio.create_task(run_reviewers(base_url, accounts, stop, args.think, args.correct))
    series: list[Sample] = []
    why, shown = "timeout", 0.0
    while time.monotonic() - t0 < args.timeout:
        now = await asyncio.to_thread(counts.now)
        if now is None:
            await asyncio.sleep(1.0)
            continue
        stored, done, _ = now
        series.append(Sample(time.monotonic() - t0, stored, done))
        if series[-1].t - shown >= 30:
            shown = series[-1].t
            print(f"  {shown:5.0f} s: stored {stored}, read {done}", file=sys.stderr)
        if stored >= args.messages and done >= stored:
            why = "all read"
            break
        if any(p.poll() is not None for p in processes):
            why = "a service exited"
            break
        await asyncio.sleep(1.0)
    stop.set()
    return series, await team, why


class Sample(NamedTuple):
    t: float          # seconds since the services were started
    stored: int       # raw messages in the store
    read: int         # of which read (processed or failed)


def reached(series: list[Sample], column: str, target: float) -> float | None:
    return next((s.t for s in series if getattr(s, column) >= target), None)


def rates(series: list[Sample], column: str, n: int) -> str:
    """'N in T s: R msg/s overall, S msg/s from 10 % to 90 %' (the steady part, start-up left out)."""
    last = getattr(series[-1], column) if series else 0
    end = reached(series, column, n) or (series[-1].t if series else 0.0)
    low, high = reached(series, column, 0.1 * n), reached(series, column, 0.9 * n)
    steady = f", {0.8 * n / (high - low):.1f} msg/s from 10 % to 90 %" if low is not None and high and high > low \
        else ""
    return f"{last} in {end:.0f} s: {last / max(end, 1e-9):.1f} msg/s overall{steady}"


def page_row(timings: Timings, kinds: tuple[str, ...], since: float = 0.0, until: float = float("inf")) -> str:
    values = timings.values(kinds, since, until)
    return (f"n={len(values)} p50 {percentile(values, .5):.0f} ms, p95 {percentile(values, .95):.0f} ms, "
            f"max {max(values, default=0):.0f} ms")


PAGES = ("queue", "queue filtered", "queue later page", "record")


def report(args, series: list[Sample], timings: Timings, why: str, checks: dict, t0: float,
           total_bytes: int) -> None:
    n = args.messages
    wall = series[-1].t if series else 0.0
    polled_at = reached(series, "stored", n)
    rows = [("messages in the mailbox", f"{n} ({total_bytes / 1e6:.1f} MB)"),
            ("pollers / reviewers", f"{args.pollers} x intake run / {args.reviewers} (think {args.think:g} s)"),
            ("database", args.database_label), ("end", f"{why} after {wall:.0f} s"),
            ("stored (raw_messages)", rates(series, "stored", n)),
            ("ingest: stored and read", rates(series, "read", n))]
    requests = sum(len(v) for v in timings.ms.values())
    rows.append(("reviewer requests", f"{requests} ({requests / max(wall, 1e-9):.1f}/s), "
                                      f"errors {sum(timings.errors.values())}"))
    rows.append(("page time, every GET page", page_row(timings, PAGES)))
    if polled_at is not None:
        rows.append(("  while the mailbox is polled", page_row(timings, PAGES, until=t0 + polled_at)))
        rows.append(("  after, while reading only", page_row(timings, PAGES, since=t0 + polled_at)))
    for kind in (*PAGES, "correction", "login"):
        if kind in timings.ms or kind in timings.errors:
            rows.append((f"  {kind}", f"{page_row(timings, (kind,))}, errors {timings.errors.get(kind, 0)}"))
    rows += [(name, str(value)) for name, value in checks.items()]
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | value |\n|{'-' * (width + 2)}|---|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")
    for kind, example in timings.examples.items():
        print(f"error example ({kind}): {example}", file=sys.stderr)


def log_counts(folder: Path, pollers: int) -> dict:
    """From the services' logs: who read how many, lease skips, APScheduler's skipped runs, errors."""
    read, lease, busy, errors = [], 0, 0, 0
    for n in range(pollers):
        text = (folder / f"poller{n}.log").read_text(errors="replace")
        read.append(sum(int(m) for m in re.findall(r"messages read processed=(\d+)", text)))
        lease += text.count("being polled by another process; skipped")
        busy += text.count("maximum number of running instances")
        errors += len(re.findall(r" (?:ERROR|CRITICAL) |Traceback", text))
    return {"messages read per process": " / ".join(map(str, read)),
            "polls skipped: lease held / run still busy": f"{lease} / {busy}",
            "ERROR lines or tracebacks in the logs": errors}


def check_once(counts: Counts, server, n: int, run: str) -> dict:
    ids = [mid.strip().strip("<>") for mid in counts.message_ids()]
    expected = {f"load.{run}.{i}@bench.invalid" for i in range(n)}
    distinct = set(ids)
    return {"distinct Message-IDs stored": f"{len(distinct & expected)} of {n}",
            "duplicates (rows - distinct)": len(ids) - len(distinct),
            "lost (in mailbox, not stored)": len(expected - distinct),
            "left in INBOX / in Processed": f"{server.count('INBOX')} / {server.count('Processed')}"}


def _interrupted(signum, _frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--pollers", type=int, default=os.cpu_count() or 1, help="intake run processes")
    parser.add_argument("--workers", type=int, default=None, help="reader processes per poller (INTAKE_WORKERS)")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a reviewer's requests")
    parser.add_argument("--correct", type=float, default=0.1, help="share of opened records corrected")
    parser.add_argument("--interval", type=float, default=5.0, help="the mailbox's poll interval, s")
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: a SQLite file made here)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL 127.0.0.1:5432/test, own schema")
    parser.add_argument("--with-scans", action="store_true", help="also the mails with images (OCR)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="give up after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs, SQLite file)")
    args = parser.parse_args()
    signal.signal(signal.SIGINT, signal.default_int_handler)   # also when started in the background
    signal.signal(signal.SIGTERM, _interrupted)

    from tests.dovecot import Dovecot, available, free_port
    if not available():
        print("dovecot is not on PATH: install dovecot-imapd", file=sys.stderr)
        return 1
    run = uuid.uuid4().hex[:6]
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    server, db, counts, processes = None, None, None, []
    try:
        server = Dovecot(users=("alice",))
        started = time.perf_counter()
        total_bytes = fill_maildir(server, args.messages, run, args.with_scans)
        print(f"mailbox: {server.count('INBOX')} messages in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        db = make_database(args, folder)
        args.database_label = "PostgreSQL (own schema)" if db.schema else db.url.split(":")[0]
        accounts = make_reviewers(db.url, args.reviewers)
        counts = Counts(db.url)
        mailbox = server.mailbox_config(interval_s=args.interval)
        port = free_port()
        t0 = time.monotonic()
        start_services(args, db, json.dumps([mailbox]), folder, port, processes)
        wait_portal(port, processes)
        series, timings, why = asyncio.run(
            ingest_under_review(args, counts, f"http://127.0.0.1:{port}", accounts, processes, t0))
        codes = stop_processes(processes)
        checks = check_once(counts, server, args.messages, run)
        checks["service exit codes"] = " ".join(map(str, codes))
        checks.update(log_counts(folder, args.pollers))
        report(args, series, timings, why, checks, t0, total_bytes)
        return 0
    except KeyboardInterrupt:
        print("interrupted: ending every process started", file=sys.stderr)
        return 130
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):    # a second Ctrl-C must not cut the clean-up short
            signal.signal(sig, signal.SIG_IGN)
        stop_processes(processes, grace_s=20.0)
        if counts is not None:
            counts.close()
        if server is not None:
            server.stop()
        if db is not None:
            db.drop()
        if args.keep:
            print(f"kept: {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
