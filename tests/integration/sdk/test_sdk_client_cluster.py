"""Client and Cluster against a real cluster of one proxy and two targets."""

import socket

import pytest
from sdk_it_support import ClusterLike

from pyaistore.sdk import Bucket, Client
from pyaistore.sdk.errors import ErrBckNotFound, ErrObjNotFound, InvalidURLException
from pyaistore.sdk.types import BucketModel


def test_endpoint_from_environment(cluster: ClusterLike, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIS_ENDPOINT", cluster.endpoint)
    assert Client().cluster().is_ready()


def test_no_endpoint_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIS_ENDPOINT", raising=False)
    with pytest.raises(ValueError, match="AIS_ENDPOINT"):
        Client()


def test_get_info_maps_the_cluster(client: Client) -> None:
    smap = client.cluster().get_info()
    assert len(smap.pmap) == 1
    assert len(smap.tmap) == 2
    assert smap.proxy_si.daemon_type == "proxy"
    assert smap.proxy_si.public_net.direct_url.startswith("http")
    assert all(node.daemon_type == "target" for node in smap.tmap.values())
    assert smap.get_target_for_object("ais/@#/b/o") in smap.tmap.values()
    assert client.cluster().get_uuid() == smap.uuid


def test_cluster_is_running_and_ready(client: Client) -> None:
    assert client.cluster().is_aistore_running() is True
    assert client.cluster().is_ready() is True


def test_unreachable_cluster_is_not_ready() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert Client(f"http://127.0.0.1:{port}", timeout=1.0).cluster().is_ready() is False


def test_list_buckets(client: Client, bucket: Bucket) -> None:
    mine = BucketModel(bucket.name, "ais")
    assert mine in [BucketModel(b.name, b.provider) for b in client.cluster().list_buckets()]
    assert bucket.name in [b.name for b in client.cluster().list_buckets("")]
    assert bucket.name in [b.name for b in client.cluster().list_buckets("ais")]


def test_client_list_objects_iter(client: Client, bucket: Bucket) -> None:
    for name in ("p/1", "p/2", "q/3"):
        bucket.object(name).put(content=b"x")
    entries = client.list_objects_iter(bucket.name, prefix="p/", props="name,size", page_size=1)
    assert [(entry.name, entry.size) for entry in entries] == [("p/1", 1), ("p/2", 1)]


def test_client_list_objects_iter_missing_bucket(client: Client) -> None:
    with pytest.raises(ErrBckNotFound):
        list(client.list_objects_iter("sdk-no-such-bucket"))


def test_client_get_object(client: Client, bucket: Bucket) -> None:
    bucket.object("obj").put(content=b"payload")
    reader = client.get_object(bucket.name, "obj")
    assert reader.content_length == 7
    assert b"".join(reader.iter_content()) == b"payload"
    with pytest.raises(ErrObjNotFound):
        client.get_object(bucket.name, "missing")


def test_factories(client: Client) -> None:
    assert client.job("job-id", "copy-bck").job_id == "job-id"
    assert client.etl("my-etl").name == "my-etl"
    assert client.cluster().client is client.request_client
    obj = client.get_object_from_url("ais://bck/dir/obj")
    assert (obj.bucket_name, obj.obj_name) == ("bck", "dir/obj")
    with pytest.raises(InvalidURLException):
        client.get_object_from_url("ais://bck")
