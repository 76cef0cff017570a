"""Job: one running (or finished) xaction on one node: identity, buckets, times, counters, errors, abort.

A job body calls `check()` between objects; `abort()` makes the next check raise JobAborted, and
the registry then finishes the job. A finished job is idle, whatever its kind (jobs reference §1.3:
the SDK's idle waits need `is_idle`, its terminal waits need the end time; both are set). A job of
a demand-based kind (multi-object copy, transform, archive) goes idle when its work is done and
stays running a while before it finishes, as AIS keeps such jobs (see JobRegistry).
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from pyaistore.jobs.errors import JobAborted
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.job_snapshot import JobSnapshot, JobStats, JobStatus
from pyaistore.wire.jobs import USER_ABORT

__all__ = ["Counters", "Job"]

# Errors kept per job; the rest are only counted.
MAX_ERRORS: Final = 16


@dataclass(slots=True)
class Counters:
    """Objects and bytes: processed here, sent to peers, received from peers."""

    loc_objs: int = 0
    loc_bytes: int = 0
    out_objs: int = 0
    out_bytes: int = 0
    in_objs: int = 0
    in_bytes: int = 0

    def add_local(self, size: int) -> None:
        """Count one object processed on this node."""
        self.loc_objs += 1
        self.loc_bytes += size

    def add_sent(self, size: int) -> None:
        """Count one object sent to a peer (also processed here)."""
        self.add_local(size)
        self.out_objs += 1
        self.out_bytes += size

    def add_received(self, size: int) -> None:
        """Count one object received from a peer."""
        self.in_objs += 1
        self.in_bytes += size

    def to_stats(self) -> JobStats:
        """The wire form."""
        return JobStats(
            self.loc_objs, self.loc_bytes, self.out_objs, self.out_bytes, self.in_objs, self.in_bytes
        )


class Job:
    """One job on this node."""

    def __init__(
        self,
        job_id: str,
        kind: str,
        *,
        bucket: BucketId | None = None,
        src_bucket: BucketId | None = None,
        dst_bucket: BucketId | None = None,
        ctlmsg: str = "",
        force: bool = False,
        clock: Callable[[], int] = time.time_ns,
    ) -> None:
        self.job_id = job_id
        self.kind = kind
        self.bucket = bucket or src_bucket
        self.src_bucket = src_bucket
        self.dst_bucket = dst_bucket
        self.ctlmsg = ctlmsg
        self.force = force
        self.counters = Counters()
        self._clock = clock
        self.start_ns = clock()
        self.end_ns = 0
        self.errors: list[str] = []
        self.error_count = 0
        self.abort_err = ""
        self.ext: dict[str, Any] | None = None
        # Set when the work is done but the job stays running (demand-based kinds).
        self.idle = False
        # Objects worked on at once (reported in snapshots; set by the object walk).
        self.workers = 0
        # Whether queries show it: a gateway's cluster job is hidden until its record is on disk,
        # so that no client sees a job a restarted primary would not know.
        self.listed = True
        self._aborted = asyncio.Event()

    # ---- state ----

    @property
    def finished(self) -> bool:
        """True once the job has ended (done, failed or aborted)."""
        return self.end_ns > 0

    @property
    def running(self) -> bool:
        """True until the job ends."""
        return self.end_ns == 0

    @property
    def aborted(self) -> bool:
        """True once the job was aborted."""
        return self._aborted.is_set()

    @property
    def bucket_unames(self) -> frozenset[str]:
        """Every bucket the job touches, as unames (for conflict rules)."""
        found = (self.bucket, self.src_bucket, self.dst_bucket)
        return frozenset(b.uname for b in found if b is not None)

    @property
    def pair(self) -> tuple[str, str]:
        """(source, destination) unames; empty strings where there is none."""
        src = self.src_bucket or self.bucket
        return (src.uname if src else "", self.dst_bucket.uname if self.dst_bucket else "")

    @property
    def err(self) -> str:
        """The accumulated error text ("" when none)."""
        text = "; ".join(self.errors)
        if self.error_count > len(self.errors):
            text += f" (and {self.error_count - len(self.errors)} more errors)"
        return text

    # ---- changes ----

    def add_error(self, message: str) -> None:
        """Record a per-object or job error (the job goes on unless the body stops)."""
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)

    def abort(self, reason: str = USER_ABORT) -> bool:
        """Ask the job to stop; False when it had finished or was aborted already."""
        if self.finished or self.aborted:
            return False
        self.abort_err = reason
        self._aborted.set()
        return True

    async def wait_aborted(self, timeout: float) -> None:
        """Return when the job is aborted, or after `timeout` seconds."""
        try:
            await asyncio.wait_for(self._aborted.wait(), timeout)
        except TimeoutError:
            pass

    def check(self) -> None:
        """Raise JobAborted when the job was aborted (call between units of work)."""
        if self._aborted.is_set():
            raise JobAborted(self.abort_err or USER_ABORT)

    def finish(self) -> None:
        """Mark the job ended now (idempotent)."""
        if self.end_ns == 0:
            self.end_ns = max(self._clock(), self.start_ns + 1)

    # ---- views ----

    def snapshot(self) -> JobSnapshot:
        """This node's snapshot of the job."""
        return JobSnapshot(
            job_id=self.job_id,
            kind=self.kind,
            start_ns=self.start_ns,
            end_ns=self.end_ns,
            bucket=self.bucket,
            src_bucket=self.src_bucket,
            dst_bucket=self.dst_bucket,
            ctlmsg=self.ctlmsg,
            err=self.err,
            abort_err=self.abort_err,
            aborted=self.aborted,
            is_idle=self.finished or self.idle,
            stats=self.counters.to_stats(),
            ext=dict(self.ext) if self.ext is not None else None,
            workers=self.workers,
        )

    def status(self) -> JobStatus:
        """This node's terminal status of the job."""
        return JobStatus(self.job_id, self.kind, self.err, self.end_ns, self.aborted, self.finished)

    def __repr__(self) -> str:
        return f"{self.kind}[{self.job_id}]"
