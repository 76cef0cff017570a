"""The table of a shard's members, built by one pass over it, and a bounded cache of such tables.

A plain tar is scanned header by header, seeking past member data (tarfile "r:" mode), and its
table records where each file's bytes start: an archpath read then becomes a byte range of the
shard, sent like any object (AIS's shard-index fast path, core/lfile.go). Compressed tars are
scanned with one streaming decompression; zips by their central directory.

Tables are cached by the identity of the shard's data file (device, inode, size, mtime). A new
version of an object is always a new inode (atomic_write renames a work file into place), so a
cached table can never describe other bytes than the ones it was built from.
"""

import os
import tarfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from pyaistore.storage.archive_formats import TAR, ZIP, archive_errors, open_tar, open_zip
from pyaistore.storage.errors import ArchiveError
from pyaistore.storage.object_file import ObjectFile

__all__ = ["ArchiveIndexCache", "Member", "MemberTable", "headers", "scan", "strip_root"]

DEFAULT_MAX_SHARDS: Final = 1024
DEFAULT_MAX_MEMBERS: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class Member:
    """One entry of a shard, in archive order."""

    index: int
    name: str
    size: int
    is_file: bool
    is_dir: bool = False
    data_offset: int = -1  # plain tar: where the file's bytes start in the shard; -1 otherwise


@dataclass(frozen=True)
class MemberTable:
    """A shard's members; `end_offset` is where a tar's end-of-archive blocks start (uncompressed)."""

    members: tuple[Member, ...]
    end_offset: int = -1
    _by_path: dict[str, Member] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for member in self.members:
            if not member.is_dir:
                # The first one wins, as AIS's sequential ReadOne finds it.
                self._by_path.setdefault(strip_root(member.name), member)

    def find(self, path: str) -> Member | None:
        """The first non-directory member named `path`; a leading "/" on either side is ignored."""
        return self._by_path.get(strip_root(path))

    def files(self) -> list[Member]:
        """The regular files, sorted by name (listing order)."""
        return sorted((m for m in self.members if m.is_file), key=lambda m: m.name)


def strip_root(path: str) -> str:
    """`path` without one leading "/" (AIS's namesEq, for tars made with --absolute-names)."""
    return path[1:] if path.startswith("/") else path


def scan(file: ObjectFile, fmt: str, cname: str) -> MemberTable:
    """Blocking: read the shard's table of members; ArchiveError when it is not a readable archive."""
    with archive_errors(cname):
        if fmt == ZIP:
            with open_zip(file) as archive:
                members = tuple(
                    Member(i, info.filename, info.file_size, not info.is_dir(), info.is_dir())
                    for i, info in enumerate(archive.infolist())
                )
            return MemberTable(members)
        return _scan_tar(file, fmt, cname)


def _scan_tar(file: ObjectFile, fmt: str, cname: str) -> MemberTable:
    members: list[Member] = []
    with open_tar(file, fmt) as tar:
        for info in headers(tar):
            direct = fmt == TAR and info.isreg() and not info.issparse()
            offset = info.offset_data if direct else -1
            members.append(Member(len(members), info.name, info.size, info.isreg(), info.isdir(), offset))
        end = tar.offset
    if fmt == TAR and os.pread(file.fileno(), tarfile.BLOCKSIZE, end).strip(b"\0"):
        # tarfile ends a listing quietly at a damaged header; AIS (Go's archive/tar) fails instead.
        raise ArchiveError(f"{cname}: corrupt or unsupported archive: invalid tar header at offset {end}")
    return MemberTable(tuple(members), end)


def headers(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """Every header in order, each forgotten once read (tarfile would keep them all in `members`)."""
    while (info := tar.next()) is not None:
        tar.members.clear()  # type: ignore[attr-defined]  # (not in typeshed)
        yield info


class ArchiveIndexCache:
    """Recently used member tables, bounded by shard count and by total member count (LRU)."""

    def __init__(self, max_shards: int = DEFAULT_MAX_SHARDS, max_members: int = DEFAULT_MAX_MEMBERS) -> None:
        """Keep at most `max_shards` tables holding at most `max_members` members in all."""
        self._max_shards = max_shards
        self._max_members = max_members
        self._tables: OrderedDict[tuple[object, ...], MemberTable] = OrderedDict()
        self._members = 0
        self._lock = threading.Lock()

    def table(self, file: ObjectFile, fmt: str, cname: str) -> MemberTable:
        """Blocking: the shard's table, from the cache or scanned now."""
        info = os.fstat(file.fileno())
        key: tuple[object, ...] = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, fmt)
        with self._lock:
            cached = self._tables.get(key)
            if cached is not None:
                self._tables.move_to_end(key)
                return cached
        table = scan(file, fmt, cname)  # outside the lock: scans of other shards go on meanwhile
        self._remember(key, table)
        return table

    def _remember(self, key: tuple[object, ...], table: MemberTable) -> None:
        size = len(table.members)
        if size > self._max_members:
            return
        with self._lock:
            if key in self._tables:
                return
            self._tables[key] = table
            self._members += size
            while len(self._tables) > self._max_shards or self._members > self._max_members:
                _, evicted = self._tables.popitem(last=False)
                self._members -= len(evicted.members)
