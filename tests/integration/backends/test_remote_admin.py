"""Remote buckets as cluster metadata: first use, create (register), the providers' bucket lists,
attached AIS clusters, provider aliases, hdfs's 501, and credentials kept out of replies and logs."""

import json
from pathlib import Path

import pytest
from clouds_it_support import node_logs, props_of
from stand_ins_cluster_it_support import AWS_SECRET, REMOTE_ALIAS, StandIns
from stand_ins_it_support import AZURITE_KEY, azure_connection_string

from pyaistore.sdk import Client, ListObjectFlag, Namespace, RetryConfig
from pyaistore.sdk.errors import AISError, ErrBckAlreadyExists, ErrRemoteBckNotFound
from pyaistore.sdk.types import ActionMsg
from pyaistore.server.local_cluster import LocalCluster


def _create(client: Client, name: str, provider: str, value: object = None, **params: str) -> None:
    client.request_client.request(
        "POST",
        f"buckets/{name}",
        params={"provider": provider, **params},
        json=ActionMsg("create-bck", value=value).to_json(),
    )


def test_first_use_adds_the_bucket_with_the_backends_props(stand_ins: StandIns, client: Client) -> None:
    cloud = stand_ins.cloud("aws")
    name = cloud.new_bucket()
    assert name not in {b.name for b in client.cluster().list_buckets(provider="")}
    props = props_of(cloud.sdk_bucket(client, name))
    assert props["provider"] == "aws" and props["versioning"]["enabled"] is False
    assert name in {b.name for b in client.cluster().list_buckets(provider="")}
    with pytest.raises(AISError) as caught:
        client.bucket(name, provider="s3").make_request(
            "PATCH", "set-bprops", value={"versioning": {"enabled": True}}
        )
    assert "versioning" in caught.value.message


def test_create_registers_what_the_backend_has(stand_ins: StandIns, client: Client) -> None:
    cloud = stand_ins.cloud("aws")
    name = cloud.new_bucket()
    _create(client, name, "aws", {"extra": {"aws": {"cloud_region": "eu-west-1"}}})
    assert props_of(client.bucket(name, provider="aws"))["extra"]["aws"]["cloud_region"] == "eu-west-1"
    with pytest.raises(ErrBckAlreadyExists):
        _create(client, name, "aws")
    with pytest.raises(AISError) as caught:
        _create(client, "not-at-the-backend", "aws")
    assert caught.value.status_code == 501
    _create(client, "skipped-lookup", "aws", dont_head_remote_bck="true")
    assert props_of(client.bucket("skipped-lookup", provider="aws"))["provider"] == "aws"


@pytest.mark.parametrize("provider", ["aws", "gcp", "azure"])
def test_list_buckets_asks_the_cloud(stand_ins: StandIns, client: Client, provider: str) -> None:
    cloud = stand_ins.cloud(provider)
    name = cloud.new_bucket()
    assert name in {b.name for b in client.cluster().list_buckets(provider=provider)}
    in_cluster = client.request_client.request_json(
        "GET", "buckets", params={"provider": provider, "presence": "2"}
    )
    assert name not in {item["name"] for item in in_cluster}


def test_provider_aliases_everywhere(stand_ins: StandIns, client: Client) -> None:
    for provider, alias in (("aws", "s3"), ("gcp", "gs"), ("azure", "az")):
        cloud = stand_ins.cloud(provider)
        name = cloud.new_bucket()
        cloud.put(name, "k", b"aliased")
        # The SDK's alias, and the raw query parameter: both name the same bucket.
        assert client.bucket(name, provider=alias).object("k").get_reader().read_all() == b"aliased"
        reply = client.request_client.request("HEAD", f"buckets/{name}", params={"provider": alias})
        assert json.loads(reply.headers["Ais-Bucket-Props"])["provider"] == provider


def test_hdfs_is_a_clear_501(client: Client) -> None:
    bucket = client.bucket("data", provider="hdfs")
    for call in (bucket.list_objects, lambda: bucket.object("x").get_reader().read_all(), bucket.head):
        with pytest.raises(AISError) as caught:
            call()
        assert caught.value.status_code == 501
        assert "hdfs" in (caught.value.message or str(caught.value))


def test_remote_clusters_attach_detach_list(stand_ins: StandIns, client: Client) -> None:
    attached = {item.alias: item for item in client.cluster().list_remote_clusters()}
    remote = attached[REMOTE_ALIAS]
    assert remote.smap is not None and remote.uuid == Client(stand_ins.remote.endpoint).cluster().get_uuid()
    cloud = stand_ins.cloud("ais")
    name = cloud.new_bucket()
    cloud.put(name, "o", b"over there")
    # By alias or by UUID: the same bucket (the table keeps the UUID).
    by_uuid = client.bucket(name, provider="ais", namespace=Namespace(uuid=remote.uuid))
    assert by_uuid.object("o").get_reader().read_all() == b"over there"
    listed = client.request_client.request_json(
        "GET", "buckets", params={"provider": "ais", "namespace": f"@{REMOTE_ALIAS}#"}
    )
    assert name in {item["name"] for item in listed}
    client.cluster().attach_remote("second", stand_ins.proxies["ais"].url)
    assert {item.alias for item in client.cluster().list_remote_clusters()} >= {REMOTE_ALIAS, "second"}
    client.cluster().detach_remote("second")
    assert "second" not in {item.alias for item in client.cluster().list_remote_clusters()}
    once = Client(client.request_client.endpoint, retry_config=RetryConfig.no_retries())
    with pytest.raises(AISError) as caught:
        once.cluster().detach_remote("never-attached")
    assert caught.value.status_code == 404
    with pytest.raises(AISError) as caught:
        once.cluster().attach_remote("bad", "ftp://nowhere")
    assert caught.value.status_code == 400
    with pytest.raises(ErrRemoteBckNotFound):
        once.bucket(name, provider="ais", namespace=Namespace(uuid="not-attached")).list_objects()


def test_credentials_stay_out_of_props_errors_and_logs(
    stand_ins: StandIns, client: Client, tmp_path: Path
) -> None:
    cloud = stand_ins.cloud("aws")
    name = cloud.new_bucket()
    bucket = cloud.sdk_bucket(client, name)
    assert AWS_SECRET not in json.dumps(props_of(bucket))
    with pytest.raises(AISError) as caught:
        bucket.object("missing").get_reader().read_all()
    assert AWS_SECRET not in str(caught.value)
    if "azure" in stand_ins.proxies:
        _refused_azure_key_is_not_told(stand_ins, tmp_path)
    for log_name, text in node_logs(stand_ins.cluster.log_dir):
        assert AWS_SECRET not in text, log_name
        assert AZURITE_KEY not in text, log_name


def _refused_azure_key_is_not_told(stand_ins: StandIns, tmp_path: Path) -> None:
    """A cluster given a wrong account key: Azure refuses, and the key is in no reply or log."""
    wrong = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXk=" * 2
    env = {"AZURE_STORAGE_CONNECTION_STRING": azure_connection_string(stand_ins.proxies["azure"].url, wrong)}
    other = LocalCluster(tmp_path / "wrong-key", port=0, targets=1, env=env)
    try:
        other.start()
        bucket = Client(other.endpoint, retry_config=RetryConfig.no_retries()).bucket("any", provider="az")
        with pytest.raises(AISError) as caught:
            bucket.list_objects()
        assert caught.value.status_code == 403
        assert wrong not in str(caught.value)
    finally:
        other.stop()
    for log_name, text in node_logs(other.log_dir):
        assert wrong not in text, log_name


def test_a_buckets_own_endpoint_wins(stand_ins: StandIns, client: Client) -> None:
    cloud = stand_ins.cloud("aws")
    name = cloud.new_bucket()
    cloud.put(name, "direct", b"not through the proxy")
    _create(client, name, "aws", {"extra": {"aws": {"endpoint": stand_ins.moto.url}}})
    bucket = client.bucket(name, provider="aws")
    assert bucket.object("direct").get_reader().read_all() == b"not through the proxy"
    assert cloud.fetches(name, "direct") == 0  # read from moto itself, not through AWS_ENDPOINT_URL


def test_dont_add_answers_without_adding(stand_ins: StandIns, client: Client) -> None:
    cloud = stand_ins.cloud("aws")
    name = cloud.new_bucket()
    cloud.put(name, "k", b"v")
    reply = client.request_client.request(
        "HEAD", f"buckets/{name}", params={"provider": "aws", "dont_add_remote_bck_md": "true"}
    )
    assert json.loads(reply.headers["Ais-Bucket-Props"])["provider"] == "aws"
    flags = [ListObjectFlag.DONT_ADD_REMOTE]
    assert [e.name for e in client.bucket(name, provider="aws").list_objects(flags=flags).entries] == ["k"]
    assert name not in {b.name for b in client.cluster().list_buckets(provider="")}
