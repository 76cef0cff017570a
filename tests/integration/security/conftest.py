"""One auth cluster per module (`auth_cluster`): client auth on, the AuthN service beside it."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import security_it_support as support

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="module")
def auth_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A proxy and two targets with client auth on, and their AuthN service."""
    running = LocalCluster(
        Path(tmp_path_factory.mktemp("auth")), port=0, targets=2, auth=True, http_workers=2
    )
    try:
        running.start()
        admin = Client(running.endpoint, token=support.admin_token(running))
        admin.bucket(support.BUCKET).create()
        admin.bucket(support.BUCKET).object("o").get_writer().put_content(b"secret bytes")
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def cluster_uuid(auth_cluster: LocalCluster) -> str:
    """The auth cluster's UUID (what tokens name)."""
    admin = Client(auth_cluster.endpoint, token=support.admin_token(auth_cluster))
    return admin.cluster().get_uuid()
