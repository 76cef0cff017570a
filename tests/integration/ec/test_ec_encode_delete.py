"""ec-encode erasure-codes the objects a bucket has; DELETE removes pieces everywhere; HEAD answers
from the pieces when the owner is gone."""

from pathlib import Path

import requests
from aistore.sdk import Client
from ec_it_support import holds_object, payload, pieces, ranking, wait_targets

from pyaistore.server.local_cluster import LocalCluster

SIZE = 64 * 1024


def _encode(endpoint: str, bucket: str, value: dict[str, int]) -> requests.Response:
    body = {"action": "ec-encode", "value": value}
    return requests.post(f"{endpoint}/v1/buckets/{bucket}?provider=ais", json=body, timeout=30)


def test_ec_encode_then_delete_everywhere(tmp_path: Path) -> None:
    with LocalCluster(tmp_path, targets=4) as cluster:
        client = Client(cluster.endpoint)
        bucket = client.bucket("enc").create()
        names = [f"o{i:02d}" for i in range(12)]
        for name in names:
            bucket.object(name).get_writer().put_content(payload(name, SIZE))
        assert all(pieces(cluster, "enc", name) == {} for name in names)
        missing = _encode(cluster.endpoint, "enc", {"parity_slices": 1})
        assert missing.status_code == 400 and "missing number of data slices" in missing.text
        reply = _encode(cluster.endpoint, "enc", {"data_slices": 2, "parity_slices": 1, "objsize_limit": 0})
        assert reply.status_code == 200, reply.text
        client.job(job_id=reply.text).wait(timeout=60)
        for name in names:
            order = ranking(cluster, "enc", name)
            assert {i: m.slice_id for i, m in pieces(cluster, "enc", name).items()} == {
                order[1]: 1,
                order[2]: 2,
                order[3]: 3,
            }, name
        # Writes other than PUT encode too: append + flush, and a copy from another bucket.
        writer = bucket.object("appended").get_writer()
        handle = writer.append_content(payload("appended", SIZE)[:1000])
        handle = writer.append_content(payload("appended", SIZE)[1000:], handle=handle)
        writer.append_content(b"", handle=handle, flush=True)  # a flush carries no bytes (400 if it does)
        source = client.bucket("src").create()
        source.object("copied").get_writer().put_content(payload("copied", SIZE))
        source.object("copied").copy(bucket.object("copied"))
        for name in ("appended", "copied"):
            order = ranking(cluster, "enc", name)
            assert {i: m.slice_id for i, m in pieces(cluster, "enc", name).items()} == {
                order[1]: 1,
                order[2]: 2,
                order[3]: 3,
            }, name
        names += ["appended", "copied"]
        rename = {"action": "rename-obj", "name": "renamed"}
        reply = requests.post(
            f"{cluster.endpoint}/v1/objects/enc/copied?provider=ais", json=rename, timeout=30
        )
        assert (
            reply.status_code == 400 and "cannot rename erasure-coded object ais://enc/copied" in reply.text
        )
        again = _encode(cluster.endpoint, "enc", {"data_slices": 3, "parity_slices": 1})
        assert again.status_code == 400 and "EC is already enabled on the bucket ais://enc" in again.text
        # HEAD of an object whose owner died answers from the pieces.
        victim = ranking(cluster, "enc", names[0])[0]
        cluster.kill_target(victim)
        wait_targets(cluster, 3)
        props = bucket.object(names[0]).head()
        assert props.size == SIZE
        for name in names:
            bucket.object(name).delete()
        for name in names:
            assert {i for i in pieces(cluster, "enc", name) if i != victim} == set(), name
            assert not any(holds_object(cluster, i, "enc", name) for i in range(4) if i != victim)
        assert bucket.list_all_objects() == []
