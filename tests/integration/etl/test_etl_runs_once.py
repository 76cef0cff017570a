"""A transform that raises fails the GET once, at once: the SDK's default retry policy does not
repeat a 500, so the user's function runs one time and one error is recorded."""

import time
from pathlib import Path

import pytest
from etl_it_support import etl_name, new_bucket, running_etl

from pyaistore.sdk import Client, ETLConfig
from pyaistore.sdk.errors import AISError
from pyaistore.server.local_cluster import LocalCluster


def test_a_raising_transform_runs_once_and_its_error_arrives_at_once(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    runs = tmp_path / "runs"
    source = (
        "def transform(data):\n"
        f"    with open({str(runs)!r}, 'a') as log:\n"
        "        log.write('ran\\n')\n"
        "    raise ValueError('deliberately broken')\n"
    )
    client = Client(cluster.endpoint)  # the default retry policy, as a user gets it
    name = etl_name("raises")
    with (
        new_bucket(client, "once") as bucket,
        running_etl(client, name, lambda: client.etl(name).init_code(source)),
    ):
        bucket.object("o").get_writer().put_content(b"payload")
        started = time.monotonic()
        with pytest.raises(AISError) as info:
            bucket.object("o").get_reader(etl=ETLConfig(name)).read_all()
        elapsed = time.monotonic() - started
        assert info.value.status_code == 500
        assert "deliberately broken" in info.value.message
        assert elapsed < 2, f"the error took {elapsed:.1f}s to arrive"
        assert runs.read_text().splitlines() == ["ran"]
        recorded = client.etl(name).view().obj_errors or []
        assert [error["obj_name"] for error in recorded] == [f"ais://{bucket.name}/o"]
