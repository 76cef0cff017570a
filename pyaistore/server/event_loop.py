"""Run a node's coroutine on the configured event loop (asyncio's own, or uvloop when installed)."""

import asyncio
from collections.abc import Coroutine
from typing import Any, Final

ASYNCIO: Final = "asyncio"
UVLOOP: Final = "uvloop"


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
    asyncio.run(main)
