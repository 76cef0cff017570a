"""Archive objects into a new shard (the `archive` job, jobs reference §2.3).

Only the target that owns the archive's name builds it: it streams each member from the member's
owner into one archive writer and publishes the shard atomically at the end. Other targets have
nothing to do (their job goes idle at once). Members come in selection order: listed names as
given, templated names in template order, prefixed names in name order across the cluster.
A listed member that is missing is an error on the job; the rest of the archive is still built,
but an archive with no members is not published. With `aate` an existing archive keeps its entries.
"""

import asyncio
import calendar
import zipfile
import zlib
from collections.abc import AsyncIterator
from typing import IO, Any, Final

from pyaistore.jobs import templates
from pyaistore.jobs.archive_writer import ArchiveWriter, TarBlocks
from pyaistore.jobs.errors import JobAborted
from pyaistore.jobs.job import Job
from pyaistore.jobs.node_ops import NodeObjects
from pyaistore.jobs.registry import error_text
from pyaistore.storage.errors import ArchiveError, ObjectNotFound
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.multi_object import TAR_LZ4, TGZ, ZIP, ArchiveMsg

__all__ = ["run"]

_CHUNK: Final = 1 << 20


async def run(job: Job, ops: NodeObjects, src: BucketId, msg: ArchiveMsg) -> None:
    """Build the archive if this node owns its name; otherwise there is nothing to do here."""
    dst = msg.to_bucket or src
    if not ops.owns(dst, msg.archive_name):
        return
    sink = await ops.create(dst, msg.archive_name)
    try:
        writer = ArchiveWriter(msg.archive_format, sink.write)
        if msg.append_if_exists:
            await _copy_existing(ops, dst, msg, writer)
        added = await _add_members(job, ops, src, msg, writer)
        if not added:
            raise ArchiveError(f"{dst.object_cname(msg.archive_name)}: no objects to archive")
        await writer.close()
        job.check()
        await sink.commit()
    except BaseException:
        await sink.abort()
        raise


async def _add_members(
    job: Job, ops: NodeObjects, src: BucketId, msg: ArchiveMsg, writer: ArchiveWriter
) -> int:
    """Stream every selected object into the archive; returns how many went in."""
    added = 0
    async for name in _member_names(ops, src, msg):
        job.check()
        try:
            source = await ops.read(src, name)
        except ObjectNotFound as exc:
            if msg.selection.is_list:
                job.add_error(error_text(exc))
            continue
        except JobAborted:
            raise
        except Exception as exc:
            if not msg.continue_on_error:
                raise
            job.add_error(error_text(exc))
            continue
        try:
            await writer.add(msg.entry_name(src, name), source.size, source.mtime_ns, source.chunks)
        finally:
            await source.close()
        job.counters.add_local(source.size)
        added += 1
    return added


async def _member_names(ops: NodeObjects, src: BucketId, msg: ArchiveMsg) -> AsyncIterator[str]:
    """The selected names in archive order (every name, whichever node holds it)."""
    if msg.selection.names is not None:
        for name in msg.selection.names:
            yield name
        return
    parsed = templates.parse(msg.selection.template)
    if not parsed.is_range:
        archive_itself = (msg.to_bucket or src) == src
        async for name in ops.cluster_names(src, parsed.prefix, not msg.non_recursive):
            if not (archive_itself and name == msg.archive_name):
                yield name
        return
    for name in parsed.names():
        yield name


async def _copy_existing(ops: NodeObjects, dst: BucketId, msg: ArchiveMsg, writer: ArchiveWriter) -> None:
    """Carry the entries of the current archive (if there is one) over into the new one."""
    if msg.archive_format == ZIP:
        try:
            file = await ops.open_local(dst, msg.archive_name)
        except ObjectNotFound:
            return
        try:
            await _copy_zip(file, writer)
        finally:
            file.close()
        return
    try:
        source = await ops.read(dst, msg.archive_name)
    except ObjectNotFound:
        return
    decompress = _decompressor(msg.archive_format)
    blocks = TarBlocks()
    try:
        async for chunk in source.chunks:
            data = blocks.feed(decompress(chunk))
            if data:
                await writer.add_tar_bytes(data)
            if blocks.ended:
                break
    except (zlib.error, RuntimeError) as exc:
        raise ArchiveError(f"{dst.object_cname(msg.archive_name)}: cannot read the archive: {exc}") from exc
    finally:
        await source.close()


def _decompressor(archive_format: str) -> Any:
    """A function from compressed to uncompressed bytes for the tar family."""
    if archive_format == TGZ:
        return zlib.decompressobj(zlib.MAX_WBITS | 32).decompress
    if archive_format == TAR_LZ4:
        import lz4.frame

        return lz4.frame.LZ4FrameDecompressor().decompress
    return bytes


async def _copy_zip(file: IO[bytes], writer: ArchiveWriter) -> None:
    """Re-add every entry of a local zip (read in worker threads: zipfile blocks)."""
    try:
        old = await asyncio.to_thread(zipfile.ZipFile, file)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"cannot append to a corrupt zip: {exc}") from exc
    with old:
        for info in old.infolist():
            if info.is_dir():
                continue
            member = await asyncio.to_thread(old.open, info)

            async def chunks(reader: IO[bytes] = member) -> AsyncIterator[bytes]:
                while chunk := await asyncio.to_thread(reader.read, _CHUNK):
                    yield chunk

            mtime_ns = calendar.timegm((*info.date_time, 0, 0, 0)) * 1_000_000_000
            try:
                await writer.add(info.filename, info.file_size, mtime_ns, chunks())
            finally:
                member.close()
