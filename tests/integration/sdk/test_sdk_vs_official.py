"""The same calls through our SDK and the official aistore 2.0.0 SDK give the same results."""

import pytest
from aistore.sdk import Client as OfficialClient
from aistore.sdk import errors as official_errors
from sdk_it_support import ClusterLike

from pyaistore.sdk import Bucket, Client
from pyaistore.sdk.errors import ErrBckNotFound, ErrObjNotFound


@pytest.fixture(scope="module")
def official(cluster: ClusterLike) -> OfficialClient:
    return OfficialClient(cluster.endpoint)


def test_cluster_map(client: Client, official: OfficialClient) -> None:
    ours, theirs = client.cluster().get_info(), official.cluster().get_info()
    assert set(ours.tmap) == set(theirs.tmap)
    assert ours.proxy_si.public_net.direct_url == theirs.proxy_si.public_net.direct_url
    assert client.cluster().is_ready() == official.cluster().is_ready()


def test_bucket_listing(client: Client, official: OfficialClient, bucket: Bucket) -> None:
    ours = sorted(b.name for b in client.cluster().list_buckets())
    theirs = sorted(b.name for b in official.cluster().list_buckets())
    assert ours == theirs
    assert bucket.name in ours


def test_objects_written_by_one_read_by_the_other(
    client: Client, official: OfficialClient, bucket: Bucket
) -> None:
    bucket.object("ours").put(content=b"written by pyaistore")
    official.bucket(bucket.name).object("theirs").get_writer().put_content(b"written by aistore")
    assert official.bucket(bucket.name).object("ours").get_reader().read_all() == b"written by pyaistore"
    assert bucket.object("theirs").get_reader().read_all() == b"written by aistore"
    ours_attrs = bucket.object("ours").props
    theirs_attrs = official.bucket(bucket.name).object("ours").props
    assert (ours_attrs.size, ours_attrs.checksum_value, ours_attrs.obj_version) == (
        theirs_attrs.size,
        theirs_attrs.checksum_value,
        theirs_attrs.obj_version,
    )


def test_object_listing(client: Client, official: OfficialClient, bucket: Bucket) -> None:
    for index in range(5):
        bucket.object(f"n/{index}").put(content=b"x" * index)
    ours = [(entry.name, entry.size) for entry in bucket.list_objects_iter(page_size=2)]
    theirs = [
        (entry.name, entry.size) for entry in official.bucket(bucket.name).list_objects_iter(page_size=2)
    ]
    assert ours == theirs


def test_ranged_reads(client: Client, official: OfficialClient, bucket: Bucket) -> None:
    bucket.object("r").put(content=bytes(range(200)))
    for byte_range in ("bytes=10-19", "bytes=150-", "bytes=-7"):
        ours = bucket.object("r").get_reader(byte_range=byte_range).read_all()
        theirs = official.bucket(bucket.name).object("r").get_reader(byte_range=byte_range).read_all()
        assert ours == theirs


def test_same_error_kinds(client: Client, official: OfficialClient, bucket: Bucket) -> None:
    with pytest.raises(ErrObjNotFound):
        bucket.object("missing").get_reader().read_all()
    with pytest.raises(official_errors.ErrObjNotFound):
        official.bucket(bucket.name).object("missing").get_reader().read_all()
    with pytest.raises(ErrBckNotFound):
        client.bucket("sdk-missing-bucket").list_objects()
    with pytest.raises(official_errors.ErrBckNotFound):
        official.bucket("sdk-missing-bucket").list_objects()
