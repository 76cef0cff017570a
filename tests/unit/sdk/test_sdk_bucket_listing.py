"""Listing a Bucket: the list requests it sends and the pages it reads (fake transport)."""

from sdk_fake_transport import FakeTransport, Reply

from pyaistore.sdk import Client, ListObjectFlag


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
