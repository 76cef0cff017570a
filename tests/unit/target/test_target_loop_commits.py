"""loop_commits: coroutines wait for the group commit with futures; one pass of the loop, one flush."""

import asyncio
import errno
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from pyaistore.storage.commit_queue import CommitQueue, Flushers, Waker
from pyaistore.target import loop_commits


class Disk:
    """Flush functions that record what they flush, from which thread, and can fail."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []
        self.threads: set[str] = set()
        self.fail_with: OSError | None = None

    def flushers(self) -> Flushers:
        def record(kind: str) -> Callable[[object], None]:
            def flush(target: object) -> None:
                self.calls.append((kind, target))
                self.threads.add(threading.current_thread().name)
                if self.fail_with is not None:
                    raise self.fail_with

            return flush

        return Flushers(file=record("file"), directory=record("dir"), filesystem=record("fs"))


def _file_request(queue: CommitQueue, fd: int) -> Callable[[Waker, object], bool]:
    def ask(waker: Waker, token: object) -> bool:
        queue.notify_file(fd, waker, token)
        return True

    return ask


async def _write_then_flush(queue: CommitQueue, fd: int, order: list[str]) -> None:
    order.append(f"asked {fd}")
    await loop_commits.flushed(_file_request(queue, fd))
    order.append(f"durable {fd}")


def test_requests_made_in_one_pass_share_one_flush(tmp_path: Path) -> None:
    disk = Disk()
    queue = CommitQueue(tmp_path, disk.flushers(), syncfs_at=2)

    async def main() -> list[str]:
        order: list[str] = []
        await asyncio.gather(*(_write_then_flush(queue, fd, order) for fd in range(10, 18)))
        return order

    try:
        order = asyncio.run(main())
    finally:
        queue.close()
    assert order[:8] == [f"asked {fd}" for fd in range(10, 18)]  # all asked before any is durable
    assert sorted(order[8:]) == sorted(f"durable {fd}" for fd in range(10, 18))
    assert queue.batches == 1 and queue.requests == 8
    assert disk.calls == [("fs", tmp_path)]  # one syncfs for the eight writes
    assert disk.threads == {f"commit {tmp_path}"}  # flushed by the queue's thread, not the loop's


def test_a_request_of_a_later_pass_gets_a_flush_of_its_own(tmp_path: Path) -> None:
    disk = Disk()
    queue = CommitQueue(tmp_path, disk.flushers(), syncfs_at=2)

    async def main() -> None:
        await loop_commits.flushed(_file_request(queue, 30))
        await loop_commits.flushed(_file_request(queue, 31))  # asked after the first was durable

    try:
        asyncio.run(main())
    finally:
        queue.close()
    assert disk.calls == [("file", 30), ("file", 31)] and queue.batches == 2


def test_a_failed_flush_raises_in_every_waiting_coroutine(tmp_path: Path) -> None:
    disk = Disk()
    disk.fail_with = OSError(errno.EIO, "Input/output error")
    queue = CommitQueue(tmp_path, disk.flushers(), syncfs_at=2)

    async def main() -> list[BaseException | None]:
        results = await asyncio.gather(
            *(loop_commits.flushed(_file_request(queue, fd)) for fd in (40, 41)), return_exceptions=True
        )
        return list(results)

    try:
        errors = asyncio.run(main())
    finally:
        queue.close()
    assert len(errors) == 2
    for error in errors:
        assert isinstance(error, OSError) and error.errno == errno.EIO
        assert error.__cause__ is disk.fail_with
    assert errors[0] is not errors[1]  # each waiter its own copy


def test_nothing_to_wait_for_returns_without_a_flush(tmp_path: Path) -> None:
    disk = Disk()
    queue = CommitQueue(tmp_path, disk.flushers())
    try:
        asyncio.run(loop_commits.flushed(lambda waker, token: False))
    finally:
        queue.close()
    assert disk.calls == [] and queue.batches == 0


@pytest.mark.parametrize("passes", [1, 3])
def test_requests_spread_over_passes_are_all_durable(tmp_path: Path, passes: int) -> None:
    disk = Disk()
    queue = CommitQueue(tmp_path, disk.flushers(), syncfs_at=2)

    async def main() -> None:
        async def later(fd: int, skip: int) -> None:
            for _ in range(skip):
                await asyncio.sleep(0)  # a later pass of the loop
            await loop_commits.flushed(_file_request(queue, fd))

        # every pass that asked kicks the queue: none is left waiting for a flush never started
        await asyncio.wait_for(asyncio.gather(*(later(50 + index, index % passes) for index in range(6))), 10)

    try:
        asyncio.run(main())
    finally:
        queue.close()
    # Every request was flushed (a flusher between batches may also take requests not yet kicked,
    # so how they were grouped depends on thread timing).
    assert queue.requests == 6 and disk.calls
