"""The SDK logs its retries and prints nothing: a script whose cluster is down sees only the error."""

import socket
import subprocess
import sys


def _dead_endpoint() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


SCRIPT = """
import logging, sys
from pyaistore.sdk import Client, NetworkRetry, RetryConfig
if sys.argv[2] == "configured":
    logging.basicConfig(level=logging.WARNING, format="LOG %(name)s %(message)s")
retry = RetryConfig(network_retry=NetworkRetry(max_attempts=3, min_wait=0.01, max_wait=0.02))
try:
    Client(sys.argv[1], retry_config=retry).cluster().get_info()
except Exception as exc:
    print(type(exc).__name__)
"""


def _run(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, _dead_endpoint(), mode], capture_output=True, text=True, timeout=60
    )


def test_retries_are_not_printed_when_the_application_configured_no_logging() -> None:
    result = _run("plain")
    assert result.stdout.strip() == "ConnectionError"
    assert result.stderr == ""


def test_retries_are_in_the_log_when_the_application_wants_it() -> None:
    result = _run("configured")
    assert result.stdout.strip() == "ConnectionError"
    assert "LOG pyaistore.sdk.retry_config attempt 1/3 failed" in result.stderr
