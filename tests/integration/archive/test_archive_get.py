"""GET with archpath: one archived file of tar, tgz, tar.gz, tar.lz4 and zip shards, and its errors."""

import os

import pytest
import requests
from aistore.sdk.archive_config import ArchiveConfig
from aistore.sdk.bucket import Bucket
from aistore.sdk.errors import AISError, ErrObjNotFound
from archive_it_support import SHARD_FORMATS, make_shard, tar_contents

from pyaistore.sdk import ArchiveConfig as OurArchiveConfig
from pyaistore.sdk import ArchiveMode as OurArchiveMode
from pyaistore.sdk import Client as OurClient
from pyaistore.sdk.errors import ErrObjNotFound as OurErrObjNotFound
from pyaistore.server.local_cluster import LocalCluster

MEMBERS = {"a/one.txt": b"first" * 1000, "b.txt": b"second", "c.jpg": b"jpeg", "c.json": b"{}"}


@pytest.mark.parametrize("ext", SHARD_FORMATS)
def test_every_member_of_every_format(bucket: Bucket, ext: str) -> None:
    bucket.object("s" + ext).get_writer().put_content(make_shard(ext, MEMBERS))
    for path, data in MEMBERS.items():
        reader = bucket.object("s" + ext).get_reader(archive_config=ArchiveConfig(archpath=path))
        assert reader.read_all() == data


@pytest.mark.parametrize("ext", [".tar", ".tgz"])
def test_reply_carries_only_type_and_length(
    http: requests.Session, bucket: Bucket, object_url: str, ext: str
) -> None:
    bucket.object("s" + ext).get_writer().put_content(make_shard(ext, MEMBERS))
    reply = http.get(object_url + "s" + ext, params={"archpath": "a/one.txt"})
    assert reply.status_code == 200 and reply.content == MEMBERS["a/one.txt"]
    assert reply.headers["Content-Type"] == "application/octet-stream"
    assert reply.headers["Content-Length"] == str(len(MEMBERS["a/one.txt"]))
    assert not [h for h in reply.headers if h.lower().startswith("ais-")]


@pytest.mark.parametrize("archpath", ["b.txt", "/b.txt", "s.tar/b.txt", "/s.tar/b.txt"])
def test_leading_slash_and_object_name_are_stripped(
    http: requests.Session, bucket: Bucket, object_url: str, archpath: str
) -> None:
    bucket.object("s.tar").get_writer().put_content(make_shard(".tar", MEMBERS))
    reply = http.get(object_url + "s.tar", params={"archpath": archpath, "archregx": ""})
    assert (reply.status_code, reply.content) == (200, b"second")


def test_large_member_of_a_compressed_shard(http: requests.Session, bucket: Bucket, object_url: str) -> None:
    big = os.urandom(6 << 20)
    bucket.object("big.tgz").get_writer().put_content(make_shard(".tgz", {"x": b"1", "big.bin": big}))
    with http.get(object_url + "big.tgz", params={"archpath": "big.bin"}, stream=True) as reply:
        assert reply.headers["Content-Length"] == str(len(big))
        assert b"".join(reply.iter_content(1 << 16)) == big


def test_missing_member_is_err_obj_not_found(bucket: Bucket) -> None:
    bucket.object("s.zip").get_writer().put_content(make_shard(".zip", MEMBERS))
    with pytest.raises(ErrObjNotFound) as info:
        bucket.object("s.zip").get_reader(archive_config=ArchiveConfig(archpath="nope.txt")).read_all()
    assert f"nope.txt in ais://{bucket.name}/s.zip does not exist" in info.value.message


def test_missing_shard_is_err_obj_not_found(bucket: Bucket) -> None:
    with pytest.raises(ErrObjNotFound):
        bucket.object("none.tar").get_reader(archive_config=ArchiveConfig(archpath="a")).read_all()


@pytest.mark.parametrize(
    ("name", "data"),
    [("bad.tar", b"not a tar" * 200), ("bad.tgz", b"\x1f\x8b junk" * 100), ("bad.zip", b"PK junk" * 100)],
)
def test_corrupt_shard_is_400(bucket: Bucket, name: str, data: bytes) -> None:
    bucket.object(name).get_writer().put_content(data)
    with pytest.raises(AISError) as info:
        bucket.object(name).get_reader(archive_config=ArchiveConfig(archpath="a")).read_all()
    assert info.value.status_code == 400
    assert f"ais://{bucket.name}/{name}" in info.value.message


def test_unknown_format_is_400(http: requests.Session, bucket: Bucket, object_url: str) -> None:
    bucket.object("plain.bin").get_writer().put_content(b"\x00" * 1000)
    assert http.get(object_url + "plain.bin", params={"archpath": "a"}).status_code == 400
    reply = http.get(object_url + "plain.bin", params={"archpath": "a", "archmime": "application/json"})
    assert reply.status_code == 400 and "unknown mime" in reply.text


def test_archmime_and_magic_decide_the_format(
    http: requests.Session, bucket: Bucket, object_url: str
) -> None:
    bucket.object("no-extension").get_writer().put_content(make_shard(".tgz", MEMBERS))
    assert http.get(object_url + "no-extension", params={"archpath": "b.txt"}).content == b"second"
    bucket.object("zip.dat").get_writer().put_content(make_shard(".zip", MEMBERS))
    reply = http.get(object_url + "zip.dat", params={"archpath": "b.txt", "archmime": "application/zip"})
    assert reply.content == b"second"


def test_range_with_archpath_is_400(http: requests.Session, bucket: Bucket, object_url: str) -> None:
    bucket.object("s.tar").get_writer().put_content(make_shard(".tar", MEMBERS))
    reply = http.get(object_url + "s.tar", params={"archpath": "b.txt"}, headers={"Range": "bytes=0-1"})
    assert reply.status_code == 400


def test_archpath_with_archmode_is_400(http: requests.Session, bucket: Bucket, object_url: str) -> None:
    bucket.object("s.tar").get_writer().put_content(make_shard(".tar", MEMBERS))
    reply = http.get(object_url + "s.tar", params={"archpath": "b.txt", "archmode": "prefix"})
    assert reply.status_code == 400 and "mutually exclusive" in reply.text


def test_archregx_without_archmode_is_a_plain_get(
    http: requests.Session, bucket: Bucket, object_url: str
) -> None:
    shard = make_shard(".tar", MEMBERS)
    bucket.object("s.tar").get_writer().put_content(shard)
    assert http.get(object_url + "s.tar", params={"archregx": "b", "archpath": ""}).content == shard


def test_our_sdk_reads_archived_files(cluster: LocalCluster, bucket: Bucket) -> None:
    bucket.object("s.tar.lz4").get_writer().put_content(make_shard(".tar.lz4", MEMBERS))
    client = OurClient(cluster.endpoint)
    ours = client.bucket(bucket.name).object("s.tar.lz4")
    assert ours.get(archpath="a/one.txt").read_all() == MEMBERS["a/one.txt"]
    assert client.get_object(bucket.name, "s.tar.lz4", archpath="c.json").read_all() == b"{}"
    reader = ours.get_reader(archive_config=OurArchiveConfig(archpath="/b.txt"))
    assert reader.read_all() == b"second"
    selection = ours.get_reader(archive_config=OurArchiveConfig(regex="c", mode=OurArchiveMode.WDSKEY))
    assert tar_contents(selection.read_all()) == {"c.jpg": b"jpeg", "c.json": b"{}"}
    with pytest.raises(OurErrObjNotFound):
        ours.get(archpath="nope")
