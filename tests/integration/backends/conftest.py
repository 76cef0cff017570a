"""Session fixtures of the backend tests: every stand-in and one cluster that reaches them all
(stand_ins_cluster_it_support.py), each cloud in turn, and a fresh bucket per test."""

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from clouds_it_support import Cloud
from stand_ins_cluster_it_support import PROVIDERS, StandIns

from pyaistore.sdk import Bucket, Client


@pytest.fixture(scope="session")
def stand_ins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandIns]:
    """Every stand-in and the cluster under test, for the whole session."""
    with ExitStack() as stack:
        yield StandIns(stack, tmp_path_factory.mktemp("backends"))


@pytest.fixture(scope="session")
def client(stand_ins: StandIns) -> Client:
    """An SDK client of the cluster under test."""
    found: Client = stand_ins.client
    return found


@pytest.fixture(params=PROVIDERS)
def cloud(request: pytest.FixtureRequest, stand_ins: StandIns) -> Cloud:
    """Each stand-in in turn."""
    return stand_ins.cloud(str(request.param))


@pytest.fixture()
def bucket(cloud: Cloud, client: Client) -> tuple[str, Bucket]:
    """A new bucket at the stand-in (name) and the cluster's view of it."""
    name = cloud.new_bucket()
    return name, cloud.sdk_bucket(client, name)
