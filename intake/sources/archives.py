"""Archives as message sources: .zip, .7z, .tar(.gz/.bz2/.xz) and Maildir folders, read member by member.

Used to re-process whole archives in batch. Bounded against hostile archives (parsers/unpack.py): member count, member
size, total size and compression ratio are capped, and names are never used to write anything (nothing is extracted to disk).
Each member keeps a URI of the form `ARCHIVE!/path/inside`.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from foundation.config import Limits
from foundation.errors import ReadReason
from foundation.models import SourceRef
from parsers import unpack
from parsers.unpack import ArchiveError, Bounds

log = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".zip", ".7z", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
MAX_MEMBERS = 100_000
MAX_MEMBER_BYTES = 60_000_000
MAX_TOTAL_BYTES = 20_000_000_000


def is_archive(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(ARCHIVE_SUFFIXES)


def is_maildir(path: Path) -> bool:
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


# Batch sources read whole mailbox exports: far more and larger members than one attachment, but the
# same unpacker (parsers/unpack.py) and the same zip-bomb ratio as attachments.
SOURCE_BOUNDS = Bounds(MAX_MEMBERS, MAX_MEMBER_BYTES, MAX_TOTAL_BYTES, Limits().archive_max_ratio)


def _members(path: Path, kind: str) -> Iterator[tuple[bytes, SourceRef]]:
    try:
        for member in unpack.members(str(path), kind, SOURCE_BOUNDS):
            uri = f"{path}!/{member.name}"
            if member.refused:
                log.warning("%s: %s, read as empty", uri, member.refused)
            yield member.data, SourceRef(uri=uri, received_at=member.modified, filename=Path(member.name).name)
    except ArchiveError as error:
        if ReadReason.of(error.reason) == ReadReason.archive_refused:
            log.warning("%s: %s; the rest is not read", path, error.reason)
            return
        raise


def _maildir_members(path: Path) -> Iterator[tuple[bytes, SourceRef]]:
    for sub in ("cur", "new"):
        for file in sorted((path / sub).iterdir()):
            if file.is_file() and not file.name.startswith("."):
                received = datetime.fromtimestamp(file.stat().st_mtime, tz=timezone.utc)
                yield file.read_bytes(), SourceRef(uri=str(file), received_at=received, filename=file.name)


def read_archive(path: Path) -> Iterator[tuple[bytes, SourceRef]]:
    """(raw bytes, source) per member. A broken archive yields one empty member, so it gets a record."""
    try:
        if is_maildir(path):
            yield from _maildir_members(path)
        else:
            name = path.name.lower()
            yield from _members(path, "zip" if name.endswith(".zip") else "7z" if name.endswith(".7z") else "tar")
    except (ArchiveError, OSError, EOFError, ValueError) as error:
        log.warning("%s: unreadable archive: %s", path, error)
        yield b"", SourceRef(uri=str(path), filename=path.name)
