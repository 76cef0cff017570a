"""The requests Bucket sends, and how it reads the answers (fake transport)."""

import pytest
from sdk_fake_transport import PROXY, FakeTransport, Reply

from pyaistore.sdk import Client, ListObjectFlag, Namespace, Provider
from pyaistore.sdk.errors import ErrBckAlreadyExists, ErrBckNotFound, InvalidBckProvider
from pyaistore.sdk.types import BucketModel
from pyaistore.wire import error_body


def test_bucket_properties(client: Client) -> None:
    bucket = client.bucket("photos", "s3", Namespace("Uu", "ns"))
    assert bucket.name == "photos"
    assert bucket.provider is Provider.AMAZON
    assert bucket.namespace == Namespace("Uu", "ns")
    assert bucket.qparam == {"provider": "aws", "namespace": "@Uu#ns"}
    assert bucket.bck == BucketModel("photos", "aws", Namespace("Uu", "ns"))
    assert bucket.client is client.request_client
    assert client.bucket("b", namespace=Namespace(name="x")).namespace == Namespace(name="x")


def test_create_sends_action_and_returns_bucket(client: Client, transport: FakeTransport) -> None:
    bucket = client.bucket("photos")
    assert bucket.create() is bucket
    sent = transport.sent[0]
    assert (sent.method, sent.path, sent.query) == ("POST", "/v1/buckets/photos", {"provider": "ais"})
    assert sent.json() == {"action": "create-bck", "name": "", "value": None}


def test_create_existing(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply.error(409, "exists", error_body.BUCKET_EXISTS)] * 2
    with pytest.raises(ErrBckAlreadyExists):
        client.bucket("b").create()
    client.bucket("b").create(exist_ok=True)


def test_create_and_delete_reject_remote_buckets(client: Client, transport: FakeTransport) -> None:
    with pytest.raises(InvalidBckProvider):
        client.bucket("b", "gcp").create()
    with pytest.raises(InvalidBckProvider):
        client.bucket("b", "aws").delete()
    with pytest.raises(InvalidBckProvider):
        client.bucket("b").evict()
    assert transport.sent == []


def test_delete_missing(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply.error(404, "no bucket")] * 2
    with pytest.raises(ErrBckNotFound):
        client.bucket("b").delete()
    client.bucket("b").delete(missing_ok=True)
    assert transport.sent[0].json()["action"] == "destroy-bck"
    assert transport.sent[0].method == "DELETE"


def test_rename(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"job-123456")]
    bucket = client.bucket("old")
    assert bucket.rename("new") == "job-123456"
    assert bucket.name == "new"
    sent = transport.sent[0]
    assert sent.path == "/v1/buckets/old"
    assert sent.query["bck_to"] == "ais/@#/new/"
    assert sent.json()["action"] == "move-bck"
    with pytest.raises(ValueError):
        bucket.rename()


def test_evict_remote(client: Client, transport: FakeTransport) -> None:
    client.bucket("b", "aws").evict(keep_md=True)
    sent = transport.sent[0]
    assert (sent.method, sent.query) == ("DELETE", {"provider": "aws", "keep_bck_md": "true"})
    assert sent.json()["action"] == "evict-remote-bck"


def test_head_returns_headers(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(headers={"Ais-Bucket-Props": '{"provider":"ais"}'})]
    headers = client.bucket("b").head()
    assert headers["ais-bucket-props"] == '{"provider":"ais"}'
    assert transport.sent[0].method == "HEAD"


def test_copy_seed_and_official_spellings(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"j1"), Reply(body=b"j2")]
    src = client.bucket("src")
    assert src.copy("dst", prefix="img/", dry_run=True, force=True) == "j1"
    first = transport.sent[0]
    assert first.query["bck_to"] == "ais/@#/dst/"
    assert first.json() == {
        "action": "copy-bck",
        "name": "",
        "value": {
            "prefix": "img/",
            "prepend": "",
            "dry_run": True,
            "force": True,
            "latest-ver": False,
            "synchronize": False,
        },
    }
    assert src.copy(to_bck=client.bucket("d2", "gcp"), prefix_filter="p", prepend="x/", num_workers=4) == "j2"
    second = transport.sent[1]
    assert second.query["bck_to"] == "gcp/@#/d2/"
    assert second.json()["value"]["prepend"] == "x/"
    assert second.json()["value"]["num-workers"] == 4


def test_transform_puts_seed_prefix_in_front_of_names(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"etl-job")]
    job = client.bucket("src").transform("my-etl", "dst", prefix="out/", ext={"jpg": "txt"})
    assert job == "etl-job"
    sent = transport.sent[0]
    assert sent.query["bck_to"] == "ais/@#/dst/"
    value = sent.json()["value"]
    assert sent.json()["action"] == "etl-bck"
    assert (value["id"], value["prepend"], value["prefix"], value["ext"]) == (
        "my-etl",
        "out/",
        "",
        {"jpg": "txt"},
    )
    assert value["request_timeout"] == "5m"


def _page(names: list[str], token: str) -> Reply:
    entries = [{"n": name, "s": 3, "f": 64} for name in names]
    return Reply.msgpack({"UUID": "lst1", "ContinuationToken": token, "Entries": entries, "Flags": 0})


def test_list_objects_sends_lsomsg_and_reads_msgpack(client: Client, transport: FakeTransport) -> None:
    transport.queue = [_page(["a", "b"], "b")]
    page = client.bucket("b").list_objects(
        prefix="p", props="name,size", page_size=2, flags=[ListObjectFlag.NO_RECURSION]
    )
    sent = transport.sent[0]
    assert sent.method == "GET"
    assert sent.headers["Accept"] == "application/msgpack"
    assert sent.json() == {
        "action": "list",
        "name": "",
        "value": {
            "prefix": "p",
            "pagesize": 2,
            "uuid": "",
            "props": "name,size",
            "continuation_token": "",
            "flags": "2048",
            "target": "",
        },
    }
    assert (page.uuid, page.continuation_token) == ("lst1", "b")
    assert [entry.name for entry in page.entries] == ["a", "b"]
    assert page.entries[0].size == 3 and page.entries[0].is_cached() and page.entries[0].is_ok()


def test_list_objects_reads_json_too(client: Client, transport: FakeTransport) -> None:
    transport.queue = [
        Reply.json({"uuid": "u", "continuation_token": "", "entries": [{"name": "x", "size": "5"}]})
    ]
    page = client.bucket("b").list_objects()
    assert [(entry.name, entry.size) for entry in page.entries] == [("x", 5)]


def test_list_objects_iter_pages_until_empty_token(client: Client, transport: FakeTransport) -> None:
    transport.queue = [_page(["a", "b"], "b"), _page(["c"], "")]
    names = [entry.name for entry in client.bucket("b").list_objects_iter(page_size=2)]
    assert names == ["a", "b", "c"]
    assert transport.sent[1].json()["value"]["uuid"] == "lst1"
    assert transport.sent[1].json()["value"]["continuation_token"] == "b"
    transport.queue = [_page(["a"], "")]
    assert [entry.name for entry in client.list_objects_iter("b")] == ["a"]


def test_list_all_objects(client: Client, transport: FakeTransport) -> None:
    transport.queue = [_page(["a"], "a"), _page([], "")]
    assert [entry.name for entry in client.bucket("b").list_all_objects()] == ["a"]


def test_make_request_uses_qparam_by_default(client: Client, transport: FakeTransport) -> None:
    response = client.bucket("b", "gcp").make_request("GET", "summary-bck", value={"uuid": ""})
    assert response.status_code == 200
    sent = transport.sent[0]
    assert sent.url == f"{PROXY}/v1/buckets/b?provider=gcp"
    assert sent.json() == {"action": "summary-bck", "name": "", "value": {"uuid": ""}}


def test_object_and_objects_factories_send_nothing(client: Client, transport: FakeTransport) -> None:
    bucket = client.bucket("b")
    assert bucket.object("x").obj_name == "x"
    assert bucket.objects(obj_names=["x"]).list_names() == ["x"]
    assert transport.sent == []
