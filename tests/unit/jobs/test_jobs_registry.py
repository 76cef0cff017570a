"""JobRegistry and Job: IDs, start and finish, errors, abort, conflicts, queries, retention."""

import asyncio

import pytest

from pyaistore.jobs.errors import JobConflict
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobRegistry, new_job_id
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import is_valid_id

A, B, C = BucketId("a"), BucketId("b"), BucketId("c")


class Clock:
    """A settable clock (ns)."""

    def __init__(self) -> None:
        self.now = 1_000_000_000_000

    def __call__(self) -> int:
        return self.now


def test_new_ids_have_the_ais_shape() -> None:
    ids = {new_job_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(is_valid_id(i) and i[0].isalpha() for i in ids)


def test_a_job_runs_finishes_and_is_idle() -> None:
    registry = JobRegistry()

    async def scenario() -> Job:
        async def body(job: Job) -> None:
            job.counters.add_local(10)
            job.counters.add_sent(5)

        job = Job(new_job_id(), "copy-bck", src_bucket=A, dst_bucket=B)
        await registry.run(job, body)
        return job

    job = asyncio.run(scenario())
    snap = job.snapshot()
    assert snap.finished and snap.is_idle and not snap.aborted and snap.err == ""
    assert snap.stats.loc_objs == 2 and snap.stats.loc_bytes == 15 and snap.stats.out_objs == 1
    assert snap.bucket == A and snap.src_bucket == A and snap.dst_bucket == B
    status = job.status()
    assert status.end_ns == snap.end_ns > 0 and status.is_idle


def test_a_failing_body_records_its_error() -> None:
    registry = JobRegistry()

    async def scenario() -> Job:
        async def body(job: Job) -> None:
            job.add_error("first")
            raise ValueError("boom")

        job = Job(new_job_id(), "delete-listrange", bucket=A)
        await registry.run(job, body)
        return job

    job = asyncio.run(scenario())
    assert job.finished and job.err == "first; boom"


def test_abort_stops_the_body_at_its_next_check() -> None:
    registry = JobRegistry()

    async def scenario() -> Job:
        started = asyncio.Event()

        async def body(job: Job) -> None:
            started.set()
            while True:
                job.check()
                await asyncio.sleep(0.001)

        job = Job(new_job_id(), "copy-bck", src_bucket=A, dst_bucket=B)
        task = registry.run(job, body)
        await started.wait()
        assert registry.abort(kind="copy-bck") == [job]
        await task
        assert registry.abort(job.job_id) == []  # finished: nothing to abort
        return job

    job = asyncio.run(scenario())
    assert job.aborted and job.finished and job.abort_err == "user abort"
    assert job.snapshot().aborted and job.status().aborted


def test_conflicts_between_running_jobs() -> None:
    registry = JobRegistry()
    rename = registry.add(Job(new_job_id(), "move-bck", src_bucket=A, dst_bucket=B))
    with pytest.raises(JobConflict):
        registry.add(Job(new_job_id(), "move-bck", src_bucket=A, dst_bucket=C))
    with pytest.raises(JobConflict):
        registry.add(Job(new_job_id(), "copy-bck", src_bucket=C, dst_bucket=B))
    with pytest.raises(JobConflict):
        registry.add(Job(rename.job_id, "lru"))  # the ID is taken
    registry.add(Job(new_job_id(), "copy-bck", src_bucket=C, dst_bucket=BucketId("d")))
    rename.finish()
    registry.add(Job(new_job_id(), "move-bck", src_bucket=A, dst_bucket=BucketId("e")))


def test_find_by_id_kind_bucket_and_activity() -> None:
    registry = JobRegistry()
    copy = registry.add(Job(new_job_id(), "copy-bck", src_bucket=A, dst_bucket=B))
    delete = registry.add(Job(new_job_id(), "delete-listrange", bucket=C))
    delete.finish()
    assert registry.find(copy.job_id) == [copy]
    assert registry.find(kind="delete-listrange") == [delete]
    assert registry.find(bucket=B) == [copy]
    assert registry.find(active_only=True) == [copy]
    assert registry.find() == [copy, delete]
    assert registry.find("nosuchjob0") == []


def test_finished_jobs_are_kept_for_the_retention_time() -> None:
    clock = Clock()
    registry = JobRegistry(retention_s=600, clock=clock)
    job = registry.add(Job(new_job_id(), "archive", bucket=A, clock=clock))
    clock.now += 10**9
    job.finish()
    clock.now += 599 * 10**9
    assert registry.get(job.job_id) is job and registry.find(job.job_id) == [job]
    clock.now += 2 * 10**9
    assert registry.find(job.job_id) == []
    assert registry.get(job.job_id) is None


def test_the_number_of_finished_jobs_is_capped() -> None:
    registry = JobRegistry(max_finished=3)
    jobs = [registry.add(Job(new_job_id(), "lru")) for _ in range(5)]
    for job in jobs:
        job.finish()
    assert registry.find() == jobs[2:]
