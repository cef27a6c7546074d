"""One bounded unpacker for .zip, .7z and .tar archives: attachments (parsers/documents.py), Office packages
(parsers/office.py) and the archive sources (intake/sources/archives.py) all read members through it.

Nothing is written to disk and member names are never used as paths. Every archive is held to `Bounds`:
member count, one member's unpacked size, the total unpacked size, the unpacked/packed ratio (a zip bomb
packs gigabytes of zeros into kilobytes) and, for the callers that recurse, the nesting depth. Sizes are
checked twice: on what the archive declares, then on the bytes actually read (declared sizes can lie).
A member past a bound comes out with `refused` set and no data; the caller decides what it costs.
"""
from __future__ import annotations

import io
import os
import tarfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import IO, Iterator, Optional, Union

from foundation.config import Limits
from foundation.errors import ReadReason

RATIO_FLOOR_BYTES = 1_000_000   # members smaller than this are never judged by their ratio
Source = Union[bytes, str, "io.IOBase", IO[bytes]]


@dataclass(frozen=True)
class Bounds:
    max_members: int
    max_member_bytes: int
    max_total_bytes: int
    max_ratio: float
    max_depth: int = 1

    @classmethod
    def from_limits(cls, limits: Limits) -> "Bounds":
        return cls(limits.archive_max_members, limits.archive_max_member_bytes, limits.archive_max_total_bytes,
                   limits.archive_max_ratio, limits.archive_max_depth)


@dataclass(frozen=True)
class Member:
    name: str                       # the path inside the archive, as stored
    data: bytes
    modified: Optional[datetime] = None
    refused: Optional[str] = None   # a ReadReason with its detail when the member was not read


class ArchiveError(Exception):
    """The archive as a whole cannot be read or is refused; `reason` is a ReadReason string."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def skipped(name: str) -> bool:
    """Folders, hidden files and macOS resource forks carry nothing to read."""
    base = name.rstrip("/").rsplit("/", 1)[-1]
    return not base or base.startswith(".") or "__MACOSX" in name or name.endswith("/")


def _refusal(what: str) -> str:
    return ReadReason.archive_refused.detail(what)


class _Budget:
    """The running checks of one archive: members seen and bytes unpacked so far."""

    def __init__(self, bounds: Bounds):
        self.bounds, self.count, self.total = bounds, 0, 0

    def more(self) -> bool:
        self.count += 1
        return self.count <= self.bounds.max_members

    def declared(self, size: int, packed: Optional[int]) -> Optional[str]:
        b = self.bounds
        if size > b.max_member_bytes:
            return _refusal(f"member of {size} bytes, over {b.max_member_bytes}")
        if self.total + size > b.max_total_bytes:
            return _refusal(f"archive unpacks past {b.max_total_bytes} bytes")
        return self.ratio(size, packed)

    def ratio(self, size: int, packed: Optional[int]) -> Optional[str]:
        if packed is not None and size > RATIO_FLOOR_BYTES and size > packed * self.bounds.max_ratio:
            return _refusal(f"compression ratio {size / max(packed, 1):.0f} over {self.bounds.max_ratio:.0f} (zip bomb)")
        return None

    def read(self, data: bytes, packed: Optional[int]) -> Optional[str]:
        """Checks on the bytes really read (at most max_member_bytes + 1 of them)."""
        problem = self.declared(len(data), packed)
        if problem is None:
            self.total += len(data)
        return problem


def _open(source: Source):
    return io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source


def zip_members(source: Source, bounds: Bounds) -> Iterator[Member]:
    """Members of a zip in name order. Raises ArchiveError when the archive itself is unreadable."""
    try:
        archive = zipfile.ZipFile(_open(source))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise ArchiveError(ReadReason.corrupt_file.detail(f"zip: {error}")) from error
    budget = _Budget(bounds)
    with archive:
        infos = sorted((i for i in archive.infolist() if not i.is_dir() and not skipped(i.filename)),
                       key=lambda i: i.filename)
        for info in infos:
            if not budget.more():
                raise ArchiveError(_refusal(f"more than {bounds.max_members} members"))
            modified = datetime(*info.date_time, tzinfo=timezone.utc) if info.date_time[0] >= 1980 else None
            if info.flag_bits & 0x1:
                yield Member(info.filename, b"", modified, ReadReason.encrypted_file.detail("password-protected member"))
                continue
            problem = budget.declared(info.file_size, info.compress_size)
            if problem is None:
                try:
                    with archive.open(info) as handle:
                        data = handle.read(bounds.max_member_bytes + 1)
                except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as error:
                    yield Member(info.filename, b"", modified, ReadReason.corrupt_file.detail(f"member: {error}"))
                    continue
                problem = budget.read(data, info.compress_size)
            yield Member(info.filename, b"" if problem else data, modified, problem)


def tar_members(source: Source, bounds: Bounds) -> Iterator[Member]:
    """Members of a (compressed) tar in stored order; tar has no packed sizes, so no ratio check per member."""
    try:
        archive = tarfile.open(fileobj=_open(source), mode="r:*") if not isinstance(source, str) \
            else tarfile.open(source, mode="r:*")
    except (tarfile.TarError, OSError, EOFError, ValueError) as error:
        raise ArchiveError(ReadReason.corrupt_file.detail(f"tar: {error}")) from error
    budget = _Budget(bounds)
    with archive:
        for info in archive:
            if not info.isfile() or skipped(info.name):
                continue
            if not budget.more():
                raise ArchiveError(_refusal(f"more than {bounds.max_members} members"))
            modified = datetime.fromtimestamp(info.mtime, tz=timezone.utc) if info.mtime else None
            problem = budget.declared(info.size, None)
            if problem is None:
                handle = archive.extractfile(info)
                data = handle.read(bounds.max_member_bytes + 1) if handle else b""
                problem = budget.read(data, None)
            yield Member(info.name, b"" if problem else data, modified, problem)


def seven_z_members(source: Source, bounds: Bounds) -> Iterator[Member]:
    """Members of a .7z (py7zr). Solid archives pack members together: the ratio is judged on the whole."""
    try:
        import py7zr
        from py7zr.io import Py7zBytesIO, WriterFactory
    except ImportError as error:  # pragma: no cover - a dependency of the package
        raise ArchiveError(ReadReason.unsupported_type.detail("7z reader missing")) from error
    stream = _open(source)
    packed_total = len(source) if isinstance(source, (bytes, bytearray)) else \
        os.path.getsize(source) if isinstance(source, str) else None
    try:
        archive = py7zr.SevenZipFile(stream, mode="r")
    except Exception as error:  # py7zr raises its own and lzma's errors on damaged headers
        name = type(error).__name__
        reason = ReadReason.encrypted_file if "Password" in name else ReadReason.corrupt_file
        raise ArchiveError(reason.detail(f"7z: {name}")) from error
    budget = _Budget(bounds)
    with archive:
        if archive.needs_password():
            raise ArchiveError(ReadReason.encrypted_file.detail("password-protected 7z"))
        infos = sorted((i for i in archive.list() if i.is_file and not skipped(i.filename)), key=lambda i: i.filename)
        if len(infos) > bounds.max_members:
            raise ArchiveError(_refusal(f"more than {bounds.max_members} members"))
        declared = sum(int(i.uncompressed or 0) for i in infos)
        problem = budget.ratio(declared, packed_total)
        if problem:
            raise ArchiveError(problem)
        wanted, refused = [], {}
        for info in infos:
            budget.more()
            size = int(info.uncompressed or 0)
            why = budget.declared(size, None)
            if why:
                refused[info.filename] = why
            else:
                budget.total += size
                wanted.append(info.filename)

        class _Capped(WriterFactory):
            def __init__(self):
                self.products: dict[str, Py7zBytesIO] = {}

            def create(self, filename: str) -> Py7zBytesIO:
                self.products[filename] = Py7zBytesIO(filename, bounds.max_member_bytes + 1)
                return self.products[filename]

        factory = _Capped()
        try:
            if wanted:
                archive.extract(targets=wanted, factory=factory)
        except Exception as error:
            raise ArchiveError(ReadReason.corrupt_file.detail(f"7z: {type(error).__name__}")) from error
    for info in infos:
        product = factory.products.get(info.filename)
        data = b""
        if product is not None:
            product.seek(0)
            data = product.read()
        why = refused.get(info.filename) or (
            _refusal(f"member over {bounds.max_member_bytes} bytes") if len(data) > bounds.max_member_bytes else None)
        yield Member(info.filename, b"" if why else data, info.creationtime, why)


def members(source: Source, kind: str, bounds: Bounds) -> Iterator[Member]:
    """Members of an archive of `kind` ("zip", "7z", "tar")."""
    if kind == "zip":
        return zip_members(source, bounds)
    if kind == "7z":
        return seven_z_members(source, bounds)
    return tar_members(source, bounds)


def package_problem(data: bytes, bounds: Bounds) -> Optional[str]:
    """Why an Office package (a zip of XML parts) must not be opened, or None: the declared sizes of all its
    parts against the archive bounds, before a library inflates them into memory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        return ReadReason.corrupt_file.detail(f"damaged package: {error}")
    if len(infos) > max(bounds.max_members, 2000):
        return _refusal(f"package of {len(infos)} parts")
    budget = _Budget(bounds)
    for info in infos:
        problem = budget.declared(info.file_size, info.compress_size)
        if problem:
            return problem
        budget.total += info.file_size
    return None
