"""Every file of the real-world robustness corpus gives a ParsedMessage (or a reason), in a child process
with a time limit: no crash, no hang. Extracted text is not asserted (the corpus holds no orders)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path("/work/shared/corpora/real-world")
TIME_LIMIT_S = 60
FILES = sorted(p for p in CORPUS.glob("*/*") if p.is_file()) if CORPUS.exists() else []

CHILD = r"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from foundation.config import Limits
from parsers import parse_message
from foundation.models import ParsedMessage
limits = Limits(max_ocr_pages=int(sys.argv[2]))
for path in sys.argv[3:]:
    msg = parse_message(open(path, "rb").read(), filename=path.rsplit("/", 1)[-1], limits=limits)
    assert isinstance(msg, ParsedMessage)
    readable = msg.body is not None or bool(msg.attachments) or msg.subject is not None
    print(json.dumps({"path": path, "unreadable": msg.unreadable, "readable": readable}), flush=True)
"""


def _run(paths: list[Path], max_ocr_pages: int, timeout: float) -> list[dict]:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.run([sys.executable, "-c", CHILD, "x", str(max_ocr_pages), *map(str, paths)],
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=Path(__file__).parents[2])
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def _check(rows: list[dict], paths: list[Path]) -> None:
    assert [r["path"] for r in rows] == [str(p) for p in paths]
    for row in rows:
        assert row["readable"] or row["unreadable"], row


@pytest.mark.skipif(not FILES, reason="corpus not present")
def test_corpus_without_ocr_fast():
    """All emails and PDFs with OCR switched off (max_ocr_pages=0): quick, in one child."""
    paths = [p for p in FILES if p.parent.name in ("email", "pdf")]
    _check(_run(paths, 0, timeout=TIME_LIMIT_S * 3), paths)


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_corpus_file_with_ocr(path: Path):
    _check(_run([path], 10, timeout=TIME_LIMIT_S), [path])
