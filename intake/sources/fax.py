"""The fax door: files a fax server drops in a folder (TIFF, PDF...) into the store, once, when complete.

A fax server writes a file over seconds; reading it half-written would store half a fax. A file is taken
only when it is older than the settle time AND its size and mtime did not change between two looks (the
previous poll's, or a look taken at the start of this poll), and is checked again after reading. Temporary
names (`*.tmp`, `*.part`, dotfiles...) are never taken: servers rename a finished file to its final name.

Order: read, store (commit), then move the file to `processed/`. A crash between the two leaves the file in
place; the next poll finds its bytes already stored and only moves it. Unreadable files are stored too (the
pipeline turns them into a manual_review record with the reason), and moved like the others.
Arrival time is the file's mtime.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from intake.mailboxes import FaxDirConfig
from foundation.models import SourceRef
from foundation.record import sha256_hex

log = logging.getLogger(__name__)

TEMP_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".filepart", ".crdownload", ".swp", ".lock", "~")
TEMP_PREFIXES = (".", "~$", "#")


def is_temporary(name: str) -> bool:
    lower = name.lower()
    return lower.startswith(TEMP_PREFIXES) or lower.endswith(TEMP_SUFFIXES)


@dataclass
class FaxResult:
    key: str
    stored: int = 0
    duplicates: int = 0
    moved: int = 0
    waiting: list[str] = field(default_factory=list)   # files not complete yet
    errors: list[str] = field(default_factory=list)


def _signature(path: Path) -> Optional[tuple[int, int]]:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _unique_target(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = os.path.splitext(name)
    number = 1
    while target.exists():
        target = folder / f"{stem}.{number}{suffix}"
        number += 1
    return target


class FaxPoller:
    """Polls one drop folder. Keep one instance per folder across polls: it remembers what it saw."""

    def __init__(self, fax: FaxDirConfig, store: Any, state: Any = None, stop: Optional[threading.Event] = None):
        self.fax = fax
        self.store = store
        self.state = state
        self.stop = stop or threading.Event()
        self.folder = Path(fax.path).resolve()
        self.key = f"fax:{self.folder}"
        self._seen: dict[str, tuple[int, int]] = {}

    def candidates(self) -> list[Path]:
        try:
            entries = sorted(self.folder.iterdir(), key=lambda p: p.name)
        except FileNotFoundError:
            return []
        return [p for p in entries if not is_temporary(p.name) and p.is_file() and not p.is_symlink()]

    def poll(self, result: Optional[FaxResult] = None) -> FaxResult:
        """Take every complete file once. `result`, when given, is filled as the poll goes (after a failure
        part-way it still tells what was stored)."""
        result = result if result is not None else FaxResult(key=self.key)
        files = self.candidates()
        now = time.time()
        first_look = {str(p): _signature(p) for p in files}
        if files and any(str(p) not in self._seen for p in files) and self.fax.settle_s > 0:
            # Files we have never looked at: look twice, a short while apart, before trusting them.
            self.stop.wait(min(self.fax.settle_s / 2, 1.0))
            now = time.time()
        for path in files:
            if self.stop.is_set():
                break
            name = str(path)
            sig = _signature(path)
            previous = self._seen.get(name, first_look.get(name))
            self._seen[name] = sig if sig else (0, 0)
            if sig is None:
                continue  # vanished
            if sig != previous or now - sig[1] / 1e9 < self.fax.settle_s:
                result.waiting.append(path.name)
                continue
            self._take(path, sig, result)
        for name in list(self._seen):
            if not os.path.exists(name):
                del self._seen[name]
        if self.state is not None and result.stored:
            self.state.add_messages(self.key, result.stored)
        return result

    def _take(self, path: Path, sig: tuple[int, int], result: FaxResult) -> None:
        try:
            raw = path.read_bytes()
        except OSError as error:
            result.errors.append(f"{path.name}: {error.strerror or error}")
            return
        if len(raw) != sig[0] or _signature(path) != sig:
            result.waiting.append(path.name)  # still being written after all
            return
        digest = sha256_hex(raw)
        uri = str(path)
        received = datetime.fromtimestamp(sig[1] / 1e9, tz=timezone.utc)
        if self.store.has_raw(digest):
            result.duplicates += 1
            log.info("fax already stored", extra={"uri": uri, "sha256": digest[:16]})
        else:
            raw_id, created = self.store.add_raw(raw, SourceRef(uri=uri, received_at=received, filename=path.name),
                                                 kind="fax", mailbox=self.key, date_header=None)
            if created:
                result.stored += 1
                log.info("fax stored", extra={"uri": uri, "raw_id": raw_id, "size": len(raw)})
            else:
                result.duplicates += 1
        self._move_processed(path, result)

    def _move_processed(self, path: Path, result: FaxResult) -> None:
        target_dir = Path(self.fax.processed)
        try:
            target_dir.mkdir(parents=True, exist_ok=True)
            os.replace(path, _unique_target(target_dir, path.name))
            result.moved += 1
            self._seen.pop(str(path), None)
        except OSError as error:
            # Stored already: the next poll sees the same bytes, skips storing, and tries the move again.
            result.errors.append(f"{path.name}: could not move to {target_dir}: {error.strerror or error}")
            log.error("fax stored but not moved", extra={"uri": str(path), "error": str(error)})
