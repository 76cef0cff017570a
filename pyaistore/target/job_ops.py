"""TargetObjects: the object operations job bodies use (jobs.node_ops.NodeObjects), on this target.

Node-to-node traffic goes to each peer's control URL, served by its main process, which always
has the newest bucket table (HTTP worker processes learn of new buckets a moment later).
"""

import asyncio
import errno
import heapq
import os
import stat
from collections.abc import AsyncIterator
from typing import IO, Final

from pyaistore.backends.base import RemoteObjectNotFound
from pyaistore.byte_streams import whole_if_small
from pyaistore.cluster import cluster_map, placement
from pyaistore.jobs.node_ops import CopyResult, ObjectSink, ObjectSource, Transform
from pyaistore.node_context import NodeContext
from pyaistore.storage.atomic_write import AtomicWriter
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.storage.object_file import ObjectFile
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import ObjectStore
from pyaistore.target import (
    ec_put,
    object_ops,
    remote_refs,
    write_through,
)
from pyaistore.target.put_object import BATCH, SMALL_BODY, PutArgs, batches, put_small, write_props
from pyaistore.target.remote_job_ops import RemoteJobOps
from pyaistore.wire import messages
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.messages import LsoMsg, Snode

__all__ = ["TargetObjects"]

CHUNK: Final = 1 << 20
LIST_PAGE: Final = 1000


class _LocalSink:
    """A new local object written through the store's atomic writer (in executor calls); in an EC
    bucket its pieces are sent on commit."""

    def __init__(self, ctx: NodeContext, bucket: BucketId, name: str, writer: AtomicWriter) -> None:
        self._ctx, self._bucket, self._name = ctx, bucket, name
        self._writer = writer
        self._size = 0

    async def write(self, data: bytes) -> None:
        """Append bytes to the work file."""
        self._size += len(data)
        await asyncio.to_thread(self._writer.write, data)

    async def commit(self) -> int:
        """Publish the object; returns its size."""
        meta = await asyncio.to_thread(self._writer.commit)
        await ec_put.protect(self._ctx, self._bucket, self._name, meta)
        return self._size

    async def abort(self) -> None:
        """Drop the work file."""
        await asyncio.to_thread(self._writer.abort)


class TargetObjects(RemoteJobOps):
    """NodeObjects for job bodies running on this target (remote buckets: RemoteJobOps)."""

    def __init__(self, ctx: NodeContext) -> None:
        self._ctx = ctx

    def _owner(self, bucket: BucketId, name: str) -> Snode:
        return placement.owner(self._ctx.smap, bucket, name)

    def owns(self, bucket: BucketId, name: str) -> bool:
        """True when this target is the object's HRW owner."""
        return self._owner(bucket, name).daemon_id == self._ctx.node.daemon_id

    async def local_names(
        self, bucket: BucketId, prefix: str, after: str, limit: int, recursive: bool
    ) -> list[str]:
        """Up to `limit` names of objects stored here, > `after`."""
        store = self._ctx.object_store

        def page() -> list[str]:
            names: list[str] = []
            for name, is_dir in store.list_names(bucket, prefix, after, recursive):
                if not is_dir:
                    names.append(name)
                    if len(names) >= limit:
                        break
            return names

        return await asyncio.to_thread(page)

    async def local_sizes(
        self, bucket: BucketId, prefix: str, after: str, limit: int
    ) -> list[tuple[str, int, int]]:
        """Up to `limit` (name, size, bytes on disk) of objects stored here, > `after`."""
        store = self._ctx.object_store

        def page() -> list[tuple[str, int, int]]:
            found: list[tuple[str, int, int]] = []
            for name, _, meta in store.list_entries(bucket, prefix, after, limit, with_meta=True):
                if meta is not None:
                    found.append((name, meta.size, _blocks(store, bucket, name)))
            return found

        return await asyncio.to_thread(page)

    async def capacity(self) -> int:
        """Total size of the file systems under this target's mountpaths (each counted once)."""

        def total() -> int:
            seen: dict[int, int] = {}
            for mountpath in self._ctx.object_store.mountpaths.available:
                info = os.statvfs(mountpath.root)
                seen[os.stat(mountpath.root).st_dev] = info.f_blocks * info.f_frsize
            return sum(seen.values())

        return await asyncio.to_thread(total)

    async def cluster_names(self, bucket: BucketId, prefix: str, recursive: bool) -> AsyncIterator[str]:
        """Every object name under the prefix on every target, in name order (pages merged)."""
        flags = messages.LSO_NAME_ONLY | (0 if recursive else messages.LSO_NO_RECURSION)
        token = ""
        while True:
            body = LsoMsg(prefix=prefix, page_size=LIST_PAGE, continuation_token=token, flags=flags).to_json()
            pages = await asyncio.gather(
                *(self._list_page(t, bucket, body) for t in cluster_map.working_targets(self._ctx.smap))
            )
            merged = sorted(set(heapq.merge(*pages)))[:LIST_PAGE]
            for name in merged:
                yield name
            if len(merged) < LIST_PAGE:
                return
            token = merged[-1]

    async def _list_page(self, node: Snode, bucket: BucketId, body: dict[str, object]) -> list[str]:
        entries = await self._ctx.peer_api.list_page(node, bucket, body)
        return [e.name for e in entries if not e.flags & messages.ENTRY_IS_DIR]

    async def copy(
        self,
        bucket: BucketId,
        name: str,
        dst_bucket: BucketId,
        dst_name: str,
        transform: Transform | None,
        dry_run: bool,
    ) -> CopyResult:
        """Copy a local object (transformed if asked) to the owner of the destination name."""
        ctx, store = self._ctx, self._ctx.object_store
        if transform is not None:
            return await self._copy_transformed(bucket, name, dst_bucket, dst_name, transform, dry_run)
        if dry_run:
            meta = await asyncio.to_thread(store.head, bucket, name)
            return CopyResult(meta.size, sent=False)
        owner = self._owner(dst_bucket, dst_name)
        if remote_refs.is_remote(ctx, dst_bucket):
            # Into a remote bucket: written through to its backend before it is stored.
            await object_ops.copy(ctx, bucket, name, dst_bucket, dst_name)
            meta = await asyncio.to_thread(store.head, bucket, name)
            return CopyResult(meta.size, sent=owner.daemon_id != ctx.node.daemon_id)
        if owner.daemon_id == ctx.node.daemon_id:
            props = write_props(ctx, PutArgs(dst_bucket, dst_name))
            meta = await asyncio.to_thread(store.copy, bucket, name, dst_bucket, dst_name, props)
            await ec_put.protect(ctx, dst_bucket, dst_name, meta)
            return CopyResult(meta.size, sent=False)
        sent = await object_ops.send_to_peer(ctx, owner, bucket, name, dst_bucket, dst_name)
        return CopyResult(sent.size, sent=True)

    async def _copy_transformed(
        self,
        bucket: BucketId,
        name: str,
        dst_bucket: BucketId,
        dst_name: str,
        transform: Transform,
        dry_run: bool,
    ) -> CopyResult:
        source = await self._read_local(bucket, name)
        return await self._copy_source(source, bucket, name, dst_bucket, dst_name, transform, dry_run)

    async def _copy_source(
        self,
        source: ObjectSource,
        bucket: BucketId,
        name: str,
        dst_bucket: BucketId,
        dst_name: str,
        transform: Transform | None,
        dry_run: bool,
    ) -> CopyResult:
        """Write an open source (transformed if asked) as the destination, here or at its owner."""
        output = transform(bucket, name, source.chunks) if transform is not None else source.chunks
        try:
            if dry_run:
                size = 0
                async for chunk in output:
                    size += len(chunk)
                return CopyResult(size, sent=False)
            owner = self._owner(dst_bucket, dst_name)
            small = await whole_if_small(output, SMALL_BODY)
            if isinstance(small, bytes):
                # One executor call (local) or one sized PUT (peer), as a plain copy does.
                return await self._put_small(owner, dst_bucket, dst_name, small)
            return await self._store_stream(owner, dst_bucket, dst_name, small)
        finally:
            await source.close()

    async def _store_stream(
        self, owner: Snode, bucket: BucketId, name: str, data: AsyncIterator[bytes]
    ) -> CopyResult:
        """Write a stream as the object: through the store's atomic writer if this target is
        `owner` (nothing published on failure), else streamed to the owner."""
        if owner.daemon_id != self._ctx.node.daemon_id:
            return CopyResult(await self._put_stream(owner, bucket, name, data), sent=True)
        sink = await self.create(bucket, name)
        try:
            async for piece in batches(data, BATCH):
                await sink.write(piece)
            return CopyResult(await sink.commit(), sent=False)
        except BaseException:
            await sink.abort()
            raise

    async def _put_small(self, owner: Snode, bucket: BucketId, name: str, data: bytes) -> CopyResult:
        """Write a transformed object already in memory here, or send it (sized) to its owner."""
        if owner.daemon_id == self._ctx.node.daemon_id:
            await put_small(self._ctx, PutArgs(bucket, name), data)
            return CopyResult(len(data), sent=False)
        meta = ObjectMeta(name, len(data), "", "", "", 0)
        await self._ctx.peer_api.send_object(owner, bucket, name, meta, data)
        return CopyResult(len(data), sent=True)

    async def _put_stream(self, owner: Snode, bucket: BucketId, name: str, data: AsyncIterator[bytes]) -> int:
        """Send a stream of unknown length (chunked) to the owner; returns the bytes sent."""
        sent = 0

        async def counted() -> AsyncIterator[bytes]:
            nonlocal sent
            async for chunk in data:
                sent += len(chunk)
                yield chunk

        await self._ctx.peer_api.send_stream(owner, bucket, name, counted(), {})
        return sent

    async def delete(self, bucket: BucketId, name: str) -> None:
        """Delete a local object (ObjectNotFound when it is not here); a remote bucket's object is
        deleted at its backend first (ObjectNotFound only when neither had it)."""
        if remote_refs.is_remote(self._ctx, bucket):
            await object_ops.delete(self._ctx, bucket, name)
            return
        await asyncio.to_thread(self._ctx.object_store.delete, bucket, name)

    async def delete_at_owner(self, bucket: BucketId, name: str) -> None:
        """Delete the object wherever it is: at its owner, and first at its backend (remote bucket)."""
        ctx = self._ctx
        ref = remote_refs.remote_ref(ctx, bucket)
        if ref is not None:
            await write_through.delete(ctx, ref, name)
        owner = self._owner(bucket, name)
        if owner.daemon_id != ctx.node.daemon_id:
            await ctx.peer_api.delete_object(owner, bucket, name)
            return
        try:
            await asyncio.to_thread(ctx.object_store.delete, bucket, name)
        except ObjectNotFound:
            pass

    async def exists(self, bucket: BucketId, name: str) -> bool:
        """Whether the object exists at its owner (a remote bucket's: at its backend)."""
        ref = remote_refs.remote_ref(self._ctx, bucket)
        if ref is not None:
            assert self._ctx.backends is not None
            try:
                await self._ctx.backends.run(ref.backend.head_object, ref.cloud, name)
            except RemoteObjectNotFound:
                return False
            return True
        owner = self._owner(bucket, name)
        if owner.daemon_id == self._ctx.node.daemon_id:
            try:
                await asyncio.to_thread(self._ctx.object_store.head, bucket, name)
            except ObjectNotFound:
                return False
            return True
        return await self._ctx.peer_api.head_object(owner, bucket, name) is not None

    async def read(self, bucket: BucketId, name: str) -> ObjectSource:
        """Open an object here or at its owner (streamed)."""
        owner = self._owner(bucket, name)
        if owner.daemon_id == self._ctx.node.daemon_id:
            return await self._read_local(bucket, name)
        return await self._read_peer(owner, bucket, name)

    async def _read_local(self, bucket: BucketId, name: str) -> ObjectSource:
        store = self._ctx.object_store

        def open_object() -> tuple[ObjectFile, bytes | None]:
            """The open object, and its content when small (then the file is already closed)."""
            opened = store.open(bucket, name)
            if opened.size > SMALL_BODY:
                return opened, None
            with opened:
                return opened, opened.read_all_small(SMALL_BODY)

        handle, data = await asyncio.to_thread(open_object)
        if data is not None:
            return ObjectSource(handle.size, handle.meta.atime_ns, _once(data))

        async def chunks() -> AsyncIterator[bytes]:
            try:
                position = 0
                while position < handle.size:
                    chunk = await asyncio.to_thread(_read_at, handle, position)
                    if not chunk:
                        return
                    position += len(chunk)
                    yield chunk
            finally:
                handle.close()

        return ObjectSource(handle.size, handle.meta.atime_ns, chunks())

    async def _read_peer(self, owner: Snode, bucket: BucketId, name: str) -> ObjectSource:
        found = await self._ctx.peer_api.fetch_object(owner, bucket, name)
        if found is None:
            raise ObjectNotFound(bucket, name)
        return ObjectSource(found.meta.size, found.meta.atime_ns, found.chunks)

    async def create(self, bucket: BucketId, name: str) -> ObjectSink:
        """Start writing a new local object."""
        props = write_props(self._ctx, PutArgs(bucket, name))
        writer = await asyncio.to_thread(self._ctx.object_store.writer, bucket, name, props)
        return _LocalSink(self._ctx, bucket, name, writer)

    async def put_file(self, path: str, bucket: BucketId, name: str) -> CopyResult:
        """Store a regular file of this host as the object: written here if this target owns it,
        else streamed to its owner (OSError when it cannot be read; symbolic links are refused)."""
        fd = await asyncio.to_thread(_open_regular, path)
        try:
            return await self._store_stream(self._owner(bucket, name), bucket, name, _file_chunks(fd))
        finally:
            os.close(fd)

    async def open_local(self, bucket: BucketId, name: str) -> IO[bytes]:
        """A seekable binary file of a local object."""
        handle = await asyncio.to_thread(self._ctx.object_store.open, bucket, name)
        try:
            return await asyncio.to_thread(open, handle.path, "rb")
        finally:
            handle.close()


def _blocks(store: ObjectStore, bucket: BucketId, name: str) -> int:
    """Bytes the object's data file occupies on disk (0 if it vanished meanwhile)."""
    try:
        with store.open(bucket, name) as handle:
            return os.fstat(handle.fileno()).st_blocks * 512
    except ObjectNotFound:
        return 0


async def _once(data: bytes) -> AsyncIterator[bytes]:
    """A small object's content as a one-chunk stream."""
    if data:
        yield data


def _read_at(handle: ObjectFile, position: int) -> bytes:
    """One chunk of an open object file from `position` (blocking)."""
    return next(iter(handle.read_range(position, CHUNK)), b"")


def _open_regular(path: str) -> int:
    """A read descriptor of the regular file at `path` (OSError for a link or anything else)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", path)
    return fd


async def _file_chunks(fd: int) -> AsyncIterator[bytes]:
    """The file's bytes from its start, in chunks read by a thread."""
    offset = 0
    while chunk := await asyncio.to_thread(os.pread, fd, CHUNK, offset):
        offset += len(chunk)
        yield chunk
