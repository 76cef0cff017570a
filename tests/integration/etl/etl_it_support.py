"""Helpers for the ETL integration tests (a module with a unique name, so tests can import it)."""

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from pyaistore.sdk import Client
from pyaistore.sdk.bucket import Bucket
from pyaistore.sdk.errors import AISError
from pyaistore.sdk.retry_config import RetryConfig

T = TypeVar("T")


def etl_name(tag: str) -> str:
    """An ETL name no other test uses (6-32 characters of a-z, 0-9, '-')."""
    return f"it-{tag}-{secrets.token_hex(3)}"


def quick_client(endpoint: str) -> Client:
    """A client that does not repeat 5xx answers, so failures surface at once."""
    return Client(endpoint, retry_config=RetryConfig.no_retries(), timeout=(5, 60))


@contextmanager
def new_bucket(client: Client, tag: str) -> Iterator[Bucket]:
    """A fresh bucket, destroyed afterwards."""
    bucket = client.bucket(f"etl-{tag}-{secrets.token_hex(4)}")
    bucket.create()
    try:
        yield bucket
    finally:
        bucket.delete(missing_ok=True)


@contextmanager
def running_etl(client: Client, name: str, init: Callable[[], object]) -> Iterator[str]:
    """Run `init`, yield the ETL's name, then stop and delete it whatever happened."""
    init()
    try:
        yield name
    finally:
        for step in (client.etl(name).stop, client.etl(name).delete):
            try:
                step()
            except AISError:
                pass


def eventually(check: Callable[[], T], timeout: float = 30.0, pause: float = 0.2) -> T:
    """Call `check` until it returns without raising (AssertionError, AISError, OSError)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except (AssertionError, AISError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(pause)
