"""The get-batch demand job: reused per default bucket, idle between batches, ends after idling or abort."""

import asyncio

from pyaistore.jobs import batch_job
from pyaistore.jobs.registry import JobRegistry
from pyaistore.wire.bucket_id import BucketId


def test_reuse_idle_expiry_and_abort() -> None:
    async def scenario() -> None:
        jobs = JobRegistry()
        first = batch_job.acquire(jobs, BucketId("a"), idle_s=0.05)
        assert not first.snapshot().is_idle
        assert batch_job.acquire(jobs, BucketId("a"), idle_s=0.05) is first
        other = batch_job.acquire(jobs, None, idle_s=0.05)
        assert other is not first
        first.end()
        assert not first.snapshot().is_idle  # one batch still in flight
        first.end()
        assert first.snapshot().is_idle and first.running
        await asyncio.sleep(0.2)
        assert first.finished
        other.end()
        assert other.abort() and other.finished and other.snapshot().aborted

    asyncio.run(scenario())
