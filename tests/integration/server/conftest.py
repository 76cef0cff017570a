"""Fixtures for the server tests: an official-SDK client and throwaway buckets on the shared cluster."""

from collections.abc import Callable, Iterator

import pytest
import requests
from aistore.sdk import Client
from aistore.sdk.bucket import Bucket
from official_sdk import no_retry_client, unique_bucket_name

from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="session")
def ais_client(cluster: LocalCluster) -> Client:
    """The official aistore SDK pointed at the shared cluster's proxy."""
    return no_retry_client(cluster.endpoint)


@pytest.fixture(scope="session")
def endpoint(cluster: LocalCluster) -> str:
    """The shared cluster's proxy URL."""
    return cluster.endpoint


@pytest.fixture(scope="session")
def http() -> Iterator[requests.Session]:
    """A plain requests session for raw-protocol checks."""
    with requests.Session() as session:
        yield session


@pytest.fixture()
def make_bucket(ais_client: Client) -> Iterator[Callable[[], Bucket]]:
    """A factory of fresh ais buckets; every bucket it made is destroyed afterwards."""
    made: list[Bucket] = []

    def make() -> Bucket:
        bucket = ais_client.bucket(unique_bucket_name())
        bucket.create()
        made.append(bucket)
        return bucket

    yield make
    for bucket in made:
        bucket.delete(missing_ok=True)


@pytest.fixture()
def bucket(make_bucket: Callable[[], Bucket]) -> Bucket:
    """A fresh ais bucket, destroyed after the test."""
    return make_bucket()
