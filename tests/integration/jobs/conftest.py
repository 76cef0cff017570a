"""Fixtures for the jobs tests: SDK clients on the shared cluster and throwaway bucket names."""

from collections.abc import Callable, Iterator

import pytest
from aistore.sdk import Client as OfficialClient
from jobs_it_support import official_client, unique_name

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="session")
def endpoint(cluster: LocalCluster) -> str:
    """The shared cluster's proxy URL."""
    return cluster.endpoint


@pytest.fixture(scope="session")
def client(cluster: LocalCluster) -> Client:
    """Our SDK on the shared cluster."""
    return Client(cluster.endpoint)


@pytest.fixture(scope="session")
def official(cluster: LocalCluster) -> OfficialClient:
    """The official SDK on the shared cluster."""
    return official_client(cluster.endpoint)


@pytest.fixture()
def bucket_names(client: Client) -> Iterator[Callable[[str], str]]:
    """Fresh bucket names; each bucket of that name is destroyed after the test (if it exists)."""
    made: list[str] = []

    def name(tag: str = "b") -> str:
        made.append(unique_name(tag))
        return made[-1]

    yield name
    for bucket in made:
        client.bucket(bucket).delete(missing_ok=True)


@pytest.fixture()
def make_bucket(client: Client, bucket_names: Callable[[str], str]) -> Callable[[str], str]:
    """Create a fresh ais bucket and return its name (destroyed after the test)."""

    def make(tag: str = "b") -> str:
        name = bucket_names(tag)
        client.bucket(name).create()
        return name

    return make
