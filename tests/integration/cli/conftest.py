"""Fixtures for the CLI tests: the command bound to the shared cluster, an SDK client, fresh buckets."""

from collections.abc import Iterator

import pytest
from cli_it_support import CliRun, unique_name

from pyaistore.sdk import Bucket, Client
from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="session")
def run(cluster: LocalCluster) -> CliRun:
    """`pyaistore --endpoint <shared cluster> ...`, in-process."""
    return CliRun(cluster.endpoint)


@pytest.fixture(scope="session")
def client(cluster: LocalCluster) -> Client:
    """An SDK client for setting up and checking what the CLI did."""
    return Client(cluster.endpoint)


@pytest.fixture()
def bucket(client: Client) -> Iterator[Bucket]:
    """A fresh ais bucket, destroyed after the test."""
    made = client.bucket(unique_name()).create()
    yield made
    made.delete(missing_ok=True)
