"""Processes as a user runs them: `pyaistore serve`, single daemons, and what /proc says of them."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pyaistore.server.lifeline import Lifeline

SERVE = [sys.executable, "-c", "from pyaistore.cli.main import main; main()", "serve"]
DAEMON = [sys.executable, "-m", "pyaistore.server.daemon"]
UP_LINE = "pyaistore cluster is up"


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (children, grandchildren, ...)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            for child in task.read_text().split():
                found |= {int(child)} | descendants(int(child))
    return found


def is_running(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def command_line(pid: int) -> str:
    """The process's command line, words joined by spaces ("" once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def wait_gone(pids: set[int], timeout: float) -> None:
    """Poll until none of `pids` runs; AssertionError naming the survivors after `timeout`."""
    deadline = time.monotonic() + timeout
    while alive := {pid for pid in pids if is_running(pid)}:
        if time.monotonic() > deadline:
            raise AssertionError(f"still running after {timeout}s: {[command_line(p) for p in alive]}")
        time.sleep(0.05)


def kill_all(pids: set[int]) -> None:
    """SIGKILL whatever of `pids` still runs (a test's last line of defence)."""
    for pid in pids:
        if is_running(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


class Serve:
    """A running `pyaistore serve`: its process and every line it printed so far."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_line(self, text: str, timeout: float) -> str:
        """The first printed line containing `text`, waiting for it at most `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in list(self.lines) if text in line]
            if found:
                return found[0]
            if self.proc.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"serve never printed {text!r}; it printed: {self.lines}")

    def output(self, timeout: float = 30) -> str:
        """Everything printed, once the process has exited."""
        self.proc.wait(timeout=timeout)
        self._reader.join(timeout)
        return "\n".join(self.lines)

    def daemon_pid(self, role: str) -> int:
        """The PID of the serve's daemon of `role` (proxy, or the first target found)."""
        for pid in descendants(self.proc.pid):
            if f"--role {role}" in command_line(pid) and is_running(pid):
                return pid
        raise AssertionError(f"serve runs no {role}")


def start_serve(data: Path, port: int, targets: int = 2) -> Serve:
    """Start `pyaistore serve` (it may fail; see Serve.output)."""
    command = [*SERVE, "--data", str(data), "--port", str(port), "--targets", str(targets)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return Serve(proc)


@contextmanager
def serving(data: Path, port: int, targets: int = 2) -> Iterator[Serve]:
    """Run `pyaistore serve` until it says the cluster is up; always stop it and all it started."""
    serve = start_serve(data, port, targets)
    started: set[int] = set()
    try:
        serve.wait_line(UP_LINE, 60)
        started = descendants(serve.proc.pid)
        yield serve
    finally:
        started |= descendants(serve.proc.pid)
        if serve.proc.poll() is None:
            serve.proc.send_signal(signal.SIGTERM)
            try:
                serve.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                serve.proc.kill()
        kill_all(started)


@contextmanager
def daemon(args: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run one daemon directly (as on its own host), on a lifeline held by this test process."""
    lifeline = Lifeline()
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [*DAEMON, *args, *lifeline.args()],
            stdout=out,
            stderr=subprocess.STDOUT,
            pass_fds=(lifeline.fd,),
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        lifeline.close()
