"""The common PUT: what a target's lean front (web/fast_put.py) writes without the full handler.

Common: a body already in memory for an ais bucket this target knows, with no backend behind it
and no erasure coding, written here because this target owns the object (or a proxy sent it here
and the map still says so). Anything else is not common (`CommonPuts.props` says None before
anything is written), and the full PUT path (web/target_handlers.put) answers the request as it
always has. What is written is what the full path's `put_object.put_small` writes: the same write
properties, the same atomic write (checksum verified when the client sent one, metadata, version
rule, group-committed flushes before it returns). Small bodies are written on the event loop
(storage/staged_write.py, waiting for the flushes with target/loop_commits.py), the rest, or one
the loop could not publish (its lock busy, the object changed meanwhile), in one blocking call.
"""

from dataclasses import replace
from typing import Final

from pyaistore.node_context import NodeContext
from pyaistore.storage.atomic_write import WriteProps
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.target import ec_placement, loop_commits, plain_get, remote_refs
from pyaistore.target.put_object import PutArgs, write_props
from pyaistore.wire.bucket_id import BucketId

__all__ = ["ON_LOOP", "CommonPuts", "owner_moved", "write_blocking", "write_on_loop"]

# Bodies up to this size are written on the event loop: their system calls take microseconds.
ON_LOOP: Final = 64 * 1024
# Buckets whose decision CommonPuts keeps (all are dropped past this many).
_DECISIONS: Final = 4096


class CommonPuts:
    """Which PUTs are common, and their write properties: decided once per bucket and bucket table."""

    def __init__(self, ctx: NodeContext) -> None:
        """Decisions for the buckets of this node's tables."""
        self._ctx = ctx
        # bucket -> (the bucket table, mountpaths available, the bucket's write props or None)
        self._decided: dict[BucketId, tuple[object, int, WriteProps | None]] = {}

    def props(self, args: PutArgs) -> WriteProps | None:
        """The write properties of a common PUT; None when it is not common (nothing done)."""
        ctx, bucket = self._ctx, args.bucket
        if bucket.is_remote or not plain_get.owns(ctx, bucket, args.name):
            return None  # a redirect to answer, or a write the map already moved: the full path's
        table, available = ctx.meta.buckets, len(ctx.object_store.mountpaths.available)
        decided = self._decided.get(bucket)
        if decided is None or decided[0] is not table or decided[1] != available:
            if len(self._decided) >= _DECISIONS:
                self._decided.clear()
            decided = self._decided[bucket] = (table, available, _bucket_props(ctx, bucket))
        props = decided[2]
        if props is None or not (args.checksum_type or args.checksum_value):
            return props
        return replace(props, expected_type=args.checksum_type, expected_value=args.checksum_value)


def _bucket_props(ctx: NodeContext, bucket: BucketId) -> WriteProps | None:
    """A common PUT's write properties in `bucket` (no expected checksum); None when none is common."""
    props_table = ctx.meta.buckets.view(bucket)
    if props_table is None or remote_refs.remote_ref(ctx, bucket, props_table) is not None:
        return None  # unknown here yet (the full path waits for the tables), or write-through
    if ec_placement.conf_of(ctx, bucket) is not None:
        return None  # slices to send after the write: the full path's
    return write_props(ctx, PutArgs(bucket, ""))


async def write_on_loop(ctx: NodeContext, args: PutArgs, props: WriteProps, data: bytes) -> ObjectMeta | None:
    """On the event loop: store a small `data`, durable on return; None to write it in a thread instead.

    Raises what the store raises (ChecksumMismatch, NoSpace, a failed flush's OSError, ...); the
    old object is then untouched.
    """
    if len(data) > ON_LOOP:
        return None
    staged = ctx.object_store.stage_small(args.bucket, args.name, props, data)
    if staged is None:
        return None
    with staged:
        if not staged.prepare():
            return None
        if staged.kept:
            return staged.meta
        await loop_commits.flushed(staged.flush_file)
        if not staged.publish():
            return None
        await loop_commits.flushed(staged.flush_dir)
    return staged.meta


def write_blocking(ctx: NodeContext, args: PutArgs, props: WriteProps, data: bytes) -> ObjectMeta:
    """Blocking: store `data` as the object and return its metadata once durable."""
    with ctx.object_store.writer(args.bucket, args.name, props) as writer:
        writer.write(data)
        return writer.commit()


def owner_moved(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    """Whether the current map gives the object to another target (it changed during the write)."""
    return not plain_get.owns(ctx, bucket, name)
