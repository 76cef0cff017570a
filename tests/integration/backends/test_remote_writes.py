"""Writes to remote buckets go through to the backend before they are acknowledged, checked with
the provider's own client: PUT (small and streamed), append + flush, DELETE, object copy in and
out, and a bucket copy from a remote bucket to an ais one."""

import os

import pytest
from clouds_it_support import Cloud

from pyaistore.sdk import Bucket, Client
from pyaistore.sdk.errors import AISError, ErrObjNotFound


def _writable(cloud: Cloud) -> None:
    if not cloud.writable:
        pytest.skip("ht:// origins are read-only (see test_read_only_origin)")


def test_put_is_in_the_cloud_when_acknowledged(cloud: Cloud, bucket: tuple[str, Bucket]) -> None:
    _writable(cloud)
    name, sdk_bucket = bucket
    small, large = b"small body", os.urandom(2 * 1024 * 1024 + 5)
    sdk_bucket.object("small").get_writer().put_content(small)
    assert cloud.get(name, "small") == small
    sdk_bucket.object("dir/large").get_writer().put_content(large)
    assert cloud.get(name, "dir/large") == large
    props = sdk_bucket.object("dir/large").head()
    assert props.present and props.custom_metadata["source"] == cloud.provider
    # Served from the cluster's copy, not fetched again.
    assert sdk_bucket.object("dir/large").get_reader().read_all() == large
    assert cloud.fetches(name, "dir/large") == 0


def test_append_flush_and_delete_go_through(cloud: Cloud, bucket: tuple[str, Bucket]) -> None:
    _writable(cloud)
    name, sdk_bucket = bucket
    writer = sdk_bucket.object("log").get_writer()
    handle = writer.append_content(b"one,")
    handle = writer.append_content(b"two", handle=handle)
    assert cloud.get(name, "log") is None
    writer.append_content(b"", handle=handle, flush=True)
    assert cloud.get(name, "log") == b"one,two"
    sdk_bucket.object("log").delete()
    assert cloud.get(name, "log") is None
    with pytest.raises(ErrObjNotFound):
        sdk_bucket.object("log").get_reader().read_all()
    # Deleting what the backend holds but the cluster never cached deletes it there.
    cloud.put(name, "never-read", b"z")
    sdk_bucket.object("never-read").delete()
    assert cloud.get(name, "never-read") is None


def test_object_copy_into_and_out_of_remote_buckets(
    cloud: Cloud, bucket: tuple[str, Bucket], client: Client
) -> None:
    name, sdk_bucket = bucket
    local = client.bucket(f"local-{name}").create(exist_ok=True)
    cloud.put(name, "src", b"from the cloud")
    # Out of the remote bucket (fetched first, as it is not cached).
    sdk_bucket.object("src").copy(local.object("copied"))
    assert local.object("copied").get_reader().read_all() == b"from the cloud"
    if not cloud.writable:
        return
    # Into the remote bucket: written through.
    local.object("plain").get_writer().put_content(b"to the cloud")
    local.object("plain").copy(sdk_bucket.object("arrived"))
    assert cloud.get(name, "arrived") == b"to the cloud"


def test_bucket_copy_from_remote_to_ais(cloud: Cloud, bucket: tuple[str, Bucket], client: Client) -> None:
    name, sdk_bucket = bucket
    for index in range(4):
        cloud.put(name, f"c/{index}", f"content {index}".encode())
    sdk_bucket.object("c/0").get_reader().read_all()  # one cached, three not
    target = client.bucket(f"copy-of-{name}")
    if cloud.listable:
        job_ids = [sdk_bucket.copy(target)]
    else:  # an origin cannot be listed: the objects are named
        job_ids = sdk_bucket.objects(obj_names=[f"c/{index}" for index in range(4)]).copy(target)
    for job_id in job_ids:
        assert client.job(job_id).wait(timeout=60).success
    copied = {e.name: target.object(e.name).get_reader().read_all() for e in target.list_all_objects()}
    assert copied == {f"c/{index}": f"content {index}".encode() for index in range(4)}


def test_read_only_origin(stand_ins: object, client: Client) -> None:
    from stand_ins_cluster_it_support import StandIns

    assert isinstance(stand_ins, StandIns)
    cloud = stand_ins.cloud("ht")
    name = cloud.new_bucket()
    sdk_bucket = cloud.sdk_bucket(client, name)
    with pytest.raises(AISError) as caught:
        sdk_bucket.object("x").get_writer().put_content(b"no")
    assert caught.value.status_code == 501 and "read-only" in caught.value.message


def test_delete_job_goes_through(cloud: Cloud, bucket: tuple[str, Bucket], client: Client) -> None:
    _writable(cloud)
    name, sdk_bucket = bucket
    for index in range(3):
        sdk_bucket.object(f"d{index}").get_writer().put_content(b"v")
    cloud.put(name, "d3", b"never cached")
    job_id = sdk_bucket.objects(obj_names=["d0", "d1", "d3"]).delete()
    assert client.job(job_id).wait(timeout=60).success
    assert [cloud.get(name, f"d{index}") for index in range(4)] == [None, None, b"v", None]


def test_copy_job_latest_and_sync(cloud: Cloud, bucket: tuple[str, Bucket], client: Client) -> None:
    _writable(cloud)
    name, sdk_bucket = bucket
    target = client.bucket(f"sync-of-{name}")
    cloud.put(name, "s0", b"old")
    cloud.put(name, "s1", b"kept")
    sdk_bucket.object("s0").get_reader().read_all()

    def copy(latest: bool = False, sync: bool = False) -> None:
        for job_id in sdk_bucket.objects(obj_template="s{0..1}").copy(target, latest=latest, sync=sync):
            assert client.job(job_id).wait(timeout=60).success

    copy()
    cloud.put(name, "s0", b"new version")
    copy(latest=True)
    # The destination has the backend's version; the cached source stays as it was (as AIS does).
    assert target.object("s0").get_reader().read_all() == b"new version"
    assert sdk_bucket.object("s0").get_reader().read_all() == b"old"
    cloud.delete(name, "s1")
    copy(sync=True)
    assert {e.name for e in target.list_all_objects()} == {"s0"}


def test_object_copy_latest_reads_the_backend_and_keeps_the_cache(
    cloud: Cloud, bucket: tuple[str, Bucket], client: Client
) -> None:
    name, sdk_bucket = bucket
    local = client.bucket(f"latest-{name}").create(exist_ok=True)
    cloud.put(name, "v", b"first")
    source = sdk_bucket.object("v")
    assert source.get_reader().read_all() == b"first"
    cloud.put(name, "v", b"second")
    source.copy(local.object("latest"), latest=True)
    assert local.object("latest").get_reader().read_all() == b"second"
    source.copy(local.object("cached"))
    assert local.object("cached").get_reader().read_all() == b"first"
    cloud.delete(name, "v")
    with pytest.raises(ErrObjNotFound):
        source.copy(local.object("gone"), latest=True)
