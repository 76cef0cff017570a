"""A daemon learns that its launcher is gone when the lifeline pipe reaches end-of-file."""

import asyncio
import os
import subprocess
import sys

from pyaistore.server import lifeline
from pyaistore.server.lifeline import Lifeline


def test_watch_fires_once_the_write_end_is_closed() -> None:
    async def scenario() -> list[str]:
        read_fd, write_fd = os.pipe()
        events: list[str] = []
        lost = asyncio.Event()

        def on_lost() -> None:
            events.append("lost")
            lost.set()

        lifeline.watch(read_fd, on_lost)
        await asyncio.sleep(0.05)
        events.append("still here")
        os.close(write_fd)
        await asyncio.wait_for(lost.wait(), 5)
        os.close(read_fd)
        return events

    assert asyncio.run(scenario()) == ["still here", "lost"]


def test_a_child_sees_the_read_end_only() -> None:
    line = Lifeline()
    try:
        code = f"import os; os.fstat({line.fd}); print(os.read({line.fd}, 1) == b'')"
        child = subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, pass_fds=(line.fd,)
        )
        line.close()  # the launcher goes: the child's read returns end-of-file at once
        out, _ = child.communicate(timeout=30)
        assert out.strip() == "True"
        assert line.args() == [lifeline.FLAG, str(line.fd)]
    finally:
        line.close()
