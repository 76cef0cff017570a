"""PUT with archpath: a new shard of one file, or an append to an existing one (header Ais-Pine)."""

import pytest
import requests
from aistore.sdk.archive_config import ArchiveConfig
from aistore.sdk.bucket import Bucket
from archive_it_support import make_shard

APPEND, APPEND_OR_CREATE = "1", "2"


def _put_file(
    http: requests.Session, url: str, archpath: str, data: bytes, flags: str | None
) -> requests.Response:
    headers = {"Ais-Pine": flags} if flags is not None else {}
    return http.put(url, params={"archpath": archpath}, data=data, headers=headers)


def _read(bucket: Bucket, name: str, archpath: str) -> bytes:
    data: bytes = bucket.object(name).get_reader(archive_config=ArchiveConfig(archpath=archpath)).read_all()
    return data


@pytest.mark.parametrize("ext", [".tar", ".tgz", ".tar.lz4", ".zip"])
def test_append_then_read_both(http: requests.Session, bucket: Bucket, object_url: str, ext: str) -> None:
    bucket.object("s" + ext).get_writer().put_content(make_shard(ext, {"old.txt": b"old"}))
    reply = _put_file(http, object_url + "s" + ext, "new/file.bin", b"N" * 3000, APPEND)
    assert reply.status_code == 200, reply.text
    assert _read(bucket, "s" + ext, "old.txt") == b"old"
    assert _read(bucket, "s" + ext, "new/file.bin") == b"N" * 3000
    assert bucket.object("s" + ext).head(props="version").obj_version == "2"


def test_append_to_missing_shard_is_404(http: requests.Session, bucket: Bucket, object_url: str) -> None:
    assert _put_file(http, object_url + "none.tar", "x", b"1", APPEND).status_code == 404


def test_append_or_create_and_plain_put(http: requests.Session, bucket: Bucket, object_url: str) -> None:
    assert _put_file(http, object_url + "n.tar", "x", b"1", APPEND_OR_CREATE).status_code == 200
    assert _put_file(http, object_url + "n.tar", "y", b"2", APPEND_OR_CREATE).status_code == 200
    assert [e.name for e in bucket.list_archive("n.tar")] == ["n.tar/x", "n.tar/y"]
    assert _put_file(http, object_url + "n.tar", "z", b"3", None).status_code == 200  # replaces the shard
    assert [e.name for e in bucket.list_archive("n.tar")] == ["n.tar/z"]


def test_object_name_prefix_of_archpath_is_stripped(
    http: requests.Session, bucket: Bucket, object_url: str
) -> None:
    assert _put_file(http, object_url + "s.tar", "s.tar/inner.txt", b"i", None).status_code == 200
    assert _read(bucket, "s.tar", "inner.txt") == b"i"


def test_empty_body_and_bad_flags_are_400(http: requests.Session, bucket: Bucket, object_url: str) -> None:
    assert _put_file(http, object_url + "s.tar", "x", b"", None).status_code == 400
    assert _put_file(http, object_url + "s.tar", "x", b"1", "append").status_code == 400
