"""GET inside a shard on a target: one archived file (archpath), or the matching files as a tar (archregx).

The shard is opened and its member table read in a worker thread (a compressed shard may need
a full decompression pass); the bytes then flow in chunks, each produced in a worker thread by
the caller, so memory stays flat for any shard or member size.
"""

import asyncio
from collections.abc import Generator
from dataclasses import dataclass

from pyaistore.node_context import NodeContext
from pyaistore.storage import archive, archive_formats
from pyaistore.storage.archive_match import Matcher
from pyaistore.storage.object_file import ObjectFile
from pyaistore.wire.bucket_id import BucketId

__all__ = ["ArchiveQuery", "ArchivedFile", "ArchivedSelection", "open_archived_file", "open_selection"]


@dataclass(frozen=True, slots=True)
class ArchiveQuery:
    """What to read inside a shard: one `archpath`, or files matching `regex` by `mode`."""

    archpath: str = ""
    archmime: str = ""
    regex: str = ""
    mode: str = ""


@dataclass(slots=True)
class ArchivedFile:
    """One archived file: `size` bytes at `section_start` of `shard`, or produced by `chunks`."""

    shard: ObjectFile
    size: int
    section_start: int
    chunks: Generator[bytes, None, None] | None

    def close(self) -> None:
        """Release the decompressor and the shard."""
        try:
            if self.chunks is not None:
                self.chunks.close()
        finally:
            self.shard.close()


@dataclass(slots=True)
class ArchivedSelection:
    """A tar of the matching files: `first` (already produced, so a miss was a 404), then `rest`."""

    shard: ObjectFile
    first: bytes
    rest: Generator[bytes, None, None]

    def close(self) -> None:
        """Release the reader and the shard."""
        try:
            self.rest.close()
        finally:
            self.shard.close()


def _shard(ctx: NodeContext, bucket: BucketId, name: str, archmime: str) -> archive.ShardRef:
    """Blocking: open the object and decide its format (archmime, extension, then magic bytes)."""
    ctx.bucket_props(bucket)
    file = ctx.object_store.open(bucket, name)
    try:
        fmt = archive_formats.resolve(name, archmime, file)
    except BaseException:
        file.close()
        raise
    return archive.ShardRef(bucket, name, file, fmt)


def strip_object_name(archpath: str, name: str) -> str:
    """archpath without a leading "/" and without a leading "<object name>/" (AIS accepts both)."""
    archpath = archpath.removeprefix("/")
    return archpath.removeprefix(name + "/") if archpath.startswith(name + "/") else archpath


async def open_archived_file(ctx: NodeContext, bucket: BucketId, name: str, q: ArchiveQuery) -> ArchivedFile:
    """Open the archived file `q.archpath` of the shard `name`."""

    def open_blocking() -> ArchivedFile:
        shard = _shard(ctx, bucket, name, q.archmime)
        try:
            read = archive.open_member(ctx.archive_index, shard, strip_object_name(q.archpath, name))
        except BaseException:
            shard.file.close()
            raise
        return ArchivedFile(shard.file, read.size, read.section_start, read.chunks)

    return await asyncio.to_thread(open_blocking)


async def open_selection(ctx: NodeContext, bucket: BucketId, name: str, q: ArchiveQuery) -> ArchivedSelection:
    """Start the tar of the files of shard `name` that match; ArchiveMemberNotFound if none does."""
    matcher = Matcher(q.regex, q.mode)

    def open_blocking() -> ArchivedSelection:
        shard = _shard(ctx, bucket, name, q.archmime)
        chunks = archive.matching_tar(shard, matcher)
        try:
            first = next(chunks)  # raises ArchiveMemberNotFound when nothing matches
        except BaseException:
            chunks.close()
            shard.file.close()
            raise
        return ArchivedSelection(shard.file, first, chunks)

    return await asyncio.to_thread(open_blocking)
