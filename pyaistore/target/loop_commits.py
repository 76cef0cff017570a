"""Waiting for the group commit from an event loop: a future per write, no thread parked.

The commit queue (storage/commit_queue.py) tells a `Waker` from its flusher thread when a batch
is done; this one settles the futures it was given on their loop with a single
`call_soon_threadsafe` per batch (one wake-up of the loop however many writes the flush served).
Requests do not wake the flusher one by one: the waker kicks each queue asked during a pass of
the loop once, in a callback that runs after every callback of that pass, so the writes the loop
advanced together are flushed together.
"""

import asyncio
import weakref
from collections.abc import Callable

from pyaistore.storage.commit_queue import CommitQueue, Waker, waiter_error

__all__ = ["LoopWaker", "flushed"]

_wakers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopWaker]" = weakref.WeakKeyDictionary()
_last: "LoopWaker | None" = None  # the waker last used (one loop per process, as a rule)


class LoopWaker:
    """Settles futures of one event loop from the flusher thread."""

    __slots__ = ("__weakref__", "_queues", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Futures given to this waker belong to `loop`."""
        self.loop = loop
        self._queues: list[CommitQueue] = []  # to kick at the end of this loop iteration

    def asked(self, queue: CommitQueue) -> None:
        """A request was queued in `queue`: kick it once the loop's current pass is over."""
        queues = self._queues
        if not queues:
            self.loop.call_soon(self._kick)
        if queue not in queues:
            queues.append(queue)

    def _kick(self) -> None:
        queues, self._queues = self._queues, []
        for queue in queues:
            queue.kick()

    def wake(self, tokens: list[object], error: BaseException | None) -> None:
        """From the flusher thread: settle the futures `tokens` on their loop (once per batch)."""
        try:
            self.loop.call_soon_threadsafe(_settle, tokens, error)
        except RuntimeError:  # the loop is closed: nobody is left waiting
            pass


def _settle(tokens: list[object], error: BaseException | None) -> None:
    for token in tokens:
        assert isinstance(token, asyncio.Future)
        if token.done():  # cancelled meanwhile
            continue
        if error is None:
            token.set_result(None)
        else:
            token.set_exception(waiter_error(error))


async def flushed(ask: Callable[[Waker, object], bool]) -> None:
    """Ask for a flush with `ask(waker, token)` and wait until it is done (it raises if it failed).

    `ask` returns False when there is nothing to wait for.
    """
    global _last
    loop = asyncio.get_running_loop()
    waker = _last
    if waker is None or waker.loop is not loop:
        waker = _wakers.get(loop)
        if waker is None:
            waker = _wakers[loop] = LoopWaker(loop)
        _last = waker
    future: asyncio.Future[None] = loop.create_future()
    if ask(waker, future):
        await future
