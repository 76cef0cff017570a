"""The requests Bucket sends, and how it reads the answers (fake transport)."""

import pytest
from sdk_fake_transport import PROXY, FakeTransport, Reply

from pyaistore.sdk import Client, Namespace, Provider
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
