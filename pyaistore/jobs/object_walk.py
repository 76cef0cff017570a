"""Walking the objects of a job: which names (this node's share of a selection) and a bounded worker pool.

A selection (jobs reference §2.1) is a list of names, a template, or a prefix. Each node handles
the listed or templated names it owns by HRW, and under a prefix the objects it holds, so every
object is handled once, by the node that has it.
"""

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from typing import Final, Protocol

from pyaistore.jobs import templates
from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.jobs.job import Job
from pyaistore.jobs.node_ops import NodeObjects
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.multi_object import ListRange

__all__ = [
    "DEFAULT_WORKERS",
    "PAGE",
    "LocalNames",
    "for_each",
    "local_names",
    "selected_names",
    "worker_count",
]

DEFAULT_WORKERS: Final = 16
MAX_WORKERS: Final = 256
PAGE: Final = 1000


def worker_count(requested: int) -> int:
    """num-workers: 0 = the default, -1 (or any negative) = serial, >0 = that many (capped)."""
    if requested == 0:
        return DEFAULT_WORKERS
    if requested < 0:
        return 1
    return min(requested, MAX_WORKERS)


class LocalNames(Protocol):
    """A node that pages through the names of the objects it holds."""

    async def local_names(
        self, bucket: BucketId, prefix: str, after: str, limit: int, recursive: bool
    ) -> list[str]:
        """Up to `limit` names of objects this node holds, > `after`, in name order."""
        ...


async def local_names(
    ops: LocalNames, bucket: BucketId, prefix: str, recursive: bool = True
) -> AsyncIterator[str]:
    """Every object this node holds under the prefix, in pages (names only, never directories)."""
    after = ""
    while True:
        page = await ops.local_names(bucket, prefix, after, PAGE, recursive)
        for name in page:
            yield name
        if len(page) < PAGE:
            return
        after = page[-1]


async def selected_names(
    ops: NodeObjects, bucket: BucketId, selection: ListRange, recursive: bool = True
) -> AsyncIterator[str]:
    """This node's share of a selection: owned listed/templated names, or held names under a prefix."""
    if selection.names is not None:
        for name in selection.names:
            if ops.owns(bucket, name):
                yield name
        return
    parsed = templates.parse(selection.template)
    if not parsed.is_range:
        async for name in local_names(ops, bucket, parsed.prefix, recursive):
            yield name
        return
    for index, name in enumerate(parsed.names()):
        if ops.owns(bucket, name):
            yield name
        if index % PAGE == PAGE - 1:
            await asyncio.sleep(0)  # a huge template must not starve the event loop


def check_selection(selection: ListRange) -> None:
    """Validate a selection before any node starts (InvalidJobRequest for a bad template)."""
    if selection.names is None:
        templates.parse(selection.template)
    elif not selection.names:
        raise InvalidJobRequest("empty list of object names")


async def for_each_page(
    job: Job, names: AsyncIterable[str], size: int, work: Callable[[list[str]], Awaitable[None]]
) -> None:
    """Run `work(page)` on the names in pages of up to `size`, one page at a time (abort checked between)."""
    page: list[str] = []
    async for name in names:
        page.append(name)
        if len(page) == size:
            job.check()
            await work(page)
            page = []
    if page:
        job.check()
        await work(page)


async def for_each(
    job: Job, names: AsyncIterable[str], workers: int, work: Callable[[str], Awaitable[None]]
) -> None:
    """Run `work(name)` for every name with at most `workers` at once.

    The first exception from `work` stops the walk (names not yet started are skipped) and is
    raised once the running ones are done; an abort stops it too (JobAborted from job.check()).
    """
    job.workers = workers
    queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=workers * 4)
    failures: list[Exception] = []

    async def worker() -> None:
        while (name := await queue.get()) is not None:
            if failures or job.aborted:
                continue  # drain
            try:
                await work(name)
            except Exception as exc:
                failures.append(exc)

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        async for name in names:
            if failures or job.aborted:
                break
            await queue.put(name)
        for _ in tasks:
            await queue.put(None)
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
    if failures:
        raise failures[0]
    job.check()
