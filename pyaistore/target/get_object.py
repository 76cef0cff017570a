"""GET on a target: open the object (whole or one byte range) for the web layer to stream."""

import asyncio
from dataclasses import dataclass

from pyaistore.node_context import NodeContext
from pyaistore.storage.errors import LockBusy
from pyaistore.storage.object_file import ObjectFile
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import byte_range
from pyaistore.wire.bucket_id import BucketId


@dataclass(slots=True)
class ObjectStream:
    """An open object and the part of it to send."""

    file: ObjectFile
    start: int
    length: int
    partial: bool

    @property
    def meta(self) -> ObjectMeta:
        """The object's metadata."""
        return self.file.meta

    def close(self) -> None:
        """Release the file."""
        self.file.close()


def open_object(
    ctx: NodeContext, bucket: BucketId, name: str, range_header: str | None, wait: bool = True
) -> ObjectStream:
    """Blocking: open `name` and resolve an optional Range header against its size.

    Metadata syscalls on a local disk take microseconds, so small-object GETs call this inline
    (an executor hop per request costs more than the work); see docs/performance.md. Without
    `wait`, LockBusy where a writer holds a lock the open needs (see `open_on_loop`).
    """
    ctx.bucket_props(bucket)
    spec = byte_range.parse(range_header) if range_header else None
    handle = ctx.object_store.open(bucket, name, wait)
    if spec is None:
        return ObjectStream(handle, 0, handle.size, partial=False)
    try:
        start, length = byte_range.resolve(spec, handle.size)
    except Exception:
        handle.close()
        raise
    return ObjectStream(handle, start, length, partial=True)


async def open_on_loop(
    ctx: NodeContext, bucket: BucketId, name: str, range_header: str | None
) -> ObjectStream:
    """open_object from an event loop: inline, or in a thread when it would wait for a writer's lock.

    Only a miss on a target with several mountpaths takes the object's lock (to look for a copy
    in flight between them), and a writer may hold it across its flushes: the loop must not wait.
    """
    try:
        return open_object(ctx, bucket, name, range_header, wait=False)
    except LockBusy:
        return await asyncio.to_thread(open_object, ctx, bucket, name, range_header)
