"""The requests Object, ObjectReader and ObjectWriter send (fake transport)."""

from pathlib import Path

import pytest
from sdk_fake_transport import PROXY, TARGET, FakeTransport, Reply, Sent

from pyaistore.sdk import ArchiveConfig, ArchiveMode, Client, ETLConfig
from pyaistore.sdk.errors import ErrObjNotFound


def test_get_sends_at_once_and_reads_the_same_response(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"payload", headers={"Ais-Version": "3", "Ais-Custom-Md": "a=1, b=x=y"})]
    reader = client.bucket("b").object("dir/o 1").get(archpath="in/side.txt", etl_id="my-etl")
    assert len(transport.sent) == 1
    sent = transport.sent[0]
    assert sent.path == "/v1/objects/b/dir/o%201"
    assert sent.query == {"provider": "ais", "archpath": "in/side.txt", "etl_name": "my-etl"}
    assert (reader.content_length, reader.obj_version) == (7, "3")
    assert reader.custom_metadata == {"a": "1", "b": "x=y"}
    assert reader.read_all() == b"payload"
    assert len(transport.sent) == 1


def test_get_missing_raises_at_once(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply.error(404, "t[x]: ais://b/o does not exist")]
    with pytest.raises(ErrObjNotFound):
        client.bucket("b").object("o").get()


def test_get_reader_is_lazy_and_sends_range(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(206, b"abc")]
    reader = client.bucket("b").object("o").get_reader(byte_range="bytes=5-7", latest=True)
    assert transport.sent == []
    assert reader.read_all() == b"abc"
    assert transport.sent[0].headers["Range"] == "bytes=5-7"
    assert transport.sent[0].query["latest-ver"] == "true"


@pytest.mark.parametrize("bad", ["5-7", "bytes=a-b", "bytes=-", "bytes=1-2,4-5", "items=1-2"])
def test_get_reader_rejects_malformed_ranges(client: Client, bad: str) -> None:
    with pytest.raises(ValueError):
        client.bucket("b").object("o").get_reader(byte_range=bad)


def test_get_reader_archive_and_etl_params(client: Client, transport: FakeTransport) -> None:
    config = ArchiveConfig(regex="log", mode=ArchiveMode.SUFFIX)
    client.bucket("b").object("o").get_reader(
        archive_config=config, etl=ETLConfig("e", {"k": "v"})
    ).read_all()
    assert transport.sent[0].query == {
        "provider": "ais",
        "archregx": "log",
        "archmode": "suffix",
        "etl_name": "e",
        "etl_args": '{"k":"v"}',
    }
    with pytest.raises(ValueError):
        ArchiveConfig(archpath="a", regex="b", mode=ArchiveMode.REGEXP)
    with pytest.raises(ValueError):
        ArchiveConfig(regex="b")


def test_head_without_props_asks_for_everything(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(headers={"Content-Length": "12", "Ais-Present": "true"})]
    props = client.bucket("b", "gcp").object("o").head()
    assert transport.sent[0].method == "HEAD"
    assert transport.sent[0].query == {"provider": "gcp"}
    assert (props.size, props.present, props.name, props.bucket_provider) == (12, True, "o", "gcp")
    assert props["content-length"] == "12"
    client.bucket("b").object("o").head("size,version")
    assert transport.sent[1].query["props"] == "size,version"


def test_put_follows_307_and_resends_the_body(client: Client, transport: FakeTransport) -> None:
    def proxy_redirects(sent: Sent) -> Reply:
        if sent.url.startswith(PROXY):
            return Reply(307, headers={"Location": f"{TARGET}{sent.path}?provider=ais&pid=p1"})
        return Reply(headers={"Ais-Version": "1"})

    transport.handler = proxy_redirects
    headers = client.bucket("b").object("o").put(content=b"body bytes")
    assert headers["Ais-Version"] == "1"
    assert [(sent.method, sent.url.split("/v1")[0], sent.body) for sent in transport.sent] == [
        ("PUT", PROXY, b"body bytes"),
        ("PUT", TARGET, b"body bytes"),
    ]


def test_put_file_streams_and_rewinds_on_redirect(
    client: Client, transport: FakeTransport, tmp_path: Path
) -> None:
    source = tmp_path / "f"
    source.write_bytes(b"file content")
    transport.queue = [Reply(307, headers={"Location": f"{TARGET}/v1/objects/b/o"}), Reply()]
    client.bucket("b").object("o").put(path=str(source))
    assert [sent.body for sent in transport.sent] == [b"file content", b"file content"]


def test_put_argument_rules(client: Client, tmp_path: Path) -> None:
    obj = client.bucket("b").object("o")
    with pytest.raises(ValueError, match="mutually exclusive"):
        obj.put(path="x", content=b"y")
    with pytest.raises(ValueError):
        obj.put(path=str(tmp_path))


def test_delete(client: Client, transport: FakeTransport) -> None:
    assert client.bucket("b").object("o").delete().status_code == 200
    assert (transport.sent[0].method, transport.sent[0].path) == ("DELETE", "/v1/objects/b/o")


def test_append_and_flush(client: Client, transport: FakeTransport) -> None:
    transport.queue = [
        Reply(headers={"Ais-Append-Handle": "h1"}),
        Reply(headers={"Ais-Append-Handle": "h2"}),
        Reply(headers={"Ais-Append-Handle": "h3"}),
        Reply(),
        Reply(),
    ]
    writer = client.bucket("b").object("o").get_writer()
    assert writer.append_content(b"a") == "h1"
    assert writer.append_content(b"b", handle="h1") == "h2"
    # Bytes given with flush=True are appended first (a flush carries no body), never dropped.
    assert writer.append_content(b"c", handle="h2", flush=True) == ""
    assert writer.append_content(b"", handle="h9", flush=True) == ""
    assert [
        (sent.query["append_type"], sent.query["append_handle"], sent.body) for sent in transport.sent
    ] == [
        ("append", "", b"a"),
        ("append", "h1", b"b"),
        ("append", "h2", b"c"),
        ("flush", "h3", b""),
        ("flush", "h9", b""),
    ]


def test_set_custom_props(client: Client, transport: FakeTransport) -> None:
    writer = client.bucket("b").object("o").get_writer()
    writer.set_custom_props({"k": "v"})
    writer.set_custom_props({"k": "v"}, replace_existing=True)
    first, second = transport.sent
    assert first.method == "PATCH"
    assert first.json() == {"action": "", "name": "", "value": {"k": "v"}}
    assert "set-new-custom" not in first.query
    assert second.query["set-new-custom"] == "true"


def test_file_writer_buffers_and_flushes(client: Client, transport: FakeTransport) -> None:
    transport.handler = lambda sent: Reply(headers={"Ais-Append-Handle": "h"} if sent.body else {})
    file = client.bucket("b").object("o").get_writer().as_file("w")
    assert transport.sent[0].body == b"" and "append_type" not in transport.sent[0].query
    with file:
        file.write(b"one ")
        file.write(memoryview(b"two"))
        assert len(transport.sent) == 1
    kinds = [(sent.query.get("append_type"), sent.body) for sent in transport.sent[1:]]
    assert kinds == [("append", b"one two"), ("flush", b"")]
    assert file.closed
    with pytest.raises(ValueError):
        file.write(b"late")


def test_file_writer_sends_full_buffers(client: Client, transport: FakeTransport) -> None:
    from pyaistore.sdk.obj.object_file_writer import ObjectFileWriter

    transport.handler = lambda sent: Reply(headers={"Ais-Append-Handle": "h"})
    writer = ObjectFileWriter(client.bucket("b").object("o").get_writer(), "a", buffer_size=4)
    writer.write(b"0123456789")
    assert [sent.body for sent in transport.sent] == [b"0123", b"4567"]
    writer.close()
    assert [sent.body for sent in transport.sent[2:]] == [b"89", b""]
    writer.close()
    assert len(transport.sent) == 4


def test_as_file_mode_must_be_w_or_a(client: Client) -> None:
    with pytest.raises(ValueError, match="Invalid mode"):
        client.bucket("b").object("o").get_writer().as_file("rb")


def test_unread_get_can_be_closed(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"first"), Reply(body=b"second")]
    reader = client.bucket("b").object("o").get()
    reader.close()
    assert reader.read_all() == b"second"
    assert len(transport.sent) == 2


def test_writer_keeps_the_documented_private_helper(client: Client, transport: FakeTransport) -> None:
    writer = client.bucket("b").object("o").get_writer()
    assert writer._put_data(b"raw").status_code == 200
    assert transport.sent[0].body == b"raw"
