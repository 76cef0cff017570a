"""Helpers for the SDK integration tests (a module with a unique name, so tests can import it).

`needs_remote_buckets` marks tests of remote (cloud) buckets, which the cluster does not serve
yet: the SDK already sends the documented request, the cluster refuses it, and the test is an
expected failure. It is strict: once remote buckets land, the test passes, XPASS fails the run,
and the marker must go.
"""

import secrets
from typing import Protocol

import pytest

from pyaistore.sdk.errors import AISError

needs_remote_buckets: pytest.MarkDecorator = pytest.mark.xfail(
    raises=(AISError, AssertionError, pytest.fail.Exception),
    strict=True,
    reason="remote (cloud) buckets are not served yet: evict and prefetch are refused",
)


class ClusterLike(Protocol):
    """What these tests need from the `cluster` fixture (tests/integration/conftest.py)."""

    @property
    def endpoint(self) -> str: ...


def unique_name(tag: str = "b") -> str:
    """A bucket name no other test uses."""
    return f"sdk-{tag}-{secrets.token_hex(5)}"
