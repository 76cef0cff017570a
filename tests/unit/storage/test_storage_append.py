"""Append sessions: staged invisibly, extend existing objects, publish atomically on flush."""

from collections.abc import Callable, Iterator

import pytest

from pyaistore.storage import checksums, layout
from pyaistore.storage.errors import ChecksumMismatch, InvalidAppendHandle, ObjectNotFound
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId

Put = Callable[..., ObjectMeta]
Read = Callable[[str], bytes]


def test_appends_are_invisible_until_flush(any_store: ObjectStore, bucket: BucketId, read: Read) -> None:
    handle = any_store.append(bucket, "o", "", [b"one,"])
    assert layout.is_valid_token(handle)
    assert any_store.append(bucket, "o", handle, [b"two,", b"three"]) == handle
    with pytest.raises(ObjectNotFound):
        any_store.head(bucket, "o")
    assert list(any_store.list_names(bucket)) == []
    meta = any_store.flush_append(bucket, "o", handle, WriteProps())
    assert read("o") == b"one,two,three"
    assert (meta.size, meta.version) == (13, "1")
    assert meta.checksum_value == checksums.compute("xxhash2", b"one,two,three")
    with pytest.raises(InvalidAppendHandle):
        any_store.append(bucket, "o", handle, [b"session is over"])


def test_append_extends_an_existing_object(
    any_store: ObjectStore, bucket: BucketId, put: Put, read: Read
) -> None:
    put("o", b"base", custom={"k": "v"})
    handle = any_store.append(bucket, "o", "", [b"+more"])
    assert read("o") == b"base"
    meta = any_store.flush_append(bucket, "o", handle, WriteProps())
    assert read("o") == b"base+more"
    assert meta.version == "2"


def test_flush_checksum_mismatch_keeps_the_session(
    any_store: ObjectStore, bucket: BucketId, read: Read
) -> None:
    handle = any_store.append(bucket, "o", "", [b"data"])
    wrong = WriteProps(expected_type="md5", expected_value="0" * 32)
    with pytest.raises(ChecksumMismatch):
        any_store.flush_append(bucket, "o", handle, wrong)
    with pytest.raises(ObjectNotFound):
        any_store.head(bucket, "o")
    right = WriteProps(expected_type="md5", expected_value=checksums.compute("md5", b"data"))
    any_store.flush_append(bucket, "o", handle, right)
    assert read("o") == b"data"


@pytest.mark.parametrize("handle", ["short", "../../../etc/passwd", "x" * 65, "A" * 38])
def test_bad_handles(any_store: ObjectStore, bucket: BucketId, handle: str) -> None:
    with pytest.raises(InvalidAppendHandle):
        any_store.append(bucket, "o", handle, [b"x"])
    with pytest.raises(InvalidAppendHandle):
        any_store.flush_append(bucket, "o", handle, WriteProps())


def test_a_handle_only_serves_its_own_object(any_store: ObjectStore, bucket: BucketId) -> None:
    handle = any_store.append(bucket, "o", "", [b"x"])
    with pytest.raises(InvalidAppendHandle):
        any_store.flush_append(bucket, "other", handle, WriteProps())
    with pytest.raises(InvalidAppendHandle):
        any_store.append(bucket, "other", handle, [b"y"])


def test_a_failed_append_is_rolled_back(any_store: ObjectStore, bucket: BucketId, read: Read) -> None:
    handle = any_store.append(bucket, "o", "", [b"kept"])

    def broken() -> Iterator[bytes]:
        yield b"lost"
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        any_store.append(bucket, "o", handle, broken())
    any_store.flush_append(bucket, "o", handle, WriteProps())
    assert read("o") == b"kept"


def test_a_failed_first_append_leaves_no_session(any_store: ObjectStore, bucket: BucketId) -> None:
    def broken() -> Iterator[bytes]:
        yield b"lost"
        raise ConnectionResetError

    with pytest.raises(ConnectionResetError):
        any_store.append(bucket, "o", "", broken())
    assert all(list(layout.work_dir(mp).iterdir()) == [] for mp in any_store.mountpaths.all)
