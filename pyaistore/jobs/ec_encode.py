"""ec-encode, one target's part: erasure-code every object of the bucket this target owns (§5.2).

Objects whose pieces are already where they belong (same generation on every current holder)
cost one batched question per page and peer; the others are coded from the local copy and sent.
"""

from typing import Protocol

from pyaistore.jobs import object_walk
from pyaistore.jobs.job import Job
from pyaistore.wire.bucket_id import BucketId

__all__ = ["PAGE", "EncodeOps", "run"]

PAGE = 256


class EncodeOps(object_walk.LocalNames, Protocol):
    """What ec-encode needs from its target."""

    async def encode_page(self, bucket: BucketId, names: list[str]) -> int:
        """Give the objects of `names` this target owns their pieces; how many pieces were sent."""
        ...


async def run(job: Job, ops: EncodeOps, bucket: BucketId) -> None:
    """Encode, page by page, every object of the bucket held here."""

    async def encode(names: list[str]) -> None:
        sent = await ops.encode_page(bucket, names)
        job.counters.loc_objs += len(names)
        job.counters.out_objs += sent

    await object_walk.for_each_page(job, object_walk.local_names(ops, bucket, "", True), PAGE, encode)
