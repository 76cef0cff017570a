"""Run a node's coroutine on the configured event loop (asyncio's own, or uvloop when installed)."""

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

ASYNCIO: Final = "asyncio"
UVLOOP: Final = "uvloop"
# Threads for blocking calls (asyncio.to_thread). asyncio's default, cpus + 4, caps the durable
# PUTs in flight at 6 on 2 cores: too few for the group commit to gather a batch while a flush
# runs. Most of these threads wait on the disk, not on the CPU.
BLOCKING_THREADS: Final = 64


def run(main: Coroutine[Any, Any, None], kind: str) -> None:
    """asyncio.run on the chosen loop; SystemExit with a clear message for an unknown or missing one."""
    if kind == UVLOOP:
        try:
            import uvloop
        except ImportError:
            main.close()
            raise SystemExit(
                "event loop 'uvloop' requested but uvloop is not installed: pip install uvloop"
            ) from None
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    elif kind != ASYNCIO:
        main.close()
        raise SystemExit(f"unknown event loop {kind!r}: use {ASYNCIO!r} or {UVLOOP!r}")
    asyncio.run(_with_executor(main))


async def _with_executor(main: Coroutine[Any, Any, None]) -> None:
    """Give the loop a default executor of BLOCKING_THREADS threads, then run `main` on it."""
    executor = ThreadPoolExecutor(BLOCKING_THREADS, thread_name_prefix="blocking")
    asyncio.get_running_loop().set_default_executor(executor)
    await main
