"""The get-batch job of a designated target: one job serves many batches, and idles between them.

As AIS's x-moss, get-batch is a demand job: the designated target registers one job (kind
`get-batch`) for the default bucket of a request, and later requests with the same default
bucket reuse it while it runs. A batch `begin()`s and `end()`s on it; with no batch in flight
the job is idle (`is_idle` in its snapshot, so the SDK's idle wait succeeds) and finishes after
`idle_s` more seconds without work. An abort (a user's stop, or shutdown) stops the batches in
flight at their next entry, and the job finishes as soon as none is left.
"""

import asyncio
from typing import Final

from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobRegistry, new_job_id
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import GET_BATCH, USER_ABORT

__all__ = ["IDLE_S", "BatchJob", "acquire"]

# How long a get-batch job stays (idle) after its last batch: AIS's demand-job idle time.
IDLE_S: Final = 60.0


class BatchJob(Job):
    """A get-batch job: counts the batches in flight and finishes after an idle period."""

    def __init__(self, job_id: str, bucket: BucketId | None, idle_s: float = IDLE_S) -> None:
        super().__init__(job_id, GET_BATCH, bucket=bucket)
        self.default_bucket = bucket
        self.pending = 0
        self.idle = True
        self._idle_s = idle_s
        self._timer: asyncio.TimerHandle | None = None

    def begin(self) -> None:
        """A batch starts: the job is busy until it ends."""
        self.pending += 1
        self.idle = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def end(self) -> None:
        """A batch ended: with none left the job idles, then finishes (at once when aborted)."""
        self.pending = max(0, self.pending - 1)
        if self.pending:
            return
        self.idle = True
        if self.aborted:
            self.finish()
            return
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self._idle_s, self._expire)

    def abort(self, reason: str = "") -> bool:
        """Abort; an idle job finishes at once (AIS ends an aborted x-moss)."""
        changed = super().abort(reason or USER_ABORT)
        if changed and self.pending == 0:
            self.finish()
        return changed

    def _expire(self) -> None:
        self._timer = None
        if self.pending == 0:
            self.finish()


def acquire(jobs: JobRegistry, bucket: BucketId | None, idle_s: float = IDLE_S) -> BatchJob:
    """The running get-batch job for this default bucket, or a new one; the batch has begun on it."""
    for job in jobs.find(kind=GET_BATCH, active_only=True):
        if isinstance(job, BatchJob) and not job.aborted and job.default_bucket == bucket:
            job.begin()
            return job
    job = BatchJob(new_job_id(), bucket, idle_s)
    jobs.add(job)
    job.begin()
    return job
