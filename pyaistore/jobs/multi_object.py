"""Multi-object jobs over a list, template or prefix (jobs reference §2): delete, copy and transform.

Missing objects (§2.1): a name listed explicitly and missing is an error recorded on the job (the
job goes on); a templated or prefixed name that does not exist is skipped silently.
"""

from pyaistore.jobs import copy_bucket, object_walk
from pyaistore.jobs.job import Job
from pyaistore.jobs.node_ops import NodeObjects, Transform
from pyaistore.jobs.registry import error_text
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.multi_object import MultiObjectMsg

__all__ = ["copy", "delete"]


async def delete(job: Job, ops: NodeObjects, bucket: BucketId, msg: MultiObjectMsg) -> None:
    """Delete this node's share of the selection."""
    listed = msg.selection.is_list

    async def delete_one(name: str) -> None:
        job.check()
        try:
            await ops.delete(bucket, name)
        except ObjectNotFound as exc:
            if listed:
                job.add_error(error_text(exc))
            return
        job.counters.add_local(0)

    names = object_walk.selected_names(ops, bucket, msg.selection, not msg.non_recursive)
    await object_walk.for_each(job, names, object_walk.worker_count(msg.num_workers), delete_one)


async def copy(
    job: Job,
    ops: NodeObjects,
    src: BucketId,
    dst: BucketId,
    msg: MultiObjectMsg,
    transform: Transform | None = None,
) -> None:
    """Copy (or transform) this node's share of the selection into `dst`."""
    names = object_walk.selected_names(ops, src, msg.selection, not msg.non_recursive)
    await copy_bucket.copy_names(job, ops, src, dst, msg.copy, transform, names, listed=msg.selection.is_list)
