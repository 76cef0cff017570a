"""Reading remote buckets through the cluster, against every stand-in: listing with the cached
and not-cached views, cold GET byte for byte (whole and ranged), warm GET with the stand-in cut
off, one fetch for concurrent cold GETs, `latest` after an out-of-band change, and errors."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from clouds_it_support import Cloud
from stand_ins_cluster_it_support import StandIns

from pyaistore.sdk import Bucket, Client, ListObjectFlag, RetryConfig
from pyaistore.sdk.errors import AISError, ErrObjNotFound, ErrRemoteBckNotFound


def _cached(bucket: Bucket, flags: list[ListObjectFlag] | None = None) -> dict[str, bool]:
    entries = bucket.list_all_objects(props="name,size,cached", flags=flags)
    return {entry.name: entry.is_cached() for entry in entries}


def test_listing_merges_the_backend_with_what_is_cached(cloud: Cloud, bucket: tuple[str, Bucket]) -> None:
    name, sdk_bucket = bucket
    for index in range(3):
        cloud.put(name, f"dir/obj{index}", b"x" * (index + 1))
    sdk_bucket.object("dir/obj1").get_reader().read_all()
    if not cloud.listable:
        # An HTTP origin has no listing: the bucket lists what the cluster holds.
        assert _cached(sdk_bucket) == {"dir/obj1": True}
        with pytest.raises(AISError) as caught:
            sdk_bucket.list_objects(flags=[ListObjectFlag.NOT_CACHED])
        assert caught.value.status_code == 501
        return
    assert _cached(sdk_bucket) == {"dir/obj0": False, "dir/obj1": True, "dir/obj2": False}
    assert _cached(sdk_bucket, [ListObjectFlag.NOT_CACHED]) == {"dir/obj0": False, "dir/obj2": False}
    assert _cached(sdk_bucket, [ListObjectFlag.CACHED]) == {"dir/obj1": True}
    sizes = {e.name: e.size for e in sdk_bucket.list_all_objects(props="name,size")}
    assert sizes == {"dir/obj0": 1, "dir/obj1": 2, "dir/obj2": 3}
    top = sdk_bucket.list_objects(flags=[ListObjectFlag.NO_RECURSION]).entries
    assert [(e.name, e.is_dir()) for e in top] == [("dir/", True)]


def test_listing_pages_follow_the_backend_token(cloud: Cloud, bucket: tuple[str, Bucket]) -> None:
    if not cloud.listable:
        pytest.skip("an HTTP origin has no listing")
    if cloud.provider == "gcp":
        pytest.skip("gcp-storage-emulator does not page: it ignores maxResults and sends no token")
    name, sdk_bucket = bucket
    for index in range(7):
        cloud.put(name, f"p{index}", b"y")
    first = sdk_bucket.list_objects(page_size=3)
    assert len(first.entries) == 3 and first.continuation_token
    every = [e.name for e in sdk_bucket.list_objects_iter(page_size=3)]
    assert every == [f"p{index}" for index in range(7)]
    assert [e.name for e in sdk_bucket.list_all_objects(prefix="p1")] == ["p1"]


def test_cold_then_warm_get_with_the_stand_in_cut_off(
    cloud: Cloud, bucket: tuple[str, Bucket], client: Client
) -> None:
    name, sdk_bucket = bucket
    once = Client(client.request_client.endpoint, retry_config=RetryConfig.no_retries())
    data = os.urandom(3 * 1024 * 1024 + 17)
    cloud.put(name, "blob.bin", data)
    cloud.put(name, "ranged.bin", data)
    assert sdk_bucket.object("blob.bin").get_reader().read_all() == data
    # A ranged cold GET streams its range while the whole object is kept.
    reader = sdk_bucket.object("ranged.bin").get_reader(byte_range="bytes=1048576-1048675")
    assert reader.read_all() == data[1048576:1048676]
    assert sdk_bucket.object("ranged.bin").props.present
    with cloud.unreachable():
        assert sdk_bucket.object("blob.bin").get_reader().read_all() == data
        assert sdk_bucket.object("ranged.bin").get_reader().read_all() == data
        with pytest.raises(AISError) as caught:
            cloud.sdk_bucket(once, name).object("never-cached").get_reader().read_all()
        assert caught.value.status_code == 503


def test_concurrent_cold_gets_fetch_once(cloud: Cloud, bucket: tuple[str, Bucket]) -> None:
    name, sdk_bucket = bucket
    data = os.urandom(2 * 1024 * 1024)
    cloud.put(name, "hot.bin", data)
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: sdk_bucket.object("hot.bin").get_reader().read_all(), range(16)))
    assert all(result == data for result in results)
    assert cloud.fetches(name, "hot.bin") == 1


def test_latest_sees_an_out_of_band_change(cloud: Cloud, bucket: tuple[str, Bucket]) -> None:
    name, sdk_bucket = bucket
    cloud.put(name, "doc", b"first version")
    obj = sdk_bucket.object("doc")
    assert obj.get_reader().read_all() == b"first version"
    cloud.put(name, "doc", b"second version, longer")
    assert obj.get_reader().read_all() == b"first version"
    assert obj.get_reader(latest=True).read_all() == b"second version, longer"
    assert obj.get_reader().read_all() == b"second version, longer"
    cloud.delete(name, "doc")
    assert obj.get_reader().read_all() == b"second version, longer"
    with pytest.raises(ErrObjNotFound):
        obj.get_reader(latest=True).read_all()


def test_remote_metadata_is_kept_and_head_reports_presence(cloud: Cloud, bucket: tuple[str, Bucket]) -> None:
    name, sdk_bucket = bucket
    cloud.put(name, "meta.txt", b"attributes")
    obj = sdk_bucket.object("meta.txt")
    before = obj.head()
    assert before.present is False and before.size == len(b"attributes")
    obj.get_reader().read_all()
    after = obj.head()
    assert after.present is True
    custom = after.custom_metadata
    assert custom["source"] == cloud.provider
    assert custom.get("ETag") or custom.get("version") or cloud.provider == "ais"


def test_errors_carry_the_backend_status(cloud: Cloud, bucket: tuple[str, Bucket], client: Client) -> None:
    name, sdk_bucket = bucket
    with pytest.raises(ErrObjNotFound):
        sdk_bucket.object("no-such-object").get_reader().read_all()
    missing = cloud.sdk_bucket(client, "no-such-bucket-" + name)
    with pytest.raises(ErrRemoteBckNotFound):
        missing.list_objects()
    with pytest.raises(ErrRemoteBckNotFound):
        missing.object("x").get_reader().read_all()


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def test_cold_get_memory_stays_flat(stand_ins: StandIns, client: Client) -> None:
    cloud = stand_ins.cloud("aws")
    name = cloud.new_bucket()
    size = 192 * 1024 * 1024
    cloud.put(name, "huge", os.urandom(size))
    pids = [proc.pid for proc in stand_ins.cluster.targets if proc is not None]
    before = {pid: _rss(pid) for pid in pids}
    peak = dict(before)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            for pid in pids:
                peak[pid] = max(peak[pid], _rss(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    received = 0
    try:
        for chunk in cloud.sdk_bucket(client, name).object("huge").get_reader().iter_content(1 << 20):
            received += len(chunk)
    finally:
        done.set()
        sampler.join()
    assert received == size
    growth = max(peak[pid] - before[pid] for pid in pids)
    assert growth < 64 * 1024 * 1024, f"a target grew by {growth >> 20} MiB for a {size >> 20} MiB cold GET"
