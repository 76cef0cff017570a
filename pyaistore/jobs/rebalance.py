"""Global rebalance, one target's part: send every object this target holds but no longer owns to
its owner under the current cluster map (reference §2.3), then put the erasure-coded pieces of
what it owns and keeps where the new map wants them (target/ec_repair.py).

Each object travels with its metadata as a migration: the receiver verifies the checksum, keeps
version and times, and keeps its own copy when that is as new or newer (a PUT that landed during
the rebalance is never replaced by an older copy). The sender drops its copy only after the
receiver has committed, and only if the copy did not change meanwhile. A send that fails is
retried a few times, then recorded as an error: the object stays here, the rebalance ends
incomplete, and targets keep looking for missing objects on their neighbours until a later
rebalance completes.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from pyaistore.cluster.errors import PeerFailed
from pyaistore.jobs import object_walk
from pyaistore.jobs.errors import JobAborted
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import error_text
from pyaistore.storage.errors import ObjectNotFound
from pyaistore.wire.bucket_id import BucketId

__all__ = ["ATTEMPTS", "Moved", "RebalanceOps", "run"]

DEFAULT_WORKERS: Final = 8
ATTEMPTS: Final = 4
FIRST_RETRY_S: Final = 0.25


@dataclass(frozen=True, slots=True)
class Moved:
    """One object sent to its owner: its size, and whether the owner stored it (or kept a newer one)."""

    size: int
    stored: bool


class RebalanceOps(Protocol):
    """What the rebalance needs from its target."""

    def buckets(self) -> Sequence[BucketId]:
        """Every bucket whose objects may be stored here."""
        ...

    async def local_names(
        self, bucket: BucketId, prefix: str, after: str, limit: int, recursive: bool
    ) -> list[str]:
        """Up to `limit` names of objects stored here, > `after`, in name order."""
        ...

    async def migrate(self, bucket: BucketId, name: str) -> Moved | None:
        """Send the object to its owner and drop it here; None when this target owns it."""
        ...

    async def repair_erasure_coded(self, job: Job) -> None:
        """Put the EC pieces of what this target owns and keeps where the current map wants them."""
        ...


async def run(job: Job, ops: RebalanceOps, workers: int = DEFAULT_WORKERS) -> None:
    """Move every misplaced object of every bucket to its owner, then repair erasure coding."""
    for bucket in ops.buckets():
        job.check()

        async def move_one(name: str, bucket: BucketId = bucket) -> None:
            moved = await _with_retries(job, ops, bucket, name)
            if moved is not None:
                job.counters.add_sent(moved.size)

        names = object_walk.local_names(ops, bucket, "", True)
        await object_walk.for_each(job, names, workers, move_one)
    await ops.repair_erasure_coded(job)


async def _with_retries(job: Job, ops: RebalanceOps, bucket: BucketId, name: str) -> Moved | None:
    """One object: its move, retried with backoff while its owner does not answer."""
    pause = FIRST_RETRY_S
    for attempt in range(ATTEMPTS):
        job.check()
        try:
            return await ops.migrate(bucket, name)
        except (ObjectNotFound, JobAborted):
            if job.aborted:
                raise
            return None  # deleted meanwhile: nothing to move
        except PeerFailed as exc:
            if attempt == ATTEMPTS - 1:
                job.add_error(f"{bucket.object_cname(name)}: {error_text(exc)}")
                return None
            await asyncio.sleep(pause)
            pause *= 2
    return None
