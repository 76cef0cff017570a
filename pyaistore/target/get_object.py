"""GET on a target: open the object (whole or one byte range) for the web layer to stream."""

from dataclasses import dataclass

from pyaistore.node_context import NodeContext
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


def open_object(ctx: NodeContext, bucket: BucketId, name: str, range_header: str | None) -> ObjectStream:
    """Blocking: open `name` and resolve an optional Range header against its size.

    Metadata syscalls on a local disk take microseconds, so small-object GETs call this inline
    (an executor hop per request costs more than the work); see docs/performance.md.
    """
    ctx.bucket_props(bucket)
    spec = byte_range.parse(range_header) if range_header else None
    handle = ctx.object_store.open(bucket, name)
    if spec is None:
        return ObjectStream(handle, 0, handle.size, partial=False)
    try:
        start, length = byte_range.resolve(spec, handle.size)
    except Exception:
        handle.close()
        raise
    return ObjectStream(handle, start, length, partial=True)
