"""ETL definitions are cluster metadata: after a full restart the ETL is defined and runs again."""

from etl_it_support import etl_name, eventually, quick_client

from pyaistore.server.local_cluster import LocalCluster


def _swap(data: bytes) -> bytes:
    return data.swapcase()


def test_definitions_survive_a_cluster_restart(private_cluster: LocalCluster) -> None:
    client = quick_client(private_cluster.endpoint)
    running, stopped = etl_name("keep"), etl_name("idle")
    bucket = client.bucket("etl-restart")
    bucket.create()
    bucket.object("o").put(content=b"Hello")
    client.etl(running).init_code(_swap)
    client.etl(stopped).init_code(_swap)
    client.etl(stopped).stop()
    assert bucket.object("o").get(etl_id=running).read_all() == b"hELLO"

    private_cluster.restart()

    stages = {info.id: info.stage for info in client.etl().list(stages=())}
    assert stages == {running: "Running", stopped: "Aborted"}
    assert eventually(lambda: bucket.object("o").get(etl_id=running).read_all()) == b"hELLO"
    client.etl(stopped).start()
    assert bucket.object("o").get(etl_id=stopped).read_all() == b"hELLO"
