"""Fixtures for the S3 tests: boto3 on the shared cluster, and buckets made and removed per test."""

from collections.abc import Callable, Iterator
from typing import Any, Protocol

import pytest
import s3_it_support


class ClusterLike(Protocol):
    """What these tests need from the `cluster` fixture (tests/integration/conftest.py)."""

    @property
    def endpoint(self) -> str: ...


@pytest.fixture(scope="session")
def s3(cluster: ClusterLike) -> Any:
    """A boto3 client for the shared cluster's /s3 (no key pair configured: any signature passes)."""
    return s3_it_support.client(cluster.endpoint + "/s3")


@pytest.fixture()
def make_bucket(s3: Any) -> Iterator[Callable[[], str]]:
    """A factory of fresh buckets (created through S3), each removed after the test."""
    made: list[str] = []

    def make() -> str:
        name = str(s3_it_support.unique_bucket())
        s3.create_bucket(Bucket=name)
        made.append(name)
        return name

    yield make
    for name in made:
        try:
            s3.delete_bucket(Bucket=name)
        except s3.exceptions.NoSuchBucket:
            pass


@pytest.fixture()
def bucket(make_bucket: Callable[[], str]) -> str:
    """A fresh bucket, removed after the test."""
    return make_bucket()
