"""Object members of the seed documentation (head, get, put, delete) against a real cluster."""

import io
import tarfile
from pathlib import Path

import pytest
import requests

from pyaistore.sdk import Bucket, Client
from pyaistore.sdk.errors import AISError, ErrBckNotFound, ErrObjNotFound


def test_properties(bucket: Bucket) -> None:
    obj = bucket.object("dir/name with spaces?.bin")
    assert obj.obj_name == "dir/name with spaces?.bin"
    assert obj.bck.name == bucket.name
    assert obj.uname == f"ais/@#/{bucket.name}/dir/name with spaces?.bin"


def test_put_content_then_get(bucket: Bucket) -> None:
    obj = bucket.object("dir/name with spaces?.bin")
    headers = obj.put(content=b"hello world")
    assert headers["Ais-Checksum-Value"]
    assert headers["Ais-Version"] == "1"
    reader = obj.get()
    assert reader.content_length == 11
    assert reader.read_all() == b"hello world"
    assert reader.attributes.checksum_value == headers["Ais-Checksum-Value"]
    assert reader.obj_version == "1"


def test_put_path(bucket: Bucket, tmp_path: Path) -> None:
    source = tmp_path / "data.bin"
    source.write_bytes(b"\x00\x01" * 1000)
    bucket.object("f").put(path=str(source))
    assert bucket.object("f").get().read_all() == source.read_bytes()


def test_put_arguments_are_exclusive(bucket: Bucket, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mutually exclusive"):
        bucket.object("x").put(path=str(tmp_path), content=b"x")
    with pytest.raises(ValueError):
        bucket.object("x").put(path=str(tmp_path))


def test_put_without_arguments_stores_empty_object(bucket: Bucket) -> None:
    bucket.object("empty").put()
    assert bucket.object("empty").get().read_all() == b""


def test_put_overwrites_and_bumps_version(bucket: Bucket) -> None:
    obj = bucket.object("v")
    obj.put(content=b"one")
    assert obj.put(content=b"two")["Ais-Version"] == "2"
    assert obj.get().read_all() == b"two"


def test_put_into_missing_bucket(client: Client) -> None:
    with pytest.raises(ErrBckNotFound):
        client.bucket("sdk-no-such-bucket").object("o").put(content=b"x")


def test_get_streams(bucket: Bucket) -> None:
    data = bytes(range(256)) * 1000
    bucket.object("big").put(content=data)
    assert b"".join(bucket.object("big").get(chunk_size=4096).iter_content()) == data
    assert b"".join(bucket.object("big").get()) == data
    raw = bucket.object("big").get().raw()
    try:
        assert raw.read() == data
    finally:
        raw.close()


def test_get_missing(bucket: Bucket) -> None:
    with pytest.raises(ErrObjNotFound) as info:
        bucket.object("missing").get()
    assert isinstance(info.value, requests.HTTPError)
    assert info.value.status_code == 404


def test_head(bucket: Bucket) -> None:
    bucket.object("h").put(content=b"12345")
    bucket.object("h").get_writer().set_custom_props({"origin": "sdk"})
    headers = bucket.object("h").head()
    assert headers["Content-Length"] == "5"
    assert headers.size == 5
    assert headers.present
    assert headers.custom_metadata == {"origin": "sdk"}
    assert bucket.object("h").props.obj_version == "1"
    assert bucket.object("h").head("size").size == 5


def test_head_missing_is_http_404(bucket: Bucket) -> None:
    with pytest.raises(requests.HTTPError) as info:
        bucket.object("missing").head()
    assert isinstance(info.value, ErrObjNotFound)


def test_delete(bucket: Bucket) -> None:
    obj = bucket.object("d")
    obj.put(content=b"x")
    obj.delete()
    with pytest.raises(ErrObjNotFound):
        obj.get()
    with pytest.raises(ErrObjNotFound):
        obj.delete()


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_get_archpath(client: Client, bucket: Bucket) -> None:
    bucket.object("shard.tar").put(content=_tar({"a/one.txt": b"first", "b.txt": b"second"}))
    assert bucket.object("shard.tar").get(archpath="a/one.txt").read_all() == b"first"
    assert client.get_object(bucket.name, "shard.tar", archpath="b.txt").read_all() == b"second"
    with pytest.raises(ErrObjNotFound):
        bucket.object("shard.tar").get(archpath="nope.txt")


def test_get_with_unknown_etl(bucket: Bucket) -> None:
    bucket.object("o").put(content=b"x")
    with pytest.raises(AISError) as info:
        bucket.object("o").get(etl_id="sdk-no-such-etl")
    assert info.value.status_code == 404
