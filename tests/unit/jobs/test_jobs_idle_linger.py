"""Demand-based jobs (multi-object copy/transform, archive) stay running while idle, as AIS's do."""

import asyncio

from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobRegistry, new_job_id
from pyaistore.wire import jobs as kinds
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.job_snapshot import JobSnapshot, unpack_workers

A, B = BucketId("a"), BucketId("b")


async def _nothing(job: Job) -> None:
    job.counters.add_local(1)


def test_an_idle_copy_job_stays_running_then_finishes() -> None:
    registry = JobRegistry(idle_linger_s=0.3)

    async def scenario() -> tuple[JobSnapshot, JobSnapshot]:
        job = Job(new_job_id(), kinds.COPY_LISTRANGE, src_bucket=A, dst_bucket=B)
        task = registry.run(job, _nothing)
        await asyncio.sleep(0.1)
        idle = job.snapshot()
        # Idle, it blocks nothing: the same copy starts beside it.
        registry.add(Job(new_job_id(), kinds.COPY_LISTRANGE, src_bucket=A, dst_bucket=B))
        await task
        return idle, job.snapshot()

    idle, ended = asyncio.run(scenario())
    assert idle.is_idle and not idle.finished and not idle.aborted
    assert ended.finished and ended.is_idle and not ended.aborted


def test_an_abort_ends_an_idle_job_at_once() -> None:
    registry = JobRegistry(idle_linger_s=60)

    async def scenario() -> Job:
        job = Job(new_job_id(), kinds.ARCHIVE, bucket=A)
        task = registry.run(job, _nothing)
        await asyncio.sleep(0.05)
        assert job.idle and job.running
        registry.abort(job.job_id)
        await asyncio.wait_for(task, 2)
        return job

    job = asyncio.run(scenario())
    assert job.finished


def test_a_job_with_errors_finishes_as_failed_at_once() -> None:
    registry = JobRegistry(idle_linger_s=60)

    async def failing(job: Job) -> None:
        job.add_error("ais://a/gone does not exist")

    async def scenario() -> Job:
        job = Job(new_job_id(), kinds.ARCHIVE, bucket=A)
        await asyncio.wait_for(registry.run(job, failing), 2)
        return job

    job = asyncio.run(scenario())
    assert job.finished and job.err


def test_other_kinds_finish_when_their_work_is_done() -> None:
    registry = JobRegistry(idle_linger_s=60)

    async def scenario() -> Job:
        job = Job(new_job_id(), kinds.DELETE_LISTRANGE, bucket=A)
        await asyncio.wait_for(registry.run(job, _nothing), 2)
        return job

    assert asyncio.run(scenario()).finished


def test_snapshots_carry_the_worker_count_as_ais_packs_it() -> None:
    job = Job(new_job_id(), kinds.COPY_BCK, src_bucket=A, dst_bucket=B)
    job.workers = 10
    data = job.snapshot().to_json()
    assert data["glob.id"] == str(10 << 10)
    assert unpack_workers(int(data["glob.id"])) == 10
    assert JobSnapshot.from_json(data).workers == 10
