"""Fixtures for the CLI tests: the command bound to the shared cluster, an SDK client, fresh buckets."""

from collections.abc import Iterator

import pytest
from cli_it_support import CliRun, unique_name

from pyaistore.sdk import Bucket, Client
from pyaistore.sdk.errors import AISError
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


@pytest.fixture()
def other_bucket(client: Client) -> Iterator[Bucket]:
    """A bucket name not in use yet (not created), destroyed after the test if something made it."""
    named = client.bucket(unique_name("dst"))
    yield named
    named.delete(missing_ok=True)


@pytest.fixture()
def etls(client: Client) -> Iterator[list[str]]:
    """Names of ETLs a test defines (append them); each is stopped and deleted afterwards."""
    names: list[str] = []
    yield names
    for name in names:
        for step in (client.etl(name).stop, client.etl(name).delete):
            try:
                step()
            except AISError:
                pass
