"""Coverage-guided fuzzing (atheris, libFuzzer) of the reading entry points: MIME, TNEF, Outlook .msg,
HTML, PDF and images. Needs `pip install atheris` (the `fuzz` extra); not part of the suite.

    .venv/bin/python bench/atheris_fuzz.py TARGET [libFuzzer options, e.g. -max_total_time=60 -rss_limit_mb=2048]

TARGET is one of: mime tnef msg html pdf image. The corpus starts from samples/ and ../shared/corpora/
real-world/ (files of the target's kind, copied to a temp folder; pass a folder of your own after the
options to keep what it finds). A finding is any exception other than the reader's own `UnreadableInput`:
libFuzzer writes the input to crash-<sha1>; copy it to tests/fuzz/regressions/ (with a .why line) so the
suite replays it for ever.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import atheris  # noqa: E402

with atheris.instrument_imports(include=["parsers", "tnefparse", "olefile", "html5lib", "bs4", "email"]):
    from parsers.html import html_to_text
    from parsers.images import read_image
    from parsers.mime import parse_email
    from parsers.msg import read_msg
    from parsers.pdf import read_pdf
    from parsers.tnef import read_tnef

from foundation.config import Limits  # noqa: E402
from foundation.errors import UnreadableInput  # noqa: E402
from tests.fuzz.mutate import seeds  # noqa: E402

LIMITS = Limits(max_ocr_pages=0, max_pdf_pages=5, max_image_pixels=4_000_000, html_max_bytes=200_000)


def _html(data: bytes) -> None:
    html_to_text(data.decode("utf-8", "replace"), max_bytes=LIMITS.html_max_bytes)


TARGETS = {
    "mime": (lambda data: parse_email(data, LIMITS), (".eml", ".mbox")),
    "tnef": (read_tnef, (".dat", ".tnef", ".eml")),
    "msg": (read_msg, (".msg",)),
    "html": (_html, (".html", ".htm", ".eml")),
    "pdf": (lambda data: read_pdf(data, LIMITS, ocr=False), (".pdf",)),
    "image": (lambda data: read_image(data, LIMITS, ocr=False), (".tif", ".tiff", ".png", ".jpg", ".jpeg", ".gif")),
}


def _attachments(corpus: Path, subtypes: tuple[str, ...]) -> None:
    import email
    from email import policy
    for n, path in enumerate(p for p in seeds() if p.suffix.lower() == ".eml"):
        try:
            message = email.message_from_bytes(path.read_bytes(), policy=policy.compat32)
            parts = [p for p in message.walk() if any(t in p.get_content_type() for t in subtypes)
                     or str(p.get_filename() or "").lower().endswith((".dat", ".msg"))]
            for k, part in enumerate(parts):
                data = part.get_payload(decode=True)
                if data:
                    (corpus / f"att{n:04d}-{k}.bin").write_bytes(data)
        except Exception:  # noqa: BLE001 - a broken seed is just not a seed
            continue


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(TARGETS)}}} [libFuzzer options] [corpus folder]")
    name = sys.argv[1]
    target, suffixes = TARGETS[name]
    corpus = Path(tempfile.mkdtemp(prefix=f"atheris-{name}-"))
    for n, path in enumerate(p for p in seeds() if p.suffix.lower() in suffixes):
        shutil.copy(path, corpus / f"{n:04d}{path.suffix}")
    if name in ("tnef", "msg"):  # the attachments themselves (winmail.dat, .msg) out of the seed mails
        _attachments(corpus, {"tnef": ("ms-tnef", "tnef"), "msg": ("vnd.ms-outlook",)}[name])

    def one(data: bytes) -> None:
        try:
            target(data)
        except UnreadableInput:
            pass  # the reader said clearly why it cannot read this: that is the expected outcome

    args = [sys.argv[0], *sys.argv[2:], str(corpus)]
    atheris.Setup(args, one)
    try:
        atheris.Fuzz()
    finally:
        shutil.rmtree(corpus, ignore_errors=True)


if __name__ == "__main__":
    main()
