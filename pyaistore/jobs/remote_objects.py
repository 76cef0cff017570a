"""Jobs on remote buckets' cached copies (reference "Prefetch", "Evict"): prefetch, evict a
selection, evict a whole bucket.

Selection (jobs reference §2.1): a list or a template names objects, each handled by its HRW
owner; a prefix (or the whole bucket) means every object under it at the backend (prefetch) or
in the cluster (evict). A listed name the backend does not have is a job error; a templated or
prefixed one is skipped. Prefetch skips objects stored already, unless `latest` finds their
backend version changed. Evicting an object not stored here is no error: it is not cached either
way.
"""

from collections.abc import AsyncIterator

from pyaistore.backends.base import RemoteObjectNotFound
from pyaistore.jobs import object_walk
from pyaistore.jobs.errors import JobAborted
from pyaistore.jobs.job import Job
from pyaistore.jobs.node_ops import NodeObjects
from pyaistore.jobs.registry import error_text
from pyaistore.jobs.templates import parse
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.multi_object import ListRange, MultiObjectMsg

__all__ = ["evict", "evict_bucket", "prefetch"]


def _names(
    ops: NodeObjects, bucket: BucketId, selection: ListRange, recursive: bool, remote: bool
) -> AsyncIterator[str]:
    """This node's share: listed/templated names it owns, else what is under the prefix (at the
    backend when `remote`, else stored here)."""
    if selection.names is None and not parse(selection.template).is_range:
        prefix = parse(selection.template).prefix
        if remote:
            return ops.remote_names(bucket, prefix, recursive)
        return object_walk.local_names(ops, bucket, prefix, recursive)
    return object_walk.selected_names(ops, bucket, selection, recursive)


async def prefetch(job: Job, ops: NodeObjects, bucket: BucketId, msg: MultiObjectMsg) -> None:
    """Fetch this node's share of the selection from the backend (in parallel, num-workers)."""
    listed = msg.selection.is_list
    latest = msg.copy.latest

    async def fetch_one(name: str) -> None:
        job.check()
        try:
            fetched = await ops.fetch(bucket, name, latest)
        except (RemoteObjectNotFound, ObjectNotFound) as exc:
            if listed:
                job.add_error(error_text(exc))
            return
        except JobAborted:
            raise
        except Exception as exc:
            if not msg.continue_on_error:
                raise
            job.add_error(error_text(exc))
            return
        if fetched is not None:
            job.counters.add_local(fetched)

    names = _names(ops, bucket, msg.selection, not msg.non_recursive, remote=True)
    await object_walk.for_each(job, names, object_walk.worker_count(msg.num_workers), fetch_one)


async def evict(job: Job, ops: NodeObjects, bucket: BucketId, msg: MultiObjectMsg) -> None:
    """Drop this node's copies of the selection."""

    async def evict_one(name: str) -> None:
        job.check()
        try:
            size = await ops.evict(bucket, name)
        except ObjectNotFound:
            return
        job.counters.add_local(size)

    names = _names(ops, bucket, msg.selection, not msg.non_recursive, remote=False)
    await object_walk.for_each(job, names, object_walk.worker_count(msg.num_workers), evict_one)


async def evict_bucket(job: Job, ops: NodeObjects, bucket: BucketId) -> None:
    """Drop every copy of the bucket's objects this node keeps."""
    job.check()
    await ops.evict_all(bucket)
