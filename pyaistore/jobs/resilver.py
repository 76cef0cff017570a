"""The bodies of resilver and make-n-copies: one target's local walk, never moving data between nodes.

Both are `storage.resilver` walks (every object reconciled under its lock: moved to its HRW
mountpath, copies made or removed), blocking, so they run in a worker thread. The job's abort
flag is checked between objects and its counters follow the walk: `loc-objs`/`loc-bytes` are the
objects changed and the bytes written (reference section 3.2). Objects the walk had to skip
(corrupt metadata, conflicting names) are reported as one error; a disk failing midway raises
MountpathUnavailable for the caller to handle (disable the disk, resilver again).
"""

import asyncio
from collections.abc import Callable

from pyaistore.jobs.job import Job
from pyaistore.storage.resilver import ResilverStats

__all__ = ["Walk", "run"]

# A walk: (abort check, progress callback) -> final totals (storage.resilver.resilver, bound).
Walk = Callable[[Callable[[], bool], Callable[[ResilverStats], None]], ResilverStats]


async def run(job: Job, walk: Walk) -> None:
    """Run `walk` in a thread, its running totals feeding the job's counters; JobAborted if aborted."""

    def progress(stats: ResilverStats) -> None:
        job.counters.loc_objs = stats.moved
        job.counters.loc_bytes = stats.bytes_moved

    stats = await asyncio.to_thread(walk, lambda: job.aborted, progress)
    progress(stats)
    if stats.errors:
        noun = "object" if stats.errors == 1 else "objects"
        job.add_error(
            f"{stats.errors} {noun} skipped (corrupt metadata or a name conflict between mountpaths)"
        )
    job.check()
