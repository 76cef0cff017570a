"""terminate over real processes: SIGTERM ends the willing, SIGKILL the rest after the grace."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from pyaistore.process_termination import terminate

# Sets SIG_IGN for SIGTERM, then says so, so the test never signals it before it is deaf.
_IGNORES_SIGTERM = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('ready', flush=True)\n"
    "time.sleep(60)\n"
)


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts; any still running at the end are killed and reaped."""
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _sleeper(started: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(["sleep", "60"])
    started.append(proc)
    return proc


def _deaf(started: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", _IGNORES_SIGTERM], stdout=subprocess.PIPE)
    started.append(proc)
    assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
    return proc


def test_sigterm_ends_a_willing_process_without_waiting_the_grace(
    started: list[subprocess.Popen[bytes]],
) -> None:
    sleeper = _sleeper(started)
    began = time.monotonic()
    terminate([sleeper], grace_s=30.0)
    assert sleeper.returncode == -signal.SIGTERM
    assert time.monotonic() - began < 10.0


def test_a_process_deaf_to_sigterm_is_killed_after_the_grace(started: list[subprocess.Popen[bytes]]) -> None:
    deaf, sleeper = _deaf(started), _sleeper(started)
    began = time.monotonic()
    terminate([deaf, sleeper], grace_s=0.5)
    elapsed = time.monotonic() - began
    assert deaf.returncode == -signal.SIGKILL
    assert sleeper.returncode == -signal.SIGTERM
    assert 0.5 <= elapsed < 10.0


def test_processes_already_gone_are_left_as_they_ended(started: list[subprocess.Popen[bytes]]) -> None:
    reaped = subprocess.Popen(["true"])
    started.append(reaped)
    reaped.wait()
    unreaped = subprocess.Popen(["false"])
    started.append(unreaped)
    # Wait for it to exit but leave it a zombie, so terminate is the one to reap it.
    os.waitid(os.P_PID, unreaped.pid, os.WEXITED | os.WNOWAIT)
    terminate([reaped, unreaped], grace_s=0.5)
    assert reaped.returncode == 0
    assert unreaped.returncode == 1
