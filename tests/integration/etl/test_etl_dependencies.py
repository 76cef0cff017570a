"""Dependencies: installed into a per-ETL virtual environment (cached), the pip log on failure."""

import pytest
from etl_it_support import etl_name, new_bucket, quick_client, running_etl

from pyaistore.sdk.errors import AISError
from pyaistore.server.local_cluster import LocalCluster


def _as_roman(data: bytes) -> bytes:
    import roman  # installed for this ETL only: the server's environment lacks it

    numeral: str = roman.toRoman(len(data))
    return numeral.encode()


def test_function_with_a_pip_dependency(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    name = etl_name("roman")
    init = lambda: client.etl(name).init_code(_as_roman, dependencies=["roman>=4"], timeout="3m")  # noqa: E731
    with new_bucket(client, "deps") as bucket, running_etl(client, name, init):
        bucket.object("twelve").put(content=b"x" * 12)
        bucket.object("four").put(content=b"xxxx")
        assert bucket.object("twelve").get(etl_id=name).read_all() == b"XII"
        assert bucket.object("four").get(etl_id=name).read_all() == b"IV"
    # Same dependencies, same (cached) environment: the second ETL starts without pip.
    again = etl_name("roman")
    init_again = lambda: client.etl(again).init_code(_as_roman, dependencies=["roman>=4"], timeout="20s")  # noqa: E731
    with new_bucket(client, "deps") as bucket, running_etl(client, again, init_again):
        bucket.object("three").put(content=b"abc")
        assert bucket.object("three").get(etl_id=again).read_all() == b"III"


def test_failed_install_shows_the_pip_log(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    name = etl_name("badpip")
    try:
        with pytest.raises(AISError) as info:
            client.etl(name).init_code(_as_roman, dependencies=["roman==not-a-version"], timeout="1m")
        assert info.value.status_code == 400
        message = info.value.message
        assert "installing dependencies" in message and "pip" in message
        assert "roman==not-a-version" in message
        assert "pip log" in message
    finally:
        client.etl(name).delete()
