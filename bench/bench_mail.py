"""Mail per second from a real Dovecot into the store, and through the reader processes.

Builds its own messages and starts its own Dovecot (tests/dovecot.py), then for each case:
  poll    messages/s of the IMAP door alone (fetch, store + commit, move)
  read    messages/s of reading the stored raws with N Executor workers (intake.ingest)
  total   end to end
Cases: 1,000 text mails and 200 mails with a PDF attachment, with 1 and 2 workers, on SQLite and on
PostgreSQL (when it answers on 127.0.0.1:5432). Prints a table; nothing is asserted.

    .venv/bin/python bench/bench_mail.py [--text 1000] [--pdf 200] [--workers 1 2] [--no-postgres]
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def pdf_bytes() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    lines = ["ORDRE DE MISSION", "N° de sinistre : B 123 4567", "Code agent : 123456",
             "Assuré : M. DUPONT Jean, 12 rue des Lilas 69003 Lyon, tél. 06 12 34 56 78",
             "Nature : dégâts des eaux, cause réparée", "Mission : recherche de fuite"]
    for i, line in enumerate(lines):
        c.drawString(60, 780 - 20 * i, line)
    c.showPage()
    c.save()
    return buffer.getvalue()


def make_mail(number: int, run: str, pdf: bytes | None) -> bytes:
    m = EmailMessage()
    m["From"] = "agence.lyon@example.com"
    m["To"] = "missions@example.com"
    m["Subject"] = f"ODM sinistre B{1000000 + number}"
    m["Message-ID"] = f"<bench.{run}.{number}@example.com>"
    m["Date"] = "Mon, 02 Nov 2026 10:00:00 +0100"
    m.set_content(f"Bonjour,\nMerci de missionner une recherche de fuite.\nSinistre B{1000000 + number}\n"
                  f"Assuré M. MARTIN Paul, 06 11 22 33 {number % 100:02d}\nCordialement\n")
    if pdf is not None:
        m.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"odm_{number}.pdf")
    return m.as_bytes().replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n")


def database_urls(use_postgres: bool) -> list[tuple[str, str, object]]:
    """(name, url, cleanup) per database."""
    urls: list[tuple[str, str, object]] = []
    folder = tempfile.mkdtemp(prefix="bench-")
    urls.append(("sqlite", f"sqlite:///{folder}/bench.db", None))
    if use_postgres:
        try:
            import psycopg
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=3,
                                 autocommit=True) as conn:
                schema = "bench_" + uuid.uuid4().hex[:8]
                conn.execute(f"CREATE SCHEMA {schema}")
            urls.append(("postgres", f"postgresql+psycopg://postgres@127.0.0.1:5432/test"
                                     f"?options=-csearch_path%3D{schema}", schema))
        except Exception as error:  # noqa: BLE001
            print(f"(PostgreSQL skipped: {type(error).__name__})", file=sys.stderr)
    return urls


def reset(url: str, schema: object) -> None:
    if schema is None:
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    else:
        import psycopg
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute(f"CREATE SCHEMA {schema}")


def run_case(server, url: str, schema: object, messages: list[bytes], workers: int) -> tuple[float, float, int]:
    from foundation.config import load_config
    from intake.executor import Executor
    from intake.ingest import process_pending
    from intake.mailboxes import MailboxConfig
    from intake.sources.imap import poll_mailbox
    from outputs.mailboxes import StateTables
    from outputs.store import Store

    reset(url, schema)
    client = server.client()
    for folder in ("INBOX", "Processed"):
        if client.folder_exists(folder):
            client.select_folder(folder)
            uids = client.search("ALL")
            if uids:
                client.delete_messages(uids)
                client.expunge()
            client.unselect_folder()
    client.logout()
    server.append(messages)
    store = Store(url)
    box = MailboxConfig(**server.mailbox_config(batch_size=50))
    started = time.perf_counter()
    results = poll_mailbox(box, store, StateTables(store.engine))
    polled = time.perf_counter() - started
    stored = sum(r.stored for r in results)
    with Executor(load_config(None), workers=workers) as executor:
        started = time.perf_counter()
        done = 0
        while True:
            summary = process_pending(store, executor, limit=200)
            done += summary.processed + summary.failed
            if summary.processed + summary.failed == 0:
                break
        read = time.perf_counter() - started
    store.close()
    return polled, read, stored if stored == done else -done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", type=int, default=1000)
    parser.add_argument("--pdf", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    from tests.dovecot import Dovecot, available
    if not available():
        print("dovecot is not on PATH: install dovecot-imapd", file=sys.stderr)
        return 1
    import logging
    logging.basicConfig(level=logging.WARNING)
    run = uuid.uuid4().hex[:6]
    attachment = pdf_bytes()
    cases = [("text", [make_mail(i, run, None) for i in range(args.text)]),
             ("pdf", [make_mail(i, run, attachment) for i in range(args.pdf)])]
    server = Dovecot()
    rows = []
    try:
        for db_name, url, schema in database_urls(not args.no_postgres):
            for case, messages in cases:
                for workers in args.workers:
                    polled, read, count = run_case(server, url, schema, messages, workers)
                    n = len(messages)
                    rows.append((db_name, case, n, workers, n / polled, n / read if read else 0.0,
                                 n / (polled + read), "ok" if count == n else f"MISMATCH {count}"))
                    print(f"  done: {db_name} {case} x{n} workers={workers}", file=sys.stderr)
            if schema is not None:
                import psycopg
                with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        server.stop()
    header = ("database", "mails", "count", "workers", "poll msg/s", "read msg/s", "total msg/s", "check")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for db_name, case, n, workers, poll_rate, read_rate, total_rate, check in rows:
        print(f"| {db_name} | {case} | {n} | {workers} | {poll_rate:.1f} | {read_rate:.1f} | {total_rate:.1f} | {check} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
