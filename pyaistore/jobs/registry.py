"""JobRegistry: the jobs of one node: new IDs, start (with conflict rules), find, abort, retention.

Finished jobs stay queryable for `retention_s` (10 minutes by default, jobs reference §1.3: the
SDK's waits poll finished jobs), and at most `max_finished` of them are kept.

Jobs of demand-based kinds (the `idles` flag: multi-object copy and transform, archive) do not
finish when their work is done: they go idle and stay running for `idle_linger_s`, then finish,
as AIS's demand-based jobs stay listed while idle until their idle timer fires (one minute,
`xact.IdleDefault`). An idle job conflicts with nothing; an abort ends it at once. A job that
recorded errors finishes when its work is done, so that it reads as failed at once.
"""

import asyncio
import logging
import secrets
import string
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from pyaistore.jobs import kinds
from pyaistore.jobs.errors import JobAborted, JobConflict
from pyaistore.jobs.job import Job
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import USER_ABORT

__all__ = ["JobBody", "JobRegistry", "KindTotals", "new_job_id"]

log = logging.getLogger(__name__)

RETENTION_S: Final = 600.0
IDLE_LINGER_S: Final = 60.0
MAX_FINISHED: Final = 10_000
ID_LENGTH: Final = 10
_FIRST: Final = string.ascii_letters
_REST: Final = string.ascii_letters + string.digits + "-_"

JobBody = Callable[[Job], Awaitable[None]]


@dataclass(slots=True)
class KindTotals:
    """Jobs of one kind on this node since it started: how many started and run, and what they processed."""

    started: int = 0
    running: int = 0
    objects: int = 0
    size: int = 0


def new_job_id() -> str:
    """A fresh job ID: a letter, then letters, digits, '-' and '_' (10 characters)."""
    return secrets.choice(_FIRST) + "".join(secrets.choice(_REST) for _ in range(ID_LENGTH - 1))


def error_text(exc: BaseException) -> str:
    """What a failed job reports: the error's message, or its repr when it has none."""
    return getattr(exc, "message", None) or str(exc) or repr(exc)


class JobRegistry:
    """Running and recently finished jobs of one node, by ID (in start order)."""

    def __init__(
        self,
        retention_s: float = RETENTION_S,
        max_finished: int = MAX_FINISHED,
        clock: Callable[[], int] = time.time_ns,
        idle_linger_s: float = IDLE_LINGER_S,
    ) -> None:
        self._retention_ns = int(retention_s * 1e9)
        self._idle_linger_s = idle_linger_s
        self._max_finished = max_finished
        self._clock = clock
        self._jobs: dict[str, Job] = {}
        # What forgotten (purged) jobs had done, by kind, so that totals never go down (metrics).
        self._forgotten: dict[str, KindTotals] = {}

    def add(self, job: Job) -> Job:
        """Register a job; JobConflict when its ID is taken or it may not run beside a running job."""
        self.purge()
        if job.job_id in self._jobs:
            raise JobConflict(f"job {job.job_id} exists already")
        for other in self._jobs.values():
            if not other.running or other.idle:
                continue
            reason = kinds.conflict_reason(
                job.kind, job.bucket_unames, job.pair, other.kind, other.bucket_unames, other.pair, job.force
            )
            if reason:
                raise JobConflict(f"cannot start {job.kind}: {reason} ({other!r})")
        self._jobs[job.job_id] = job
        return job

    def restore(self, job: Job) -> Job:
        """Register a job known from before a restart: it passed the conflict rules when it
        started, so they are not applied again (JobConflict only when its ID is taken)."""
        self.purge()
        if job.job_id in self._jobs:
            raise JobConflict(f"job {job.job_id} exists already")
        self._jobs[job.job_id] = job
        return job

    def run(self, job: Job, body: JobBody) -> "asyncio.Task[None]":
        """Register the job and run `body(job)` as a task; the job finishes when the body returns."""
        self.add(job)
        return asyncio.create_task(self._execute(job, body), name=repr(job))

    async def _execute(self, job: Job, body: JobBody) -> None:
        try:
            await body(job)
            if kinds.lingers(job.kind) and not job.aborted and not job.error_count:
                job.idle = True
                await job.wait_aborted(self._idle_linger_s)
        except JobAborted:
            pass
        except asyncio.CancelledError:
            job.abort("node shutting down")
            raise
        except Exception as exc:
            log.warning("%r failed: %s", job, error_text(exc))
            job.add_error(error_text(exc))
        finally:
            job.finish()

    def get(self, job_id: str) -> Job | None:
        """The job with this ID, if known."""
        return self._jobs.get(job_id)

    def find(
        self, job_id: str = "", kind: str = "", bucket: BucketId | None = None, active_only: bool = False
    ) -> list[Job]:
        """Jobs matching every given filter (kind is a resolved kind), oldest first."""
        self.purge()
        if job_id:
            job = self._jobs.get(job_id)
            candidates = [job] if job is not None else []
        else:
            candidates = list(self._jobs.values())
        return [
            job
            for job in candidates
            if (not kind or job.kind == kind)
            and (bucket is None or bucket.uname in job.bucket_unames)
            and (not active_only or job.running)
        ]

    def abort(self, job_id: str = "", kind: str = "", reason: str = USER_ABORT) -> list[Job]:
        """Abort every running job matching the ID and/or kind; returns those aborted."""
        return [job for job in self.find(job_id, kind, active_only=True) if job.abort(reason)]

    def abort_all(self, reason: str) -> None:
        """Abort every running job (shutdown)."""
        for job in self._jobs.values():
            job.abort(reason)

    def purge(self) -> None:
        """Forget finished jobs older than the retention time, and the oldest beyond the cap."""
        cutoff = self._clock() - self._retention_ns
        finished = [job for job in self._jobs.values() if job.finished]
        excess = len(finished) - self._max_finished
        for index, job in enumerate(finished):
            if job.end_ns < cutoff or index < excess:
                del self._jobs[job.job_id]
                kept = self._forgotten.setdefault(job.kind, KindTotals())
                kept.started += 1
                kept.objects += job.counters.loc_objs
                kept.size += job.counters.loc_bytes

    def totals_by_kind(self) -> dict[str, KindTotals]:
        """Per kind: jobs started (known or forgotten), running now, objects and bytes processed here."""
        totals = {kind: KindTotals(t.started, 0, t.objects, t.size) for kind, t in self._forgotten.items()}
        for job in self._jobs.values():
            kind = totals.setdefault(job.kind, KindTotals())
            kind.started += 1
            kind.running += job.running
            kind.objects += job.counters.loc_objs
            kind.size += job.counters.loc_bytes
        return totals
