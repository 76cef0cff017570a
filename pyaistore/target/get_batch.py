"""Get-batch on the designated target: every entry, from whichever target holds it, into one archive.

1. Each entry is resolved (its bucket, or the request's) and placed on its HRW owner.
2. Every other owner is asked at once for its share (`PeerApi.open_batch_part`): the peers read
   their entries in parallel, each streaming frames in request order, paced by TCP.
3. The entries are written in request order into an ArchiveWriter (tar, tgz, tar.lz4 or zip):
   this target's own are read here, the others' frames as they arrive. Memory holds one chunk
   per entry in flight, whatever the batch's size.
4. A missing or unreadable entry becomes an empty `__404__/<name>` entry with its error when the
   request continues on errors (`coer`), else it fails the request: with its own status when
   nothing was sent yet, by cutting the stream otherwise.
5. Streamed (`strm`): the archive goes out as it is built. Not streamed: it is spooled to a work
   file, then sent as multipart (part `metadata`: the per-entry results; part `archive`).

The job is checked between entries, so a stop ends the batch at the next one.
"""

import asyncio
import json
import secrets
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import IO, Final, Protocol

from pyaistore.cluster import placement
from pyaistore.cluster.batch_frames import HEAD, FrameHead, PartItem, unpack_head
from pyaistore.cluster.errors import BadRequest, PeerFailed, RangeNotSatisfiable
from pyaistore.cluster.peer_client import PeerStream, PeerUnreachable
from pyaistore.jobs.archive_writer import ArchiveWriter
from pyaistore.jobs.job import Job
from pyaistore.node_context import NodeContext
from pyaistore.storage import layout
from pyaistore.storage.errors import ArchiveError, ArchiveMemberNotFound, ObjectNotFound
from pyaistore.target import batch_items
from pyaistore.wire import get_batch
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.get_batch import MossOut, MossReq

__all__ = ["BatchSink", "assemble", "resolve"]

# Entries at most this large are read on the event loop (a pread of page-cached bytes costs less
# than a worker-thread hop); larger ones chunk by chunk in a worker thread.
INLINE_READ: Final = 256 << 10
CHUNK: Final = 1 << 20
MULTIPART_TYPE: Final = "multipart/mixed"


class BatchSink(Protocol):
    """Where the reply goes: its content type first, then its bytes."""

    def set_content_type(self, value: str) -> None:
        """Called once, before the first write."""

    async def write(self, data: bytes) -> None:
        """Send these bytes."""


def resolve(req: MossReq, default: BucketId | None) -> list[PartItem]:
    """Every entry with its bucket resolved; BadRequest when one has none."""
    items = []
    for index, entry in enumerate(req.entries):
        try:
            bucket = entry.bucket_id(default)
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
        items.append(PartItem(index, bucket, entry.objname, entry.archpath, entry.start, entry.length))
    return items


async def assemble(
    ctx: NodeContext, job: Job, req: MossReq, default: BucketId | None, sink: BatchSink
) -> None:
    """Build and send the batch (steps 1-5 above)."""
    items = resolve(req, default)
    if req.streaming:
        sink.set_content_type(get_batch.CONTENT_TYPES[req.mime])
        await _build(ctx, job, req, items, sink.write)
        return
    with tempfile.TemporaryFile(dir=_work_dir(ctx)) as spool:
        outs = await _build(ctx, job, req, items, _spooler(spool))
        boundary = secrets.token_hex(16)
        sink.set_content_type(f"{MULTIPART_TYPE}; boundary={boundary}")
        await _send_multipart(sink, boundary, job.job_id, outs, spool, req.mime)


async def _build(
    ctx: NodeContext, job: Job, req: MossReq, items: list[PartItem], emit: Callable[[bytes], Awaitable[None]]
) -> list[MossOut]:
    smap = ctx.smap
    me = ctx.node.daemon_id
    owners = [placement.owner(smap, item.bucket, item.objname).daemon_id for item in items]
    shares: dict[str, list[PartItem]] = {}
    for item, owner in zip(items, owners, strict=True):
        if owner != me:
            shares.setdefault(owner, []).append(item)
    peers = await _open_peers(ctx, shares)
    try:
        writer = ArchiveWriter(req.mime, emit)
        outs = []
        for item, owner, entry in zip(items, owners, req.entries, strict=True):
            job.check()
            if owner == me:
                head, chunks = await _open_local(ctx, item)
            else:
                head, chunks = await peers[owner].next(item.index)
            bucket_name = item.bucket.name
            out = MossOut(
                entry.objname, bucket_name, item.bucket.provider, head.size, entry.archpath, entry.opaque
            )
            if head.ok:
                await writer.add(
                    get_batch.entry_name(entry, bucket_name, req.only_obj_name),
                    head.size,
                    head.mtime_ns,
                    chunks,
                )
                if owner == me:
                    job.counters.add_local(head.size)
                else:
                    job.counters.add_received(head.size)
                outs.append(out)
                continue
            if not req.continue_on_error:
                raise _entry_error(head, item)
            name = get_batch.missing_name(entry, bucket_name, req.only_obj_name)
            await writer.add(name, 0, time.time_ns(), _nothing())
            outs.append(
                MossOut(out.objname, out.bucket, out.provider, 0, out.archpath, out.opaque, head.message)
            )
        await writer.close()
        return outs
    finally:
        for peer in peers.values():
            peer.close()


async def _open_peers(ctx: NodeContext, shares: dict[str, list[PartItem]]) -> "dict[str, _PeerShare]":
    """Ask every other owner for its share at once; close what opened if one fails."""
    smap = ctx.smap
    names = list(shares)
    results = await asyncio.gather(
        *(ctx.peer_api.open_batch_part(smap.targets[tid], shares[tid]) for tid in names),
        return_exceptions=True,
    )
    opened = {
        tid: _PeerShare(stream)
        for tid, stream in zip(names, results, strict=True)
        if isinstance(stream, PeerStream)
    }
    for result in results:
        if isinstance(result, BaseException):
            for share in opened.values():
                share.close()
            raise result
    return opened


async def _open_local(ctx: NodeContext, item: PartItem) -> tuple[FrameHead, AsyncIterator[bytes]]:
    """An entry held here: its frame header and its bytes (a failure is a header, as from a peer)."""
    try:
        if item.archpath:
            opened = await asyncio.to_thread(batch_items.open_item, ctx, item)
        else:
            opened = batch_items.open_item(ctx, item)
    except Exception as exc:
        message = getattr(exc, "message", None) or str(exc)
        return FrameHead(item.index, batch_items.failure_status(exc), 0, 0, message), _nothing()
    head = FrameHead(item.index, 0, opened.size, opened.mtime_ns or time.time_ns())
    return head, _local_chunks(opened)


async def _local_chunks(opened: batch_items.OpenedItem) -> AsyncIterator[bytes]:
    try:
        if opened.size <= INLINE_READ:
            yield b"".join(opened.chunks)
            return
        while chunk := await asyncio.to_thread(next, opened.chunks, b""):
            yield chunk
    finally:
        opened.close()


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""  # an async generator that yields nothing


class _PeerShare:
    """A peer's frames, read in request order."""

    def __init__(self, stream: PeerStream) -> None:
        self._stream = stream

    async def next(self, index: int) -> tuple[FrameHead, AsyncIterator[bytes]]:
        """The next frame, which must be entry `index`'s."""
        raw = await self._read(HEAD.size)
        try:
            head, message_length = unpack_head(raw)
        except ValueError as exc:
            raise PeerFailed(f"get-batch share from {self._stream.url}: {exc}") from exc
        if head.index != index:
            raise PeerFailed(f"get-batch share from {self._stream.url}: entry {head.index}, expected {index}")
        if message_length:
            message = (await self._read(message_length)).decode(errors="replace")
            head = FrameHead(head.index, head.status, head.size, head.mtime_ns, message)
        return head, self._data(head.size if head.ok else 0)

    async def _data(self, size: int) -> AsyncIterator[bytes]:
        remaining = size
        while remaining:
            chunk = await self._read(min(CHUNK, remaining))
            remaining -= len(chunk)
            yield chunk

    async def _read(self, size: int) -> bytes:
        try:
            data = await self._stream.read_exact(size)
        except PeerUnreachable as exc:
            raise PeerFailed(f"get-batch share from {self._stream.url} broke off: {exc}") from exc
        if len(data) != size:
            raise PeerFailed(f"get-batch share from {self._stream.url} ended early")
        return data

    def close(self) -> None:
        """Release the connection."""
        self._stream.close()


def _entry_error(head: FrameHead, item: PartItem) -> Exception:
    """The error a failed entry raises when the request does not continue on errors."""
    if head.status == batch_items.NOT_FOUND:
        if item.archpath:
            return ArchiveMemberNotFound(item.archpath, item.bucket, item.objname)
        return ObjectNotFound(item.bucket, item.objname)
    if head.status == batch_items.RANGE:
        return RangeNotSatisfiable(head.message, -1)
    if head.status == batch_items.INVALID:
        return ArchiveError(head.message)
    return PeerFailed(head.message)


def _work_dir(ctx: NodeContext) -> str:
    return str(layout.work_dir(ctx.object_store.mountpaths.available[0]))


def _spooler(spool: IO[bytes]) -> Callable[[bytes], Awaitable[None]]:
    async def write(data: bytes) -> None:
        await asyncio.to_thread(spool.write, data)

    return write


@dataclass(frozen=True, slots=True)
class _Part:
    name: str
    content_type: str
    filename: str = ""

    def head(self, boundary: str) -> bytes:
        disposition = f'form-data; name="{self.name}"'
        if self.filename:
            disposition += f'; filename="{self.filename}"'
        return (
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {self.content_type}\r\n\r\n"
        ).encode()


async def _send_multipart(
    sink: BatchSink, boundary: str, job_id: str, outs: list[MossOut], spool: IO[bytes], mime: str
) -> None:
    """Part 1: the results as JSON; part 2: the spooled archive, read back in chunks."""
    metadata = json.dumps({get_batch.UUID: job_id, get_batch.OUT: [out.to_json() for out in outs]})
    await sink.write(
        _Part(get_batch.METADATA_PART, "application/json").head(boundary) + metadata.encode() + b"\r\n"
    )
    await sink.write(
        _Part(get_batch.ARCHIVE_PART, get_batch.CONTENT_TYPES[mime], "batch" + mime).head(boundary)
    )
    await asyncio.to_thread(spool.seek, 0)
    while chunk := await asyncio.to_thread(spool.read, CHUNK):
        await sink.write(chunk)
    await sink.write(f"\r\n--{boundary}--\r\n".encode())
