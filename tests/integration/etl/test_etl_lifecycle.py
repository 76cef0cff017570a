"""list, view, start, stop, delete as the seed describes; what needs Kubernetes says so."""

import pytest
import requests
from aistore.sdk import Client as OfficialClient
from aistore.sdk.errors import AISError as OfficialAISError
from etl_it_support import etl_name, new_bucket, quick_client

from pyaistore.sdk.errors import AISError, ErrETLAlreadyExists, ErrETLNotFound
from pyaistore.server.local_cluster import LocalCluster


def _upper(data: bytes) -> bytes:
    return data.upper()


def test_stop_start_delete(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    name = etl_name("life")
    etl = client.etl(name)
    with new_bucket(client, "life") as bucket:
        bucket.object("o").put(content=b"abc")
        assert etl.init_code(_upper).startswith("etl-")
        with pytest.raises(ErrETLAlreadyExists):
            etl.init_code(_upper)
        assert name in [info.id for info in etl.list()]
        with pytest.raises(AISError) as running:
            etl.delete()
        assert running.value.status_code == 400
        assert "stop it first" in running.value.message

        etl.stop()
        assert name not in [info.id for info in etl.list()]
        assert [i.stage for i in etl.list(stages=()) if i.id == name] == ["Aborted"]
        with pytest.raises(AISError) as stopped:
            bucket.object("o").get(etl_id=name).read_all()
        assert stopped.value.status_code == 404
        etl.stop()  # stopping a stopped ETL is fine

        etl.start()
        assert bucket.object("o").get(etl_id=name).read_all() == b"ABC"
        with pytest.raises(AISError) as again:
            etl.start()
        assert "Running" in again.value.message

        etl.stop()
        etl.delete()
        with pytest.raises(ErrETLNotFound):
            etl.view()
        assert name not in [info.id for info in etl.list(stages=())]
        # The name is free again.
        etl.init_code(_upper)
        etl.stop()
        etl.delete()


def test_official_sdk_parses_list_and_view(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    name = etl_name("shapes")
    client.etl(name).init_code(_upper, dependencies=[])
    try:
        official = OfficialClient(cluster.endpoint)
        [info] = [i for i in official.cluster().list_etls() if i.id == name]
        assert info.stage == "Running" and info.xaction_id.startswith("etl-")
        details = official.etl(name).view()
        assert details.init_msg.name == name
        assert details.init_msg.communication == "hpush://"
        assert details.init_msg.runtime is not None
        assert b"transform" in (details.init_msg.code or b"")
        logs = official.etl(name).logs()
        assert len(logs) == 2 and all(isinstance(entry.logs, str) for entry in logs)
    finally:
        client.etl(name).stop()
        client.etl(name).delete()


def test_pod_specs_and_images_need_kubernetes(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    name = etl_name("k8s")
    with pytest.raises(AISError) as spec:
        client.etl(name).init_spec("apiVersion: v1\nkind: Pod\n")
    assert spec.value.status_code == 400
    assert "requires Kubernetes" in spec.value.message
    with pytest.raises(OfficialAISError) as image:
        OfficialClient(cluster.endpoint).etl(name).init(image="aistorage/transformer_md5:latest")
    assert image.value.status_code == 400
    assert "requires Kubernetes" in image.value.message
    with pytest.raises(ErrETLNotFound):
        client.etl(name).view()


def test_invalid_init_messages_are_400(cluster: LocalCluster) -> None:
    url = f"{cluster.endpoint}/v1/etl"
    for body in (
        {"name": "Bad_Name", "communication": "hpush://", "code": "", "runtime": {"image": "x"}},
        {"name": "ok-name-xyz", "communication": "ws://", "funcs": {"transform": "t"}, "code": "eA=="},
        {"name": "ok-name-xyz", "communication": "hpush://", "runtime": {}},
    ):
        reply = requests.put(url, json=body, timeout=10)
        assert reply.status_code == 400, body
