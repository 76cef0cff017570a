"""Fixtures for the archive tests: the official SDK and plain requests against the shared cluster."""

from collections.abc import Iterator

import pytest
import requests
from aistore.sdk import Client
from aistore.sdk.bucket import Bucket
from archive_it_support import no_retry_client, unique_bucket_name

from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="session")
def ais(cluster: LocalCluster) -> Client:
    """The official aistore SDK, without retries."""
    return no_retry_client(cluster.endpoint)


@pytest.fixture(scope="session")
def http() -> Iterator[requests.Session]:
    """A plain requests session."""
    with requests.Session() as session:
        yield session


@pytest.fixture()
def bucket(ais: Client) -> Iterator[Bucket]:
    """A fresh ais bucket, destroyed afterwards."""
    created = ais.bucket(unique_bucket_name())
    created.create()
    yield created
    created.delete(missing_ok=True)


@pytest.fixture()
def object_url(cluster: LocalCluster, bucket: Bucket) -> str:
    """The proxy URL of objects in `bucket`, without the object name."""
    return f"{cluster.endpoint}/v1/objects/{bucket.name}/"
