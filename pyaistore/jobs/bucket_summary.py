"""Bucket summary (`summary-bck`): each target counts the objects it holds; the gateway adds them up.

A target's part walks its objects under the prefix in pages (checking for abort between pages),
counting objects and bytes in the job's counters and the smallest, largest and on-disk sizes plus
its disks' capacity in the snapshot's `ext`. `merge` turns the finished snapshots into one
BsummResult.
"""

from collections.abc import Iterable

from pyaistore.jobs.job import Job
from pyaistore.jobs.node_ops import NodeObjects
from pyaistore.jobs.object_walk import PAGE
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.bucket_summary import EXT_CAPACITY, EXT_DISK, EXT_MAX, EXT_MIN, BucketSummary
from pyaistore.wire.job_snapshot import JobSnapshot

__all__ = ["merge", "run"]


async def run(job: Job, ops: NodeObjects, bucket: BucketId, prefix: str) -> None:
    """Count this node's objects under the prefix."""
    smallest, largest, disk, after = -1, 0, 0, ""
    job.ext = {EXT_MIN: 0, EXT_MAX: 0, EXT_DISK: 0, EXT_CAPACITY: await ops.capacity()}
    while True:
        job.check()
        page = await ops.local_sizes(bucket, prefix, after, PAGE)
        for _, size, on_disk in page:
            job.counters.add_local(size)
            smallest = size if smallest < 0 else min(smallest, size)
            largest, disk = max(largest, size), disk + on_disk
        job.ext.update({EXT_MIN: max(smallest, 0), EXT_MAX: largest, EXT_DISK: disk})
        if len(page) < PAGE:
            return
        after = page[-1][0]


def merge(bucket: BucketId, snapshots: Iterable[JobSnapshot]) -> BucketSummary:
    """The cluster-wide summary from every target's finished snapshot."""
    parts = [s for s in snapshots if s.ext is not None]
    counted = [s for s in parts if s.stats.loc_objs]
    return BucketSummary(
        bucket=bucket,
        count=sum(s.stats.loc_objs for s in parts),
        size=sum(s.stats.loc_bytes for s in parts),
        min_size=min((int(s.ext[EXT_MIN]) for s in counted if s.ext is not None), default=0),
        max_size=max((int(s.ext[EXT_MAX]) for s in counted if s.ext is not None), default=0),
        disk=sum(int(s.ext[EXT_DISK]) for s in parts if s.ext is not None),
        capacity=sum(int(s.ext[EXT_CAPACITY]) for s in parts if s.ext is not None),
    )
