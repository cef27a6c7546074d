"""The file door: paths (files or folders walked recursively) to raw messages; mbox files split, archives opened."""
from __future__ import annotations

import mailbox
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from intake.executor import Task
from foundation.models import SourceRef
from intake.sources.archives import is_archive, read_archive

# Files that are never messages when walking a folder (expected records, scripts, notes).
SKIP_SUFFIXES = {".json", ".jsonl", ".py", ".pyc", ".md", ".yaml", ".yml", ".toml", ".csv", ".db", ".sqlite", ".log"}
MBOX_SUFFIXES = {".mbox", ".mbx"}
SINGLE_MESSAGE_SUFFIXES = {".eml", ".msg", ".txt", ".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".gif"}


def walk(paths: Iterable[str]) -> Iterator[Path]:
    """Files in the order of the paths; a folder is walked recursively in path order; hidden files skipped."""
    for name in paths:
        path = Path(name)
        if not path.is_dir():
            yield path
            continue
        found = []
        for root, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith((".", "__"))]
            for file in files:
                p = Path(root) / file
                if not file.startswith(".") and p.suffix.lower() not in SKIP_SUFFIXES:
                    found.append(p)
        yield from sorted(found, key=lambda p: p.relative_to(path).parts)


def require_paths(paths: Iterable[str]) -> list[str]:
    """Command-line paths must exist: a missing one is a usage error (checked before anything is read or stored)."""
    from foundation.errors import UsageError

    paths = list(paths)
    missing = [name for name in paths if not os.path.lexists(name)]
    if missing:
        shown = ", ".join(missing[:5]) + (f" (and {len(missing) - 5} more)" if len(missing) > 5 else "")
        raise UsageError(f"no such file or folder: {shown} (PATH is a message file, an mbox, a zip/tar archive "
                         "or a folder of them)")
    return paths


def _mtime(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    except OSError:
        return None


def is_mbox(path: Path, head: bytes) -> bool:
    suffix = path.suffix.lower()
    if suffix in MBOX_SUFFIXES:
        return True
    if suffix in SINGLE_MESSAGE_SUFFIXES:
        return False  # a single message may start with an mbox "From " line: it is still one message
    # No telling suffix: an mbox starts with a "From " separator line and holds more than one message.
    return head.startswith(b"From ") and b"\n\nFrom " in head


def read_tasks(paths: Iterable[str]) -> Iterator[Task]:
    """One task per message: a plain file is one message, an mbox one per message."""
    for path in walk(paths):
        if is_archive(path):
            for raw, source in read_archive(path):
                yield Task(raw=raw, source=source)
            continue
        received = _mtime(path)
        try:
            raw = path.read_bytes()
        except OSError as error:
            # Unreadable file (permissions, vanished): still one task; empty bytes give unreadable_input.
            yield Task(raw=b"", source=SourceRef(uri=str(path), received_at=received, filename=path.name))
            continue
        if is_mbox(path, raw[:1 << 20]):
            try:
                box = mailbox.mbox(str(path), create=False)
                messages = [m.as_bytes() for m in box]
            except Exception:  # noqa: BLE001 - a broken mbox is read as one message
                messages = [raw]
            if len(messages) > 1:
                for number, message in enumerate(messages, 1):
                    yield Task(raw=message, source=SourceRef(uri=f"{path}#{number}", received_at=received,
                                                             filename=path.name))
                continue
        yield Task(raw=raw, source=SourceRef(uri=str(path), received_at=received, filename=path.name))
