"""Listing with the arch-dir flag: shards get flag 512 and are followed by their files (flag 128)."""

import pytest
from aistore.sdk.bucket import Bucket
from aistore.sdk.list_object_flag import ListObjectFlag
from archive_it_support import make_shard

from pyaistore.sdk import Client as OurClient
from pyaistore.server.local_cluster import LocalCluster

IN_ARCHIVE, IS_ARCHIVE = 128, 512


@pytest.fixture()
def shards(bucket: Bucket) -> Bucket:
    bucket.object("a.tar").get_writer().put_content(
        make_shard(".tar", {f"m{i:02}": b"x" * i for i in range(7)})
    )
    bucket.object("a.tar.bak").get_writer().put_content(b"not a shard")
    bucket.object("b.zip").get_writer().put_content(make_shard(".zip", {"z/1": b"1", "z/2": b"22"}))
    bucket.object("c.tgz").get_writer().put_content(make_shard(".tgz", {"./q.txt": b"q"}))
    bucket.object("plain").get_writer().put_content(b"p")
    return bucket


EXPECTED = (
    ["a.tar", "a.tar.bak"]
    + [f"a.tar/m{i:02}" for i in range(7)]
    + ["b.zip", "b.zip/z/1", "b.zip/z/2", "c.tgz", "c.tgz/q.txt", "plain"]
)


@pytest.mark.parametrize("page_size", [0, 1, 3, 5])
def test_members_follow_their_shard_in_name_order(shards: Bucket, page_size: int) -> None:
    entries = shards.list_all_objects(flags=[ListObjectFlag.ARCH_DIR], page_size=page_size)
    assert [e.name for e in entries] == EXPECTED
    by_name = {e.name: e for e in entries}
    assert by_name["a.tar"].flags & IS_ARCHIVE and not by_name["a.tar.bak"].flags & IS_ARCHIVE
    assert by_name["a.tar/m03"].flags & IN_ARCHIVE and by_name["a.tar/m03"].size == 3
    assert by_name["b.zip/z/2"].size == 2 and by_name["b.zip/z/2"].is_ok()


def test_without_the_flag_only_objects(shards: Bucket) -> None:
    assert [e.name for e in shards.list_all_objects()] == ["a.tar", "a.tar.bak", "b.zip", "c.tgz", "plain"]


def test_list_archive_and_prefix_inside_a_shard(shards: Bucket) -> None:
    assert [e.name for e in shards.list_archive("b.zip")] == ["b.zip/z/1", "b.zip/z/2"]
    inside = shards.list_all_objects(prefix="a.tar/m0", flags=[ListObjectFlag.ARCH_DIR], page_size=2)
    assert [e.name for e in inside] == [f"a.tar/m{i:02}" for i in range(7)]


def test_our_sdk_lists_archives(cluster: LocalCluster, shards: Bucket) -> None:
    from pyaistore.sdk.list_object_flag import ListObjectFlag as OurFlag

    ours = OurClient(cluster.endpoint).bucket(shards.name)
    entries = ours.list_all_objects(flags=[OurFlag.ARCH_DIR], page_size=4)
    assert [e.name for e in entries] == EXPECTED


def test_corrupt_shard_is_listed_as_a_plain_object(bucket: Bucket) -> None:
    bucket.object("bad.tar").get_writer().put_content(b"junk" * 300)
    entries = bucket.list_all_objects(flags=[ListObjectFlag.ARCH_DIR])
    assert [(e.name, e.flags & IS_ARCHIVE) for e in entries] == [("bad.tar", 0)]
