"""One real cluster for the hostile-input tests of a module, with a bucket, objects and a shard."""

from collections.abc import Iterator

import pytest

from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="module")
def hostile_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A proxy and two targets of the module's own (hostile requests may change what it holds)."""
    running = LocalCluster(tmp_path_factory.mktemp("hostile"), port=0, targets=2)
    try:
        running.start()
        yield running
    finally:
        running.stop()
