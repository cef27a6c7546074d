#!/usr/bin/env python3
"""Write the sample corpus: messages in samples/messages/, expected records in samples/expected/.

    .venv/bin/python samples/generate.py [--out DIR]

Reproducible: every case has its own seeded generator, Date headers, Message-IDs and MIME boundaries are
fixed, PDFs are written by reportlab with invariant=1, and noise is drawn from the seeded generator, so two
runs write byte-identical files. The expected records are derived from each case's truth (gen/truth.py),
never by running the product.
"""
from __future__ import annotations

import argparse
import email
import email.policy
import hashlib
import json
import mailbox
import re
import shutil
import sys
from email.utils import parseaddr
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "gen"))

from catalog import build  # noqa: E402
from truth import Case, route  # noqa: E402


def mbox_bytes(parts: list[tuple[Case, bytes]]) -> bytes:
    out = b""
    for case, raw in parts:
        sender = parseaddr(case.sender or "MAILER-DAEMON")[1] or "MAILER-DAEMON"
        stamp = case.sent.strftime("%a %b %d %H:%M:%S %Y")
        body = raw.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")
        out += f"From {sender} {stamp}\n".encode() + body.rstrip(b"\n") + b"\n\n"
    return out


def source_of(case: Case, sha256: str, attachments: list) -> dict:
    return {
        "uri": f"samples/messages/{case.file}",
        "message_id": case.message_id if case.sent else None,
        "received_at": case.sent.isoformat() if case.sent else None,
        "sha256": sha256,
        "subject": case.subject if case.sent else None,
        "sender": parseaddr(case.sender)[1].lower() if case.sender and case.sent else None,
        "attachments": [{"filename": name, "content_type": ctype, "sha256": digest}
                        for name, ctype, digest in attachments],
    }


def write(out: Path) -> list[dict]:
    corpus = build()
    messages, expected = out / "messages", out / "expected"
    for folder in (messages, expected):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    digests: dict[str, str] = {}
    boxes: dict[str, list[tuple[Case, bytes]]] = {}
    for case in corpus.cases:
        raw, _ = corpus.files[case.file]
        if "#" in case.file:
            boxes.setdefault(case.file.split("#")[0], []).append((case, raw))
            continue
        (messages / case.file).write_bytes(raw)
        digests[case.file] = hashlib.sha256(raw).hexdigest()
    for name, parts in boxes.items():
        path = messages / name
        path.write_bytes(mbox_bytes(parts))
        # the digest of each message as the file door splits it (mailbox.mbox, as_bytes)
        for number, message in enumerate(mailbox.mbox(str(path), create=False), 1):
            digests[f"{name}#{number}"] = hashlib.sha256(message.as_bytes()).hexdigest()
    records = {case.file: case.expected() for case in corpus.cases}
    for case in corpus.cases:
        records[case.file]["source"] = source_of(case, digests[case.file], corpus.files[case.file][1])
    walk_order = sorted(corpus.files, key=lambda f: (f.split("#")[0], int(f.split("#")[1]) if "#" in f else 0))
    route(corpus.cases, records, walk_order)
    index = []
    for case in corpus.cases:
        rec = records[case.file]
        _drop_unwritten_civility(rec, corpus.files[case.file][0])
        (expected / f"{case.file}.json").write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n",
                                                    encoding="utf-8")
        index.append(rec)
    with open(expected / "index.jsonl", "w", encoding="utf-8") as handle:
        for rec in sorted(index, key=lambda r: r["source"]["uri"]):
            handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return index


# A civility before the family name (same line, or a "Civilité" line just above); a greeting's "Madame, Monsieur," is not one.
_CIVILITY = r"\b(?:M\.|M(?=\s)|Monsieur|Mme|Madame)(?!,)"


def _mail_text(raw: bytes) -> str:
    """Every text part of a mail (forwarded ones included), decoded; the raw text for a .txt file."""
    if not raw[:200].lstrip().startswith((b"From", b"Return", b"Received", b"Date", b"Subject", b"MIME", b"Message")):
        return raw.decode("utf-8", "replace")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    texts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            try:
                texts.append(part.get_content())
            except (LookupError, ValueError):
                pass
        elif part.get_content_type() == "message/rfc822":
            inner = part.get_payload(0) if part.is_multipart() else None
            if inner is not None:
                texts.append(_mail_text(inner.as_bytes()))
    return "\n".join(texts)


def _drop_unwritten_civility(rec: dict, raw: bytes) -> None:
    """A broker writing "DUPONT Jean" states no civility: the expected record must not hold one.

    Only for mails and text files (forms always print it); checked against what the message says."""
    insured = rec.get("insured") or {}
    if not insured.get("civility") or not insured.get("last_name") or raw.startswith(b"%PDF"):
        return
    text = _mail_text(raw)
    pattern = rf"{_CIVILITY}[^\n]{{0,40}}\n?[^\n]{{0,40}}{re.escape(insured['last_name'])}"
    if text and insured["last_name"] in text and not re.search(pattern, text):
        insured["civility"] = None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(HERE), help="folder to write messages/ and expected/ into")
    args = parser.parse_args(argv)
    index = write(Path(args.out))
    kinds: dict[str, int] = {}
    for rec in index:
        kinds[rec["decision"]] = kinds.get(rec["decision"], 0) + 1
    print(f"{len(index)} messages written to {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
