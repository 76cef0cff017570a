"""Putting a file into a shard (archive_append.py): new shard, append, atomic failure, formats."""

import subprocess
import tarfile

import pytest
from archive_builders import FORMATS, make_shard, unpack

from pyaistore.storage.archive_append import ArchiveAppender
from pyaistore.storage.errors import ArchiveError, ObjectNotFound
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId


def _put(store: ObjectStore, bucket: BucketId, name: str, data: bytes, **props: object) -> None:
    with store.writer(bucket, name, WriteProps(**props)) as writer:  # type: ignore[arg-type]
        writer.write(data)
        writer.commit()


def _read(store: ObjectStore, bucket: BucketId, name: str) -> bytes:
    with store.open(bucket, name) as file:
        return b"".join(file.read_range(0, file.size))


def _add(
    store: ObjectStore, bucket: BucketId, name: str, ext: str, member: str, data: bytes, **how: bool
) -> str:
    with ArchiveAppender(store, bucket, name, ext, member, len(data), WriteProps(), **how) as appender:
        for start in range(0, len(data), 1000):
            appender.write(data[start : start + 1000])
        return appender.commit().version


@pytest.mark.parametrize("ext", FORMATS)
def test_append_keeps_every_file(store: ObjectStore, bucket: BucketId, ext: str) -> None:
    _put(store, bucket, "s" + ext, make_shard(ext, {"a.txt": b"alpha", "d/b.txt": b"beta" * 999}))
    version = _add(store, bucket, "s" + ext, ext, "new.bin", b"N" * 5000, append=True)
    assert version == "2"
    assert unpack(ext, _read(store, bucket, "s" + ext)) == {
        "a.txt": b"alpha",
        "d/b.txt": b"beta" * 999,
        "new.bin": b"N" * 5000,
    }


@pytest.mark.parametrize("ext", FORMATS)
def test_put_makes_a_shard_of_just_that_file(store: ObjectStore, bucket: BucketId, ext: str) -> None:
    _put(store, bucket, "s" + ext, make_shard(ext, {"old": b"gone"}))
    _add(store, bucket, "s" + ext, ext, "only.txt", b"one", append=False)
    assert unpack(ext, _read(store, bucket, "s" + ext)) == {"only.txt": b"one"}


def test_appended_tar_is_read_by_gnu_tar(store: ObjectStore, bucket: BucketId) -> None:
    _put(store, bucket, "s.tar", make_shard(".tar", {"a": b"1"}))
    _add(store, bucket, "s.tar", ".tar", "b", b"22", append=True)
    data = _read(store, bucket, "s.tar")
    assert len(data) % tarfile.BLOCKSIZE == 0
    listing = subprocess.run(["tar", "tf", "-"], input=data, capture_output=True, check=True)
    assert listing.stdout.split() == [b"a", b"b"]


def test_append_to_missing_shard(store: ObjectStore, bucket: BucketId) -> None:
    with pytest.raises(ObjectNotFound):
        _add(store, bucket, "none.tar", ".tar", "x", b"1", append=True)
    _add(store, bucket, "none.tar", ".tar", "x", b"1", append=True, create_if_missing=True)
    assert unpack(".tar", _read(store, bucket, "none.tar")) == {"x": b"1"}


def test_empty_object_is_appended_to_as_a_new_shard(store: ObjectStore, bucket: BucketId) -> None:
    _put(store, bucket, "empty.tar", b"")
    _add(store, bucket, "empty.tar", ".tar", "x", b"1", append=True, create_if_missing=True)
    assert unpack(".tar", _read(store, bucket, "empty.tar")) == {"x": b"1"}


def test_short_or_long_body_leaves_the_old_shard(store: ObjectStore, bucket: BucketId) -> None:
    original = make_shard(".tar", {"a": b"1"})
    _put(store, bucket, "s.tar", original)
    appender = ArchiveAppender(store, bucket, "s.tar", ".tar", "b", 10, WriteProps(), append=True)
    appender.write(b"12345")
    with pytest.raises(ArchiveError, match="5 of 10 bytes"):
        appender.commit()
    appender = ArchiveAppender(store, bucket, "s.tar", ".tar", "b", 2, WriteProps(), append=True)
    with pytest.raises(ArchiveError, match="more than 2 bytes"):
        appender.write(b"123")
    assert _read(store, bucket, "s.tar") == original
    assert store.cleanup_work() == 0  # no work file was left behind


def test_corrupt_shard_is_not_appended_to(store: ObjectStore, bucket: BucketId) -> None:
    _put(store, bucket, "bad.tgz", b"\x1f\x8b garbage" * 50)
    with pytest.raises(ArchiveError):
        _add(store, bucket, "bad.tgz", ".tgz", "x", b"1", append=True)
    assert _read(store, bucket, "bad.tgz") == b"\x1f\x8b garbage" * 50


def test_custom_metadata_survives_an_append(store: ObjectStore, bucket: BucketId) -> None:
    _put(store, bucket, "s.tar", make_shard(".tar", {"a": b"1"}), custom={"owner": "me"})
    _add(store, bucket, "s.tar", ".tar", "b", b"2", append=True)
    assert store.head(bucket, "s.tar").custom == {"owner": "me"}
