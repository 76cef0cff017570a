"""The requests of multi-object operations (jobs reference §2.2)."""

import pytest
from sdk_fake_transport import FakeTransport, Reply

from pyaistore.sdk import Client, ObjectRange
from pyaistore.sdk.errors import InvalidBckProvider


def test_delete_by_names(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"job1")]
    assert client.bucket("b").objects(obj_names=["o1", "o2"]).delete() == "job1"
    sent = transport.sent[0]
    assert (sent.method, sent.path) == ("DELETE", "/v1/buckets/b")
    assert sent.json() == {"action": "delete-listrange", "name": "", "value": {"objnames": ["o1", "o2"]}}


def test_evict_by_range_on_remote_bucket(client: Client, transport: FakeTransport) -> None:
    client.bucket("b", "aws").objects(
        obj_range=ObjectRange("shard-", 0, 99, pad_width=3, suffix=".tar")
    ).evict()
    assert transport.sent[0].json()["value"] == {"template": "shard-{000..099..1}.tar"}
    assert transport.sent[0].json()["action"] == "evict-listrange"


def test_evict_and_prefetch_refuse_ais_buckets(client: Client) -> None:
    group = client.bucket("b").objects(obj_template="x")
    with pytest.raises(InvalidBckProvider):
        group.evict()
    with pytest.raises(InvalidBckProvider):
        group.prefetch()


def test_prefetch(client: Client, transport: FakeTransport) -> None:
    client.bucket("b", "gcp").objects(obj_template="img-{0..9}").prefetch(blob_threshold=2**20, num_workers=4)
    sent = transport.sent[0]
    assert sent.method == "POST"
    assert sent.json()["value"] == {
        "template": "img-{0..9}",
        "coer": False,
        "latest-ver": False,
        "blob-threshold": 2**20,
        "num-workers": 4,
    }


def test_copy_returns_job_list(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"j1,j2")]
    dst = client.bucket("dst")
    assert client.bucket("src").objects(obj_names=["a"]).copy(dst, prepend="bk/") == ["j1", "j2"]
    value = transport.sent[0].json()["value"]
    assert value["objnames"] == ["a"]
    assert value["prepend"] == "bk/"
    assert value["tobck"] == {"name": "dst", "provider": "ais", "namespace": None}
    assert value["coer"] is False
    assert transport.sent[0].json()["action"] == "copy-listrange"


def test_transform_and_archive(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"t1"), Reply(body=b"a1")]
    group = client.bucket("src").objects(obj_template="x-{1..3}")
    assert group.transform(client.bucket("dst"), "my-etl", ext={"jpg": "png"}) == "t1"
    value = transport.sent[0].json()["value"]
    assert (value["id"], value["request_timeout"], value["ext"]) == ("my-etl", "5m", {"jpg": "png"})
    assert group.archive("out.tar") == ["a1"]
    archive = transport.sent[1]
    assert (archive.method, archive.json()["action"]) == ("PUT", "archive")
    assert archive.json()["value"]["archname"] == "out.tar"
    assert archive.json()["value"]["tobck"]["name"] == "src"
