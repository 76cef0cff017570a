"""Global rebalance, one target's part: send every object this target holds but no longer owns to
its owner under the current cluster map (reference §2.3), then put the erasure-coded pieces of
what it owns and keeps where the new map wants them (target/ec_repair.py).

Objects go in batches. Each object travels with its metadata as a migration: the receiver
verifies the checksum, keeps version and times, and keeps its own copy when that is as new or
newer (a PUT that landed during the rebalance is never replaced by an older copy); it publishes
the object without its own fsync. Once a batch is out, each receiver syncs its disks once, and
only then does the sender drop its copies, each only if it did not change meanwhile. So a crash
anywhere leaves every object on at least one disk, durable, and one syncfs per batch replaces
two fsyncs per object.

A copy rewritten here while it travelled is sent again; a send that keeps failing (the receiver
is down) is recorded as an error and the object stays: the rebalance ends incomplete, and
targets keep looking for missing objects on their neighbours until a later one completes.
"""

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from pyaistore.cluster.errors import PeerFailed
from pyaistore.jobs import object_walk
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import error_text
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.wire.bucket_id import BucketId

__all__ = ["ATTEMPTS", "BATCH_OBJECTS", "RebalanceOps", "Sent", "Settled", "Shipment", "run"]

DEFAULT_WORKERS: Final = 8
BATCH_OBJECTS: Final = 128
ATTEMPTS: Final = 4
FIRST_RETRY_S: Final = 0.25
# A copy that keeps changing here while it travels is left in place after this many rounds.
RESEND_ROUNDS: Final = 3


@dataclass(frozen=True, slots=True)
class Shipment:
    """One object sent to its owner and not yet dropped here."""

    bucket: BucketId
    name: str
    receiver: str
    meta: ObjectMeta
    stored: bool


@dataclass(frozen=True, slots=True)
class Sent:
    """What one send of a batch did: the objects that went out, and those that failed (to retry)."""

    shipments: list[Shipment]
    failed: dict[str, str]


@dataclass(frozen=True, slots=True)
class Settled:
    """A batch after its receivers synced: what moved (dropped here), and what changed meanwhile."""

    moved: list[Shipment]
    changed: list[Shipment]


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

    async def send(self, bucket: BucketId, names: Sequence[str], workers: int) -> Sent:
        """Send each object this target does not own to its owner (not yet durable there), at most
        `workers` transfers at a time; small objects to one owner share a request."""
        ...

    async def settle(self, shipments: Sequence[Shipment]) -> Settled:
        """Sync every receiver of the batch, then drop here each copy that did not change."""
        ...

    async def repair_erasure_coded(self, job: Job) -> None:
        """Put the EC pieces of what this target owns and keeps where the current map wants them."""
        ...


async def run(job: Job, ops: RebalanceOps, workers: int = DEFAULT_WORKERS) -> None:
    """Move every misplaced object of every bucket to its owner, batch by batch, then repair
    erasure coding (pieces to their current holders, lost objects back to their owners).

    One batch settles (receivers sync, copies here are dropped) while the next one is sent.
    """
    for bucket in ops.buckets():
        job.check()
        resend: list[str] = []
        settling: asyncio.Task[list[str]] | None = None
        try:
            async for batch in _batches(object_walk.local_names(ops, bucket, "", True)):
                shipments = await _send_batch(job, ops, bucket, batch, workers)
                if settling is not None:
                    resend += await settling
                settling = asyncio.create_task(_settle(job, ops, bucket, shipments)) if shipments else None
            if settling is not None:
                resend += await settling
                settling = None
        finally:
            if settling is not None:
                settling.cancel()
        await _resend(job, ops, bucket, resend, workers)
    await ops.repair_erasure_coded(job)


async def _send_batch(
    job: Job, ops: RebalanceOps, bucket: BucketId, names: list[str], workers: int
) -> list[Shipment]:
    """Send a batch; what failed is sent again with backoff while its owner does not answer."""
    shipments: list[Shipment] = []
    pause = FIRST_RETRY_S
    for attempt in range(ATTEMPTS):
        job.check()
        sent = await ops.send(bucket, names, workers)
        shipments += sent.shipments
        if not sent.failed:
            break
        if attempt == ATTEMPTS - 1:
            for name, error in sent.failed.items():
                job.add_error(f"{bucket.object_cname(name)}: {error}")
            break
        names = list(sent.failed)
        await asyncio.sleep(pause)
        pause *= 2
    return shipments


async def _settle(job: Job, ops: RebalanceOps, bucket: BucketId, shipments: list[Shipment]) -> list[str]:
    """Settle a batch and count what moved; the names rewritten here while they travelled."""
    try:
        settled = await ops.settle(shipments)
    except PeerFailed as exc:
        job.add_error(f"{bucket.cname}: {error_text(exc)}")  # nothing dropped: all stay here
        return []
    for shipment in settled.moved:
        job.counters.add_sent(shipment.meta.size)
    return [shipment.name for shipment in settled.changed]


async def _resend(job: Job, ops: RebalanceOps, bucket: BucketId, names: list[str], workers: int) -> None:
    """Send again, a few rounds at most, what was rewritten here while it travelled."""
    for _ in range(RESEND_ROUNDS):
        if not names:
            return
        shipments = await _send_batch(job, ops, bucket, names, workers)
        names = await _settle(job, ops, bucket, shipments) if shipments else []
    if names:
        job.add_error(f"{bucket.cname}: {len(names)} object(s) kept changing here; left in place")


async def _batches(names: AsyncIterator[str]) -> AsyncIterator[list[str]]:
    batch: list[str] = []
    async for name in names:
        batch.append(name)
        if len(batch) >= BATCH_OBJECTS:
            yield batch
            batch = []
    if batch:
        yield batch
