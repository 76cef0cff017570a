"""Read inside shards (tar, tgz/tar.gz, tar.lz4, zip): list members, read one, or repack a selection.

Nothing here holds a whole shard or a whole member: a member is either a byte range of the shard
(plain tar: the caller sends it like an object, e.g. with sendfile) or a lazy iterator of chunks of
at most CHUNK bytes (compressed tars are decompressed on the fly; zip members are inflated on the
fly). A selection by pattern is produced as a lazy tar stream. Each iterator holds the shard's
reader open until it is exhausted or closed, and raises ArchiveError if the shard turns out to be
damaged midway.
"""

import calendar
import copy
import tarfile
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import IO, Final

from pyaistore.storage.archive_formats import ZIP, archive_errors, open_tar, open_zip
from pyaistore.storage.archive_index import ArchiveIndexCache, Member, headers
from pyaistore.storage.archive_match import Matcher
from pyaistore.storage.errors import ArchiveError, ArchiveMemberNotFound
from pyaistore.storage.object_file import ObjectFile
from pyaistore.wire.bucket_id import BucketId

__all__ = ["CHUNK", "MemberRead", "ShardRef", "list_members", "matching_tar", "open_member"]

CHUNK: Final = 1 << 20
BLOCK: Final = tarfile.BLOCKSIZE
END_OF_ARCHIVE: Final = bytes(2 * BLOCK)


@dataclass(frozen=True, slots=True)
class ShardRef:
    """An open shard: its object identity (for messages), the open file and its format."""

    bucket: BucketId
    name: str
    file: ObjectFile
    fmt: str

    @property
    def cname(self) -> str:
        """ais://bucket/name."""
        return self.bucket.object_cname(self.name)


@dataclass(slots=True)
class MemberRead:
    """One archived file: `size` bytes, either shard[section_start:+size] or the `chunks` iterator."""

    size: int
    section_start: int = -1
    chunks: Generator[bytes, None, None] | None = None

    def close(self) -> None:
        """Release the decompressor (no-op for a section)."""
        if self.chunks is not None:
            self.chunks.close()


def list_members(cache: ArchiveIndexCache, shard: ShardRef) -> list[Member]:
    """Blocking: the shard's regular files, sorted by name."""
    return cache.table(shard.file, shard.fmt, shard.cname).files()


def open_member(cache: ArchiveIndexCache, shard: ShardRef, archpath: str) -> MemberRead:
    """Blocking: the archived file `archpath`; ArchiveMemberNotFound when there is none."""
    member = cache.table(shard.file, shard.fmt, shard.cname).find(archpath)
    if member is None:
        raise ArchiveMemberNotFound(archpath, shard.bucket, shard.name)
    if member.data_offset >= 0:
        return MemberRead(member.size, section_start=member.data_offset)
    return MemberRead(member.size, chunks=_member_chunks(shard, member))


def matching_tar(shard: ShardRef, matcher: Matcher) -> Generator[bytes, None, None]:
    """Lazily, a tar of the archived files `matcher` selects, in chunks of about CHUNK bytes.

    The first chunk comes only once something matched; with no match the iterator raises
    ArchiveMemberNotFound before yielding anything, so a caller can still answer 404.
    """
    pieces = _zip_selection(shard, matcher) if shard.fmt == ZIP else _tar_selection(shard, matcher)
    return _coalesce(pieces, CHUNK)


def _member_chunks(shard: ShardRef, member: Member) -> Generator[bytes, None, None]:
    """The bytes of one member found again by its position: a forward pass over the shard."""
    with archive_errors(shard.cname):
        if shard.fmt == ZIP:
            with open_zip(shard.file) as archive, archive.open(archive.infolist()[member.index]) as inflated:
                yield from _bounded(inflated, member.size, shard.cname)
            return
        with open_tar(shard.file, shard.fmt, sequential=True) as tar:
            for index, info in enumerate(headers(tar)):
                if index == member.index:
                    reader = tar.extractfile(info)
                    if reader is None:
                        raise ArchiveError(f"{shard.cname}: {member.name} is not a file")
                    yield from _bounded(reader, member.size, shard.cname)
                    return
        raise ArchiveError(f"{shard.cname}: changed while being read")


def _bounded(reader: IO[bytes], size: int, cname: str) -> Iterator[bytes]:
    """Exactly `size` bytes from `reader` in chunks; ArchiveError when the shard ends early."""
    remaining = size
    while remaining > 0:
        chunk = reader.read(min(CHUNK, remaining))
        if not chunk:
            raise ArchiveError(f"{cname}: truncated archive ({size - remaining} of {size} bytes of a member)")
        remaining -= len(chunk)
        yield chunk


def _tar_selection(shard: ShardRef, matcher: Matcher) -> Generator[bytes, None, None]:
    """Headers and data of the matching entries of a tar-family shard, then the end blocks."""
    count = 0
    with archive_errors(shard.cname), open_tar(shard.file, shard.fmt) as tar:
        for info in headers(tar):
            if not matcher.matches(info.name):
                continue
            count += 1
            header = copy.copy(info)
            if not info.isreg():
                header.size = 0
            yield header.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
            if header.size:
                reader = tar.extractfile(info)
                assert reader is not None  # a regular file always has a reader
                yield from _bounded(reader, header.size, shard.cname)
                yield _padding(header.size)
    if count == 0:
        raise ArchiveMemberNotFound(matcher.describe(), shard.bucket, shard.name)
    yield END_OF_ARCHIVE


def _zip_selection(shard: ShardRef, matcher: Matcher) -> Generator[bytes, None, None]:
    """The matching files of a zip shard, repacked as tar entries, then the end blocks."""
    count = 0
    with archive_errors(shard.cname), open_zip(shard.file) as archive:
        for info in archive.infolist():
            if info.is_dir() or not matcher.matches(info.filename):
                continue
            count += 1
            header = tarfile.TarInfo(info.filename)
            header.size = info.file_size
            header.mtime = _zip_mtime(info)
            header.mode = (info.external_attr >> 16) & 0o777 or 0o644
            yield header.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
            with archive.open(info) as reader:
                yield from _bounded(reader, info.file_size, shard.cname)
            yield _padding(info.file_size)
    if count == 0:
        raise ArchiveMemberNotFound(matcher.describe(), shard.bucket, shard.name)
    yield END_OF_ARCHIVE


def _zip_mtime(info: zipfile.ZipInfo) -> int:
    """A zip entry's local date and time, read as UTC seconds (zip stores no zone)."""
    return calendar.timegm((*info.date_time, 0, 0, 0))


def _padding(size: int) -> bytes:
    """Zero bytes that round a member's data up to whole tar blocks."""
    return bytes(-size % BLOCK)


def _coalesce(pieces: Generator[bytes, None, None], size: int) -> Generator[bytes, None, None]:
    """Regroup small pieces into chunks of about `size` bytes (fewer hops for small members)."""
    buffer = bytearray()
    try:
        for piece in pieces:
            if not buffer and len(piece) >= size:
                yield piece
                continue
            buffer += piece
            if len(buffer) >= size:
                yield bytes(buffer)
                buffer.clear()
        if buffer:
            yield bytes(buffer)
    finally:
        pieces.close()
