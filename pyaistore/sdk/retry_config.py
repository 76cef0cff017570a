"""Retry policy: HTTP status retries (urllib3) and network retries (our own loop).

Two layers, as in the official SDK:

1. `http_retry` (a `urllib3.Retry`) repeats a request that got 429, 502, 503 or 504: rate limits,
   a node that is busy or not ready, a gateway that could not reach its target. Retrying can fix
   those. It does not repeat a 500: a cluster answers 500 for a failure that the same request
   meets again (a bug, or an ETL transform that raised), and repeating it would run a failing
   transform six times and keep the caller waiting half a minute for the same error. It runs
   inside the connection pool, so it repeats the request to the node that answered (proxy or
   target). It is built with `raise_on_status=False`: when it gives up, the last answer is
   returned and becomes an `AISError` like any other error status.
2. `network_retry` repeats the whole request, starting again at the proxy, when the network
   failed (connection refused or reset, timeouts, a broken chunked body). Any callable that
   takes a zero-argument function and returns its result works here, so a
   `tenacity.Retrying` object from code written for the official SDK fits as well.
"""

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, TypeVar

import requests
from urllib3.util.retry import Retry

__all__ = ["NETWORK_RETRY_EXCEPTIONS", "NetworkRetry", "NetworkRetryPolicy", "RetryConfig"]

_T = TypeVar("_T")
_LOG = logging.getLogger(__name__)

# Failures worth repeating from the proxy: the node went away or the network broke.
NETWORK_RETRY_EXCEPTIONS: Final[tuple[type[BaseException], ...]] = (
    requests.ConnectionError,  # includes ConnectTimeout
    requests.ReadTimeout,
    requests.exceptions.ChunkedEncodingError,
)
# Statuses a cluster uses for transient conditions: rate limits, unavailability, gateway failures.
# Not 500, which is deterministic (see the module docstring), unlike the official SDK's list.
RETRY_STATUSES: Final = (429, 502, 503, 504)


class NetworkRetryPolicy(Protocol):
    """Anything that runs a function and repeats it on network failure."""

    def __call__(self, fn: Callable[[], _T]) -> _T: ...


@dataclass(frozen=True, slots=True)
class NetworkRetry:
    """Repeat a call on network failures with randomised exponential backoff.

    Args:
        max_attempts: total attempts, the first included.
        min_wait: lower bound of a pause, in seconds.
        max_wait: upper bound of a pause, in seconds.
        exceptions: the exception types that trigger another attempt.
    """

    max_attempts: int = 5
    min_wait: float = 0.5
    max_wait: float = 10.0
    exceptions: tuple[type[BaseException], ...] = NETWORK_RETRY_EXCEPTIONS

    def __call__(self, fn: Callable[[], _T]) -> _T:
        """Run `fn`, repeating it after a pause while it raises one of `exceptions`."""
        attempt = 1
        while True:
            try:
                return fn()
            except requests.exceptions.SSLError:
                raise  # a certificate that does not verify will not verify on the next attempt
            except self.exceptions as exc:
                if attempt >= self.max_attempts:
                    raise
                pause = self.pause(attempt)
                _LOG.warning(
                    "attempt %d/%d failed (%s); retrying in %.1fs", attempt, self.max_attempts, exc, pause
                )
                time.sleep(pause)
                attempt += 1

    def pause(self, attempt: int) -> float:
        """Seconds to wait after the given failed attempt: random, growing exponentially."""
        ceiling = min(self.max_wait, self.min_wait * 2 ** (attempt - 1))
        return random.uniform(self.min_wait, max(self.min_wait, ceiling))


def _default_http_retry() -> Retry:
    """429/502/503/504 retries: 5 more tries, pauses 0, 2, 4, 8, 16 s; connection errors are left to
    NetworkRetry, and other errors (a certificate that does not verify) are not retried."""
    return Retry(
        total=5,
        connect=0,
        read=0,
        other=0,
        backoff_factor=1.0,
        status_forcelist=RETRY_STATUSES,
        raise_on_status=False,
        respect_retry_after_header=True,
    )


@dataclass
class RetryConfig:
    """Both retry layers of a client.

    Args:
        http_retry: status-based retries done by urllib3 (see the module docstring).
        network_retry: network-failure retries; a `NetworkRetry` or any compatible callable.
    """

    http_retry: Retry = field(default_factory=_default_http_retry)
    network_retry: NetworkRetryPolicy | Any = field(default_factory=NetworkRetry)

    @staticmethod
    def default() -> "RetryConfig":
        """The default policy."""
        return RetryConfig()

    @staticmethod
    def no_retries() -> "RetryConfig":
        """A policy that never repeats a request (useful for health probes and tests)."""
        return RetryConfig(http_retry=Retry(total=0, raise_on_status=False), network_retry=NetworkRetry(1))
