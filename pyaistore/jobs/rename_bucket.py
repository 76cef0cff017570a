"""Rename a bucket (move-bck): the new bucket exists at once, objects move under it, then the old one goes.

1. The gateway adds the new bucket (with the old one's properties) and marks the old one with
   `Renamed` = the new bucket's uname, in one bucket-table version.
2. Every target copies the objects it holds to their owners under the new name. The old objects
   stay until the end, so a read of the new bucket that misses is served from the old one
   (`rename_source`), and an aborted rename leaves the old bucket whole.
3. When every target has finished without error, the gateway drops the old bucket from the
   table (targets then remove its files); otherwise it only clears the mark.
"""

from typing import Any

from pyaistore.jobs import copy_bucket
from pyaistore.jobs.job import Job
from pyaistore.jobs.node_ops import NodeObjects
from pyaistore.storage.bucket_meta import BucketTable, bucket_from_uname
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import RENAMED_PROP
from pyaistore.wire.multi_object import CopyOptions

__all__ = ["begin", "finish", "rename_source", "run"]


async def run(job: Job, ops: NodeObjects, src: BucketId, dst: BucketId) -> None:
    """Copy every object this node holds from `src` to the same name in `dst`."""
    await copy_bucket.run(job, ops, src, dst, CopyOptions())


def begin(table: BucketTable, src: BucketId, dst: BucketId, props: dict[str, Any]) -> BucketTable:
    """The table with `dst` added (`props`) and `src` marked as being renamed to it."""
    marked = table.get(src)
    assert marked is not None
    marked[RENAMED_PROP] = dst.uname
    return table.with_bucket(dst, props).with_bucket(src, marked)


def finish(table: BucketTable, src: BucketId, succeeded: bool) -> BucketTable:
    """The table without `src` (success), or with its mark cleared (failure or abort)."""
    props = table.get(src)
    if props is None:
        return table
    if succeeded:
        return table.without(src)
    if RENAMED_PROP not in props:
        return table
    del props[RENAMED_PROP]
    return table.with_bucket(src, props)


def rename_source(table: BucketTable, bucket: BucketId) -> BucketId | None:
    """The bucket being renamed into `bucket`, if any (reads of `bucket` fall back on it)."""
    wanted = bucket.uname
    for uname, props in table.buckets.items():
        if props.get(RENAMED_PROP) == wanted:
            return bucket_from_uname(uname)
    return None
