"""Mountpath calls (AIS's Go API names) and make-n-copies: what the SDK sends and how it reads replies."""

from sdk_fake_transport import FakeTransport, Reply

from pyaistore.sdk import Client
from pyaistore.sdk.types import MountpathList

LISTED = {"available": ["/a", "/b"], "waiting_dd": [], "disabled": ["/c"]}


def test_changes_go_through_the_reverse_route_to_the_named_target(
    client: Client, transport: FakeTransport
) -> None:
    cluster = client.cluster()
    transport.queue = [Reply(), Reply(status=204), Reply(), Reply(status=204), Reply()]
    cluster.attach_mountpath("t1", "/mnt/d3", label="ssd")
    assert cluster.enable_mountpath("t1", "/mnt/d1") is False
    assert cluster.disable_mountpath("t1", "/mnt/d1", dont_resilver=True) is True
    assert cluster.disable_mountpath("t1", "/mnt/d1") is False
    cluster.detach_mountpath("t1", "/mnt/d3")
    sent = [
        (item.method, item.path, item.query, item.headers["Ais-Node-Id"], item.json())
        for item in transport.sent
    ]
    path = "/v1/reverse/daemon/mountpaths"
    assert sent == [
        (
            "PUT",
            path,
            {"mountpath_label": "ssd"},
            "t1",
            {"action": "attach-mp", "name": "", "value": "/mnt/d3"},
        ),
        ("POST", path, {}, "t1", {"action": "enable-mp", "name": "", "value": "/mnt/d1"}),
        ("POST", path, {"dntres": "true"}, "t1", {"action": "disable-mp", "name": "", "value": "/mnt/d1"}),
        ("POST", path, {}, "t1", {"action": "disable-mp", "name": "", "value": "/mnt/d1"}),
        ("DELETE", path, {}, "t1", {"action": "detach-mp", "name": "", "value": "/mnt/d3"}),
    ]


def test_listings_of_one_target_and_of_the_cluster(client: Client, transport: FakeTransport) -> None:
    transport.queue = [
        Reply.json(LISTED),
        Reply.json({"targets": {"t1": LISTED, "t2": {"available": ["/x"]}}}),
    ]
    one = client.cluster().list_mountpaths("t1")
    assert one == MountpathList(("/a", "/b"), (), ("/c",))
    assert (transport.sent[0].path, transport.sent[0].query) == ("/v1/reverse/daemon", {"what": "mountpaths"})
    assert transport.sent[0].headers["Ais-Node-Id"] == "t1"
    everything = client.cluster().list_all_mountpaths()
    assert everything == {"t1": one, "t2": MountpathList(("/x",))}
    assert (transport.sent[1].path, transport.sent[1].query) == ("/v1/cluster", {"what": "mountpaths"})


def test_make_n_copies_returns_the_job_id(client: Client, transport: FakeTransport) -> None:
    transport.queue = [Reply(body=b"job-42")]
    assert client.bucket("b").make_n_copies(2) == "job-42"
    assert transport.sent[0].method == "POST" and transport.sent[0].path == "/v1/buckets/b"
    assert transport.sent[0].json() == {"action": "make-n-copies", "name": "", "value": 2}
