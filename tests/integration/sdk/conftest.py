"""Fixtures for SDK integration tests: our client on the shared cluster, and throwaway buckets."""

from collections.abc import Callable, Iterator

import pytest
from sdk_it_support import ClusterLike, unique_name

from pyaistore.sdk import Bucket, Client


@pytest.fixture(scope="session")
def client(cluster: ClusterLike) -> Client:
    """A pyaistore SDK client for the shared cluster's proxy."""
    return Client(cluster.endpoint)


@pytest.fixture()
def make_bucket(client: Client) -> Iterator[Callable[[], Bucket]]:
    """A factory of fresh ais buckets; each one it made is destroyed after the test."""
    made: list[Bucket] = []

    def make() -> Bucket:
        bucket = client.bucket(unique_name()).create()
        made.append(bucket)
        return bucket

    yield make
    for bucket in made:
        bucket.delete(missing_ok=True)


@pytest.fixture()
def bucket(make_bucket: Callable[[], Bucket]) -> Bucket:
    """A fresh, uniquely named ais bucket, destroyed after the test."""
    return make_bucket()
