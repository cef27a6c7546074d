"""The mailbox of bench/bench_load.py: N varied mission orders written straight into a Dovecot Maildir.

Each is a .eml of samples/messages with its own Message-ID (`<load.RUN.NUMBER@bench.invalid>`) and Date, so
every one is a new message to the store; mails carrying images (fax scans, photos: OCR would set the pace)
are left out unless asked for. Writing the files costs no IMAP round trip; Dovecot indexes them on the first
SELECT.
"""
from __future__ import annotations

import email
import os
import re
import shutil
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
START = datetime(2026, 11, 2, 8, 0, tzinfo=timezone(timedelta(hours=1)))
IMAGE_NAME = re.compile(r"\.(tiff?|png|jpe?g|gif|bmp|heic)$", re.IGNORECASE)


def templates(with_scans: bool) -> list[bytes]:
    """The sample mails to vary; without scans, those that carry no image (OCR would set the pace)."""
    chosen = []
    for path in sorted((REPO / "samples" / "messages").glob("*.eml")):
        raw = path.read_bytes()
        if not with_scans:
            message = email.message_from_bytes(raw)
            if any(part.get_content_maintype() == "image" or IMAGE_NAME.search(part.get_filename() or "")
                   for part in message.walk()):
                continue
        chosen.append(raw)
    return chosen


def varied(template: bytes, number: int, run: str) -> bytes:
    """The template with its own Message-ID and Date (so each one is a new message), CRLF line ends."""
    text = template.replace(b"\r\n", b"\n")
    head, _, body = text.partition(b"\n\n")
    kept, skipping = [], False
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and skipping:
            continue
        skipping = line.lower().startswith((b"message-id:", b"date:"))
        if not skipping:
            kept.append(line)
    moment = START + timedelta(seconds=97 * number)          # 10,000 mails over about eleven days
    stamp = f"Date: {format_datetime(moment)}"
    head = b"\n".join([f"Message-ID: <load.{run}.{number}@bench.invalid>".encode(), stamp.encode(), *kept])
    return (head + b"\n\n" + body).replace(b"\n", b"\r\n")


def fill_maildir(server, count: int, run: str, with_scans: bool, user: str = "alice") -> int:
    """`count` messages into the user's INBOX, as Maildir files (no IMAP round trip); returns the bytes."""
    maildir = server.dir / "mail" / user / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    sources = templates(with_scans)
    total, now = 0, int(time.time())
    for number in range(count):
        raw = varied(sources[number % len(sources)], number, run)
        (maildir / "new" / f"{now}.M{number}P{os.getpid()}.bench,S={len(raw)}").write_bytes(raw)
        total += len(raw)
    for folder, _, files in os.walk(server.dir / "mail"):
        shutil.chown(folder, "nobody", "nogroup")
        for name in files:
            shutil.chown(os.path.join(folder, name), "nobody", "nogroup")
    return total
