"""make-n-copies and the mirror bucket props (reference §4): copies on disk, HEAD and listings, the
checks and their wording, and writes into a mirrored bucket making their copies before the reply.

One cluster for the module (two targets of three mountpaths); each test uses its own bucket.
"""

import json
import secrets
from collections.abc import Iterator

import pytest
import requests
from aistore.sdk import Client
from mirror_it_support import make_n_copies, mountpaths, payload, set_props, wait_job, wrong_copies

from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 60


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """Two targets with three mountpaths each."""
    with LocalCluster(tmp_path_factory.mktemp("mirror"), targets=2, mountpaths=3) as running:
        yield running


@pytest.fixture(scope="module")
def client(cluster: LocalCluster) -> Client:
    """The official SDK on the module's cluster."""
    return Client(cluster.endpoint)


@pytest.fixture()
def bucket(client: Client) -> Iterator[str]:
    """A fresh bucket's name; destroyed afterwards."""
    name = f"mir-{secrets.token_hex(4)}"
    client.bucket(name).create()
    yield name
    client.bucket(name).delete(missing_ok=True)


def _fill(client: Client, bucket: str, count: int = OBJECTS) -> list[str]:
    names = [f"dir/obj-{i:03d}" for i in range(count)]
    for name in names:
        client.bucket(bucket).object(name).get_writer().put_content(payload(name))
    return names


def _mirror_props(cluster: LocalCluster, bucket: str) -> dict[str, object]:
    reply = requests.head(f"{cluster.endpoint}/v1/buckets/{bucket}", timeout=10)
    mirror: dict[str, object] = json.loads(reply.headers["Ais-Bucket-Props"])["mirror"]
    return mirror


def _head_copies(cluster: LocalCluster, bucket: str, name: str) -> requests.Response:
    url = f"{cluster.endpoint}/v1/objects/{bucket}/{name}"
    return requests.head(url, params={"props": "copies"}, timeout=10, allow_redirects=True)


def test_make_n_copies_up_and_down(cluster: LocalCluster, client: Client, bucket: str) -> None:
    names = _fill(client, bucket)
    up = make_n_copies(cluster, bucket, 3)
    assert up.status_code == 200 and up.headers["Content-Type"].startswith("text/plain")
    status = wait_job(cluster, up.text)
    assert (status["kind"], status["err"], status["aborted"]) == ("make-n-copies", "", False)
    assert _mirror_props(cluster, bucket) | {"burst_buffer": 0} == {
        "enabled": True,
        "copies": 3,
        "burst_buffer": 0,
    }
    assert wrong_copies(cluster, bucket, names, 3) == []
    snaps = requests.get(
        f"{cluster.endpoint}/v1/cluster", params={"what": "qryxstats"}, json={"ID": up.text}, timeout=10
    ).json()
    assert sum(int(snap["stats"]["loc-objs"]) for found in snaps.values() for snap in found) == OBJECTS

    head = _head_copies(cluster, bucket, names[0])
    assert head.headers["Ais-Mirror-Copies"] == "3"
    all_available = {root for lists in mountpaths(cluster).values() for root in lists["available"]}
    paths = head.headers["Ais-Mirror-Paths"].split(",")
    assert len(set(paths)) == 3 and set(paths) <= all_available
    props = client.bucket(bucket).object(names[0]).head(props="copies")
    assert props.mirror_copies == 3 and props.mirror_paths == paths
    full = requests.head(
        f"{cluster.endpoint}/v1/objects/{bucket}/{names[0]}", timeout=10, allow_redirects=True
    )
    assert full.headers["Ais-Mirror-Copies"] == "3" and full.headers["Ais-Mirror-Paths"].split(",") == paths
    listed = client.bucket(bucket).list_all_objects(props="name,copies")
    assert {entry.name: entry.copies for entry in listed} == dict.fromkeys(names, 3)

    down = make_n_copies(cluster, bucket, "1")  # a decimal string is a number of copies too
    assert down.status_code == 200
    wait_job(cluster, down.text)
    assert _mirror_props(cluster, bucket)["enabled"] is False
    assert wrong_copies(cluster, bucket, names, 1) == []
    head = _head_copies(cluster, bucket, names[0])
    assert head.headers["Ais-Mirror-Copies"] == "1"
    url = f"{cluster.endpoint}/v1/objects/{bucket}/{names[0]}"
    full = requests.head(url, timeout=10, allow_redirects=True)
    assert full.headers["Ais-Mirror-Copies"] == "1"  # the target front's full HEAD: no stale copies
    for name in names:
        assert client.bucket(bucket).object(name).get_reader().read_all() == payload(name)


def test_make_n_copies_refusals_change_nothing(cluster: LocalCluster, client: Client, bucket: str) -> None:
    too_many = make_n_copies(cluster, bucket, 4)
    assert too_many.status_code == 400
    message = too_many.json()["message"]
    assert message.startswith("t[") and "number of copies (4) exceeds the number of mountpaths (3)" in message
    out_of_range = make_n_copies(cluster, bucket, 17)
    assert out_of_range.status_code == 400
    assert "invalid num copies 17, must be in [1, 16] range" in out_of_range.json()["message"]
    for value in ("two", None, [2], True):
        assert make_n_copies(cluster, bucket, value).status_code == 400, value
    assert make_n_copies(cluster, f"{bucket}-missing", 2).status_code == 404
    assert _mirror_props(cluster, bucket) | {"burst_buffer": 0} == {
        "enabled": False,
        "copies": 1,
        "burst_buffer": 0,
    }


def test_set_bprops_validates_mirror_and_replies_with_the_job(
    cluster: LocalCluster, client: Client, bucket: str
) -> None:
    for copies, wording in (
        (1, "invalid mirror.copies: 1 (expected value in range [2, 32] or zero for default)"),
        (33, "invalid mirror.copies: 33 (expected value in range [2, 32] or zero for default)"),
        (4, f"not enough mountpaths (3) to configure ais://{bucket} as 4-way mirror"),
    ):
        reply = set_props(cluster, bucket, {"mirror": {"enabled": True, "copies": copies}})
        assert reply.status_code == 400 and wording in reply.json()["message"], reply.text
    burst = set_props(cluster, bucket, {"mirror": {"enabled": True, "copies": 2, "burst_buffer": -1}})
    assert burst.status_code == 400 and "invalid mirror.burst_buffer: -1" in burst.json()["message"]
    assert _mirror_props(cluster, bucket)["enabled"] is False

    names = _fill(client, bucket, 20)
    turned_on = set_props(cluster, bucket, {"mirror": {"enabled": True, "copies": 0}})  # 0: the default, 2
    assert turned_on.status_code == 200 and turned_on.text
    wait_job(cluster, turned_on.text)
    assert _mirror_props(cluster, bucket) | {"burst_buffer": 0} == {
        "enabled": True,
        "copies": 2,
        "burst_buffer": 0,
    }
    assert wrong_copies(cluster, bucket, names, 2) == []
    unrelated = set_props(cluster, bucket, {"versioning": {"enabled": True}})
    assert (unrelated.status_code, unrelated.text) == (200, "")  # mirroring unchanged: no job


def test_writes_into_a_mirrored_bucket_make_their_copies_before_the_reply(
    cluster: LocalCluster, client: Client, bucket: str
) -> None:
    wait_job(cluster, make_n_copies(cluster, bucket, 2).text)
    handle = client.bucket(bucket)
    contents: dict[str, bytes] = {}
    for index in range(20):  # each checked at once: no job makes these copies
        name = f"put-{index:02d}"
        handle.object(name).get_writer().put_content(payload(name))
        assert wrong_copies(cluster, bucket, [name], 2) == [], name
    appended = handle.object("appended").get_writer()
    token = appended.append_content(b"first,")
    token = appended.append_content(b"second", handle=token)
    appended.append_content(b"", handle=token, flush=True)
    contents["appended"] = b"first,second"
    handle.object("put-00").copy(handle.object("copied"))
    contents["copied"] = payload("put-00")
    renamed = requests.post(
        f"{cluster.endpoint}/v1/objects/{bucket}/put-01",
        json={"action": "rename-obj", "name": "renamed", "value": None},
        timeout=10,
    )
    assert renamed.status_code == 200, renamed.text
    contents["renamed"] = payload("put-01")
    assert wrong_copies(cluster, bucket, list(contents), 2, contents) == []
