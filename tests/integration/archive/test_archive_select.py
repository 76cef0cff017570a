"""GET with archregx + archmode: the matching archived files, repacked as a tar stream."""

import pytest
import requests
from aistore.sdk.archive_config import ArchiveConfig, ArchiveMode
from aistore.sdk.bucket import Bucket
from aistore.sdk.errors import AISError
from archive_it_support import SHARD_FORMATS, make_shard, tar_contents

MEMBERS = {
    "sub/aaa.jpg": b"jpeg" * 300,
    "sub/aaa.json": b"{}",
    "sub/aaab.jpg": b"other",
    "top.cls": b"1",
}


@pytest.mark.parametrize("ext", SHARD_FORMATS)
@pytest.mark.parametrize(
    ("mode", "pattern", "expected"),
    [
        (ArchiveMode.PREFIX, "sub/aaa", ["sub/aaa.jpg", "sub/aaa.json", "sub/aaab.jpg"]),
        (ArchiveMode.SUFFIX, ".jpg", ["sub/aaa.jpg", "sub/aaab.jpg"]),
        (ArchiveMode.SUBSTR, "aab", ["sub/aaab.jpg"]),
        (ArchiveMode.REGEXP, r"^top\.", ["top.cls"]),
        (ArchiveMode.WDSKEY, "sub/aaa", ["sub/aaa.jpg", "sub/aaa.json"]),
    ],
)
def test_modes(bucket: Bucket, ext: str, mode: ArchiveMode, pattern: str, expected: list[str]) -> None:
    bucket.object("s" + ext).get_writer().put_content(make_shard(ext, MEMBERS))
    config = ArchiveConfig(regex=pattern, mode=mode)
    got = tar_contents(bucket.object("s" + ext).get_reader(archive_config=config).read_all())
    assert got == {name: MEMBERS[name] for name in expected}


def test_tar_stream_headers(http: requests.Session, bucket: Bucket, object_url: str) -> None:
    bucket.object("s.tgz").get_writer().put_content(make_shard(".tgz", MEMBERS))
    reply = http.get(object_url + "s.tgz", params={"archregx": "sub/", "archmode": "prefix", "archpath": ""})
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/x-tar"
    assert len(tar_contents(reply.content)) == 3


def test_no_match_is_404(bucket: Bucket) -> None:
    bucket.object("s.tar").get_writer().put_content(make_shard(".tar", MEMBERS))
    with pytest.raises(AISError) as info:
        config = ArchiveConfig(regex="zzz", mode=ArchiveMode.PREFIX)
        bucket.object("s.tar").get_reader(archive_config=config).read_all()
    assert info.value.status_code == 404


def test_invalid_mode_is_400(http: requests.Session, bucket: Bucket, object_url: str) -> None:
    bucket.object("s.tar").get_writer().put_content(make_shard(".tar", MEMBERS))
    reply = http.get(object_url + "s.tar", params={"archregx": "a", "archmode": "glob"})
    assert reply.status_code == 400 and "invalid matching mode" in reply.text
