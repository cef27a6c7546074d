"""Archives as message sources: .zip, .tar(.gz/.bz2/.xz) and Maildir folders, read member by member.

Used to re-process whole archives in batch. Bounded against hostile archives: member count, member
size and total size are capped, and names are never used to write anything (nothing is extracted to disk).
Each member keeps a URI of the form `ARCHIVE!/path/inside`.
"""
from __future__ import annotations

import logging
import tarfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from foundation.models import SourceRef

log = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
MAX_MEMBERS = 100_000
MAX_MEMBER_BYTES = 60_000_000
MAX_TOTAL_BYTES = 20_000_000_000


def is_archive(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(ARCHIVE_SUFFIXES)


def is_maildir(path: Path) -> bool:
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def _skip(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return not base or base.startswith(".") or "__MACOSX" in name


def _zip_members(path: Path) -> Iterator[tuple[bytes, SourceRef]]:
    total = 0
    with zipfile.ZipFile(path) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir() and not _skip(i.filename)]
        for count, info in enumerate(sorted(infos, key=lambda i: i.filename)):
            if count >= MAX_MEMBERS:
                log.warning("%s: more than %d members, the rest is not read", path, MAX_MEMBERS)
                return
            uri = f"{path}!/{info.filename}"
            received = datetime(*info.date_time, tzinfo=timezone.utc) if info.date_time[0] >= 1980 else None
            if info.file_size > MAX_MEMBER_BYTES or total + info.file_size > MAX_TOTAL_BYTES:
                log.warning("%s: member too large (%d bytes), read as empty", uri, info.file_size)
                yield b"", SourceRef(uri=uri, received_at=received, filename=Path(info.filename).name)
                continue
            with archive.open(info) as handle:
                data = handle.read(MAX_MEMBER_BYTES + 1)  # the declared size can lie: read at most the cap
            total += len(data)
            if len(data) > MAX_MEMBER_BYTES:
                data = b""
            yield data, SourceRef(uri=uri, received_at=received, filename=Path(info.filename).name)


def _tar_members(path: Path) -> Iterator[tuple[bytes, SourceRef]]:
    total = 0
    with tarfile.open(path, mode="r:*") as archive:
        count = 0
        for member in archive:
            if not member.isfile() or _skip(member.name):
                continue
            count += 1
            if count > MAX_MEMBERS:
                log.warning("%s: more than %d members, the rest is not read", path, MAX_MEMBERS)
                return
            uri = f"{path}!/{member.name}"
            received = datetime.fromtimestamp(member.mtime, tz=timezone.utc) if member.mtime else None
            if member.size > MAX_MEMBER_BYTES or total + member.size > MAX_TOTAL_BYTES:
                yield b"", SourceRef(uri=uri, received_at=received, filename=Path(member.name).name)
                continue
            handle = archive.extractfile(member)
            data = handle.read() if handle else b""
            total += len(data)
            yield data, SourceRef(uri=uri, received_at=received, filename=Path(member.name).name)


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
        elif path.name.lower().endswith(".zip"):
            yield from _zip_members(path)
        else:
            yield from _tar_members(path)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, ValueError) as error:
        log.warning("%s: unreadable archive: %s", path, error)
        yield b"", SourceRef(uri=str(path), filename=path.name)
