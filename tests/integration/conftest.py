"""Real clusters for integration tests: processes on loopback, free ports, temporary data dirs."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """One proxy and two targets shared by the session (tests use their own buckets)."""
    data = tmp_path_factory.mktemp("cluster")
    running = LocalCluster(data, port=0, targets=2)
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture()
def private_cluster(tmp_path: Path) -> Iterator[LocalCluster]:
    """A cluster of its own, for tests that restart or kill nodes."""
    running = LocalCluster(tmp_path / "data", port=0, targets=2)
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def promote_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The promote root of `promote_cluster` (files under it may become objects)."""
    return tmp_path_factory.mktemp("promote-root")


@pytest.fixture(scope="module")
def promote_cluster(tmp_path_factory: pytest.TempPathFactory, promote_root: Path) -> Iterator[LocalCluster]:
    """One proxy and two targets whose promote root is `promote_root`, per module."""
    data = tmp_path_factory.mktemp("promote") / "data"
    with LocalCluster(data, port=0, targets=2, env={"PYAISTORE_PROMOTE_ROOT": str(promote_root)}) as running:
        yield running
