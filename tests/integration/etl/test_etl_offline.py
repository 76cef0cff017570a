"""Offline transforms: bucket.transform (etl-bck) and multi-object transform (etl-listrange) call
the target's ETL through `etl_lookup`, pushing each object's bytes to the transform servers."""

import pytest
from etl_it_support import etl_name, new_bucket, quick_client, running_etl

from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 60


def _upper(data: bytes) -> bytes:
    return data.upper()


def test_bucket_transform_with_prefix_and_extension(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    name = etl_name("offline")
    init = lambda: client.etl(name).init_code(_upper)  # noqa: E731
    with new_bucket(client, "src") as src, new_bucket(client, "dst") as dst, running_etl(client, name, init):
        for index in range(OBJECTS):
            src.object(f"doc-{index:03d}.txt").put(content=f"text {index}".encode())
        job_id = src.transform(name, dst.name, prefix="up/", ext={"txt": "TXT"})
        client.job(job_id).wait(timeout=120, verbose=False)
        names = sorted(entry.name for entry in dst.list_all_objects())
        assert names == [f"up/doc-{index:03d}.TXT" for index in range(OBJECTS)]
        assert dst.object("up/doc-007.TXT").get().read_all() == b"TEXT 7"
        [info] = [i for i in client.etl().list() if i.id == name]
        assert info.obj_count >= OBJECTS


def test_multi_object_transform(cluster: LocalCluster) -> None:
    client = quick_client(cluster.endpoint)
    name = etl_name("listrange")
    init = lambda: client.etl(name).init_code(_upper)  # noqa: E731
    with new_bucket(client, "src") as src, new_bucket(client, "dst") as dst, running_etl(client, name, init):
        for index in range(5):
            src.object(f"o{index}").put(content=f"v{index}".encode())
        job_id = src.objects(obj_names=["o1", "o3"]).transform(to_bck=dst, etl_name=name)
        client.job(job_id).wait(timeout=60, verbose=False)
        assert sorted(e.name for e in dst.list_all_objects()) == ["o1", "o3"]
        assert dst.object("o3").get().read_all() == b"V3"


@pytest.mark.parametrize("chunk_size", [0, 64 * 1024])
def test_bucket_transform_of_empty_small_and_large_objects(cluster: LocalCluster, chunk_size: int) -> None:
    """Objects up to 256 KiB travel to the transform server and on to the destination whole (sized),
    larger ones stream; every size, to this target's disk or to a peer, arrives byte-exact."""
    client = quick_client(cluster.endpoint)
    name = etl_name("sizes")
    init = lambda: client.etl(name).init_code(_upper, chunk_size=chunk_size)  # noqa: E731
    sizes = {"empty": 0, "small": 10 * 1024, "edge": 256 * 1024, "over": 256 * 1024 + 1, "big": 3 << 20}
    contents = {
        f"{label}-{copy}": (b"abcdefghijklmnopqrstuvwxyz0123456789" * (size // 36 + 1))[:size]
        for label, size in sizes.items()
        for copy in range(3)
    }
    with new_bucket(client, "src") as src, new_bucket(client, "dst") as dst, running_etl(client, name, init):
        for obj, data in contents.items():
            src.object(obj).put(content=data)
        job_id = src.transform(name, dst.name)
        assert client.job(job_id).wait(timeout=120, verbose=False)
        for obj, data in contents.items():
            assert dst.object(obj).get().read_all() == data.upper(), obj
