"""A target with extra HTTP worker processes: inline ETL GETs work whichever process takes them."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from etl_it_support import etl_name, quick_client

from pyaistore.sdk.errors import AISError
from pyaistore.server.local_cluster import LocalCluster


def _upper(data: bytes) -> bytes:
    return data.upper()


@pytest.fixture()
def worker_cluster(tmp_path: Path) -> Iterator[LocalCluster]:
    running = LocalCluster(tmp_path / "data", port=0, targets=1, http_workers=3)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def test_inline_etl_on_every_http_worker(worker_cluster: LocalCluster) -> None:
    client = quick_client(worker_cluster.endpoint)
    bucket = client.bucket("etl-workers")
    bucket.create()
    for index in range(10):
        bucket.object(f"o{index}").put(content=f"object {index}".encode())
    name = etl_name("workers")
    client.etl(name).init_code(_upper)
    # Fresh connections land on any of the three processes accepting on the target's socket.
    for _ in range(3):
        for index in range(10):
            fresh = quick_client(worker_cluster.endpoint)
            got = fresh.bucket("etl-workers").object(f"o{index}").get(etl_id=name).read_all()
            assert got == f"OBJECT {index}".encode()
    client.etl(name).stop()
    with pytest.raises(AISError):
        quick_client(worker_cluster.endpoint).bucket("etl-workers").object("o1").get(etl_id=name).read_all()
