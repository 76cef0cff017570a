"""Cold GET: a remote object missing here is fetched from its backend once, kept, and streamed to
every client asking for it meanwhile (a tee through the work file).

1. The first GET of a missing object starts a `ColdFetch` under the object's uname
   (`ctx.cold_fetches`); concurrent GETs of the same object in this process join it. The
   target's other processes (HTTP workers) wait for its end on a lock stripe file
   (`<data>/.locks/cold/<n>`) and then serve the stored copy, so the backend sees one fetch.
2. The fetch opens the object at the backend (size, ETag, version), opens a work file in the
   store and copies the backend's bytes into it chunk by chunk in the backends' thread pool,
   hashing as the store always does, and wakes its readers after each chunk.
3. Each reader (client) sends from the work file what is already there and waits when it is
   ahead: memory is one chunk per reader whatever the object's size, and a slow client never
   slows the fetch (nor does one that leaves: the object is still kept). A reader's last chunk
   waits for step 4, so a complete reply means the object is stored.
4. At the end the length is checked (and the MD5 the cloud reported, with
   `checksum.validate_cold_get`), and the work file is published as the object with the cloud's
   attributes in its custom metadata (`remote_meta.cloud_custom`).

A failure before the first byte is every waiting client's reply (the backend's status); after
it the readers' connections are cut (their status line is out) and nothing is kept.
"""

import asyncio
import fcntl
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import xxhash

from pyaistore.backends.base import RemoteAttrs, RemoteUnavailable
from pyaistore.node_context import NodeContext
from pyaistore.storage.atomic_write import AtomicWriter
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import byte_range, ec_put, remote_meta, remote_refs
from pyaistore.target.get_object import ObjectStream, open_object
from pyaistore.target.put_object import PutArgs, write_props
from pyaistore.target.remote_refs import RemoteRef
from pyaistore.wire.bucket_id import BucketId

__all__ = ["CHUNK", "COLD_LOCKS", "ColdFetch", "ColdStream", "fetch_object", "open_cold", "stripe_of"]

# Bytes per backend read (and per reader send).
CHUNK: Final = 4 << 20
# Lock stripes shared by a target's processes (one fetch of an object at a time across them).
COLD_STRIPES: Final = 1024
COLD_LOCKS: Final = Path(".locks") / "cold"


@dataclass(eq=False)
class ColdFetch:
    """One fetch of a remote object into this target, followed by any number of readers."""

    bucket: BucketId
    name: str
    attrs: RemoteAttrs | None = None
    work: Path | None = None
    written: int = 0
    # Another process of this target fetched it meanwhile: read the stored copy.
    stored_elsewhere: bool = False
    meta: ObjectMeta | None = None
    error: BaseException | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def done(self) -> bool:
        """Finished: published, failed, or found stored by another process."""
        return self.meta is not None or self.error is not None or self.stored_elsewhere

    @property
    def started(self) -> bool:
        """The backend answered (bytes are arriving in `work`), or the fetch is over."""
        return self.work is not None or self.done

    def wake(self) -> None:
        """Tell every waiting reader that something changed."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self) -> None:
        """Until the next change."""
        await self._changed.wait()

    async def wait_started(self) -> None:
        """Until the backend answered or the fetch ended."""
        while not self.started:
            await self.wait()

    async def wait_done(self) -> None:
        """Until the fetch ended."""
        while not self.done:
            await self.wait()


@dataclass(slots=True)
class ColdStream:
    """A reader of a fetch in progress: the byte range to send and the headers' metadata."""

    fetch: ColdFetch
    fd: int
    start: int
    length: int
    partial: bool
    meta: ObjectMeta

    async def segments(self) -> AsyncIterator[tuple[int, int]]:
        """(offset, length) pieces of the range in the work file (`fd`) as the fetch writes them,
        each ready to send; raises the fetch's error if it fails.

        The last piece waits for the object to be published: a client that has its whole reply
        finds the object stored, and one whose fetch failed (short, or a checksum mismatch) never
        gets a complete body.
        """
        position, end = self.start, self.start + self.length
        fetch = self.fetch
        while position < end:
            available = fetch.written
            if available <= position:
                if fetch.error is not None:
                    raise fetch.error
                if fetch.done:
                    raise RemoteUnavailable(f"{self.meta.name}: the backend sent fewer bytes than announced")
                await fetch.wait()
                continue
            size = min(available, end) - position
            if position + size == end:
                await fetch.wait_done()
                if fetch.error is not None:
                    raise fetch.error
            yield position, size
            position += size

    def close(self) -> None:
        """Release the work file."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


async def open_cold(
    ctx: NodeContext, bucket: BucketId, name: str, range_header: str | None
) -> ObjectStream | ColdStream:
    """A GET miss in a remote bucket: join or start the fetch, then stream it (or the stored copy).

    ObjectNotFound for a plain ais bucket; the backend's error when it has no such object.
    """
    ref = remote_refs.remote_ref(ctx, bucket)
    if ref is None:
        raise ObjectNotFound(bucket, name)
    spec = byte_range.parse(range_header) if range_header else None
    fetch = _join_or_start(ctx, bucket, name, ref)
    await fetch.wait_started()
    if fetch.error is not None:
        raise fetch.error
    attrs = fetch.attrs
    if fetch.done or attrs is None or attrs.size < 0 or fetch.work is None:
        return await _stored(fetch, ctx, bucket, name, range_header)
    try:
        fd = os.open(fetch.work, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return await _stored(fetch, ctx, bucket, name, range_header)  # published (or dropped) meanwhile
    try:
        start, length = byte_range.resolve(spec, attrs.size) if spec is not None else (0, attrs.size)
    except Exception:
        os.close(fd)
        raise
    meta = ObjectMeta(
        name=name,
        size=attrs.size,
        checksum_type="none",
        checksum_value="",
        version=attrs.version,
        atime_ns=time.time_ns(),
        custom=remote_meta.cloud_custom(ref.backend.provider, attrs),
    )
    return ColdStream(fetch, fd, start, length, spec is not None, meta)


async def fetch_object(ctx: NodeContext, bucket: BucketId, name: str) -> ObjectMeta:
    """Bring a remote object here without a client (prefetch, copies): its stored metadata."""
    ref = remote_refs.remote_ref(ctx, bucket)
    if ref is None:
        raise ObjectNotFound(bucket, name)
    fetch = _join_or_start(ctx, bucket, name, ref)
    await fetch.wait_done()
    if fetch.error is not None:
        raise fetch.error
    if fetch.meta is not None:
        return fetch.meta
    return await asyncio.to_thread(ctx.object_store.head, bucket, name)


async def _stored(
    fetch: ColdFetch, ctx: NodeContext, bucket: BucketId, name: str, range_header: str | None
) -> ObjectStream:
    """The stored copy once the fetch is over (its error if it failed)."""
    await fetch.wait_done()
    if fetch.error is not None:
        raise fetch.error
    return open_object(ctx, bucket, name, range_header)


def _join_or_start(ctx: NodeContext, bucket: BucketId, name: str, ref: RemoteRef) -> ColdFetch:
    uname = bucket.object_uname(name)
    fetch = ctx.cold_fetches.get(uname)
    if isinstance(fetch, ColdFetch):
        return fetch
    fetch = ColdFetch(bucket, name)
    ctx.cold_fetches[uname] = fetch
    task = asyncio.create_task(_run(ctx, fetch, ref), name=f"cold GET {bucket.object_cname(name)}")
    ctx.background.add(task)
    task.add_done_callback(ctx.background.discard)
    return fetch


async def _run(ctx: NodeContext, fetch: ColdFetch, ref: RemoteRef) -> None:
    """Fetch the object into a work file and publish it (steps 1-4 of the module docstring)."""
    uname = fetch.bucket.object_uname(fetch.name)
    lock_fd = -1
    try:
        lock_fd, waited = await _lock_across_processes(ctx, uname)
        if waited and await _stored_now(ctx, fetch.bucket, fetch.name):
            fetch.stored_elsewhere = True
            return
        await _copy_in(ctx, fetch, ref)
    except BaseException as exc:
        fetch.error = exc
        if not isinstance(exc, Exception):
            raise
    finally:
        if lock_fd >= 0:
            os.close(lock_fd)  # releases the flock
        ctx.cold_fetches.pop(uname, None)
        fetch.wake()


async def _copy_in(ctx: NodeContext, fetch: ColdFetch, ref: RemoteRef) -> None:
    """Open at the backend, copy into a work file chunk by chunk, check and publish."""
    assert ctx.backends is not None
    run = ctx.backends.run
    reader = await run(ref.backend.open_object, ref.cloud, fetch.name)
    try:
        attrs = reader.attrs
        fetch.attrs = attrs
        props = write_props(ctx, PutArgs(fetch.bucket, fetch.name))
        props = remote_meta.cold_write_props(
            props, ref.backend.provider, attrs, ctx.bucket_props(fetch.bucket)
        )
        writer: AtomicWriter = await asyncio.to_thread(
            ctx.object_store.writer, fetch.bucket, fetch.name, props
        )
        try:
            fetch.work = writer.work_path
            fetch.wake()

            def step() -> int:
                chunk = reader.read(CHUNK)
                if chunk:
                    writer.write(chunk)
                return len(chunk)

            # A known size ends the reading (one more request would only learn it is over).
            while (attrs.size < 0 or fetch.written < attrs.size) and (added := await run(step)):
                fetch.written += added
                fetch.wake()
            if attrs.size >= 0 and fetch.written != attrs.size:
                raise RemoteUnavailable(
                    f"{fetch.bucket.object_cname(fetch.name)}: the backend sent {fetch.written} of "
                    f"{attrs.size} bytes"
                )
            meta = await asyncio.to_thread(writer.commit)
        except BaseException:
            await asyncio.to_thread(writer.abort)
            raise
    finally:
        await run(reader.close)
    await ec_put.protect(ctx, fetch.bucket, fetch.name, meta)
    fetch.meta = meta


def stripe_of(uname: str) -> int:
    """The cold-GET lock stripe of an object (the same in every process of a target)."""
    return xxhash.xxh64_intdigest(uname.encode()) % COLD_STRIPES


async def _lock_across_processes(ctx: NodeContext, uname: str) -> tuple[int, bool]:
    """Hold this object's cold-GET stripe (a flock); returns (fd, whether another process had it).

    A target serving from one process needs none (fd -1): its in-flight table is enough.
    """
    if ctx.config.http_workers <= 1 and not ctx.http_worker:
        return -1, False
    directory = ctx.config.data_dir / COLD_LOCKS
    stripe = stripe_of(uname)

    def open_stripe() -> int:
        directory.mkdir(parents=True, exist_ok=True)
        return os.open(directory / str(stripe), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    fd = await asyncio.to_thread(open_stripe)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd, False
    except BlockingIOError:
        pass
    except BaseException:
        os.close(fd)
        raise
    try:
        assert ctx.backends is not None
        await ctx.backends.run(fcntl.flock, fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        raise
    return fd, True


async def _stored_now(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    try:
        await asyncio.to_thread(ctx.object_store.head, bucket, name)
    except ObjectNotFound:
        return False
    return True
