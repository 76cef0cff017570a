"""Ending child processes: SIGTERM first, SIGKILL for what outlives a grace period."""

import subprocess
import time
from collections.abc import Sequence
from typing import Final

__all__ = ["terminate"]

# Shortest wait given to each process once the shared deadline has passed, so that one that
# exits right on time is still reaped without a SIGKILL.
_LAST_LOOK_S: Final = 0.05


def terminate(procs: Sequence[subprocess.Popen[bytes]], grace_s: float) -> None:
    """Blocking: SIGTERM every live process, wait up to `grace_s` in all, SIGKILL and reap what lingers."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + grace_s
    for proc in procs:
        try:
            proc.wait(timeout=max(_LAST_LOOK_S, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
