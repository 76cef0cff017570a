"""The common GET, decided without waiting on anyone: what a target's fast front serves inline."""

from pyaistore.cluster import placement
from pyaistore.node_context import NodeContext
from pyaistore.target import remote_objects
from pyaistore.target.get_object import ObjectStream, open_object
from pyaistore.wire.bucket_id import BucketId

__all__ = ["open_plain", "owns"]


def open_plain(
    ctx: NodeContext, bucket: BucketId, name: str, redirected: bool, range_header: str | None
) -> ObjectStream | None:
    """Blocking: the object opened for a common GET; None for any other case.

    Common: a proxy sent the request here or this target owns the object, the bucket reads
    without asking a backend first, and the object opens on a local disk. Anything else (a
    redirect, a backend to ask, a miss to recover, any error) is the full GET path's to answer,
    which decides it afresh, so this never answers differently from it.
    """
    try:
        if not redirected and not owns(ctx, bucket, name):
            return None
        if bucket.is_remote and remote_objects.wants_validation(ctx, bucket, False):
            return None
        return open_object(ctx, bucket, name, range_header, wait=False)  # a busy lock: the full path's
    except Exception:  # every failure is the full path's to answer (and count, and report)
        return None


def owns(ctx: NodeContext, bucket: BucketId, name: str) -> bool:
    """Whether this target owns the object by HRW in its current cluster map."""
    try:
        return placement.owner(ctx.smap, bucket, name).daemon_id == ctx.node.daemon_id
    except Exception:  # no map or no target: not known to be ours
        return False
