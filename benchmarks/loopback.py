"""Loopback helpers shared by the benchmarks: free ports and readiness polling."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import requests

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def wait_for_http_ok(url: str, timeout_s: float, alive: Callable[[], bool] | None = None) -> None:
    """Poll GET url until it answers 200, or raise TimeoutError after timeout_s seconds.

    `alive`, if given, is a callable returning False once the server process has died.
    """
    deadline = time.monotonic() + timeout_s
    last_error = "no answer"
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise RuntimeError(f"server process exited while waiting for {url}")
        try:
            response = requests.get(url, timeout=2)
            if response.status_code == 200:
                return
            last_error = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            last_error = type(exc).__name__
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {timeout_s:.0f}s ({last_error})")
