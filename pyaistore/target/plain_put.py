"""The common PUT, done in one blocking call: what a target's lean front (web/fast_put.py) answers.

Common: a body already in memory for an ais bucket this target knows, with no backend behind it
and no erasure coding, written here because this target owns the object (or a proxy sent it here
and the map still says so). Anything else returns None before anything is written, and the full
PUT path (web/target_handlers.put) answers the request as it always has. What it writes is what
the full path's `put_object.put_small` writes: the same write properties, the same atomic writer
(checksum verified when the client sent one, metadata, version rule, group-committed flush
before the call returns).
"""

from pyaistore.node_context import NodeContext
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import ec_placement, plain_get, remote_refs
from pyaistore.target.put_object import PutArgs, write_props
from pyaistore.wire.bucket_id import BucketId

__all__ = ["owner_moved", "write_plain"]


def write_plain(ctx: NodeContext, args: PutArgs, data: bytes) -> ObjectMeta | None:
    """Blocking: store `data` as the object and return its metadata once durable; None when not common.

    Raises what the store raises (ChecksumMismatch, NoSpace, ...); the old object is then untouched.
    """
    bucket = args.bucket
    if bucket.is_remote or not plain_get.owns(ctx, bucket, args.name):
        return None  # a redirect to answer, or a write the map already moved: the full path's
    props_table = ctx.meta.buckets.view(bucket)
    if props_table is None or remote_refs.remote_ref(ctx, bucket, props_table) is not None:
        return None  # unknown here yet (the full path waits for the tables), or write-through
    if ec_placement.conf_of(ctx, bucket) is not None:
        return None  # slices to send after the write: the full path's
    props = write_props(ctx, args)
    with ctx.object_store.writer(bucket, args.name, props) as writer:
        writer.write(data)
        return writer.commit()


def owner_moved(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    """Whether the current map gives the object to another target (it changed during the write)."""
    return not plain_get.owns(ctx, bucket, name)
