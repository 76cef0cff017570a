"""atomic_write: nothing partial is ever visible; checksums verified; versions follow the rule."""

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import xxhash

from pyaistore.storage import checksums, layout, meta_store
from pyaistore.storage.errors import ChecksumMismatch, InvalidProps, NameConflict, ObjectNotFound
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId

Put = Callable[..., ObjectMeta]
Read = Callable[[str], bytes]


def _work_files(store: ObjectStore) -> list[Path]:
    return [path for mp in store.mountpaths.all for path in layout.work_dir(mp).iterdir()]


def test_commit_publishes_data_and_metadata(any_store: ObjectStore, bucket: BucketId, read: Read) -> None:
    with any_store.writer(bucket, "d/o", WriteProps(custom={"k": "v"})) as writer:
        writer.write(b"hello ")
        writer.write(b"world")
        meta = writer.commit()
    assert read("d/o") == b"hello world"
    assert meta.size == 11 and meta.version == "1" and meta.custom == {"k": "v"}
    assert meta.checksum_type == "xxhash2"
    assert meta.checksum_value == xxhash.xxh64(b"hello world").hexdigest()
    assert meta.mountpath == str(any_store.mountpaths.choose(bucket.object_uname("d/o")).root)
    assert any_store.head(bucket, "d/o") == meta
    assert _work_files(any_store) == []


def test_xattr_is_on_the_object_file(store: ObjectStore, bucket: BucketId) -> None:
    with store.writer(bucket, "o", WriteProps()) as writer:
        writer.write(b"x")
        meta = writer.commit()
    path = layout.object_path(store.mountpaths.all[0], bucket, "o")
    meta.mountpath = ""
    assert meta_store.read(path) == meta


def test_nothing_is_visible_before_commit(any_store: ObjectStore, bucket: BucketId) -> None:
    with any_store.writer(bucket, "o", WriteProps()) as writer:
        writer.write(b"partial")
        with pytest.raises(ObjectNotFound):
            any_store.head(bucket, "o")
        assert list(any_store.list_names(bucket)) == []
        writer.commit()


def test_exception_in_block_aborts(any_store: ObjectStore, bucket: BucketId) -> None:
    with pytest.raises(RuntimeError), any_store.writer(bucket, "o", WriteProps()) as writer:
        writer.write(b"data")
        raise RuntimeError("client went away")
    with pytest.raises(ObjectNotFound):
        any_store.head(bucket, "o")
    assert _work_files(any_store) == []


def test_leaving_without_commit_aborts(
    any_store: ObjectStore, bucket: BucketId, put: Put, read: Read
) -> None:
    put("o", b"old")
    with any_store.writer(bucket, "o", WriteProps()) as writer:
        writer.write(b"new")
    assert read("o") == b"old"
    assert _work_files(any_store) == []
    with pytest.raises(ValueError):
        writer.write(b"more")


def test_checksum_mismatch_keeps_the_old_object(
    any_store: ObjectStore, bucket: BucketId, put: Put, read: Read
) -> None:
    old = put("o", b"old")
    props = WriteProps(expected_type="xxhash2", expected_value="0" * 16)
    with pytest.raises(ChecksumMismatch) as info, any_store.writer(bucket, "o", props) as writer:
        writer.write(b"new")
        writer.commit()
    actual = xxhash.xxh64(b"new").hexdigest()
    assert (
        info.value.message == f"BAD DATA CHECKSUM: xxhash2({'0' * 16}) != xxhash2({actual}) for ais://bkt/o"
    )
    assert read("o") == b"old"
    assert any_store.head(bucket, "o") == old
    assert _work_files(any_store) == []


def test_expected_checksum_of_another_type_is_verified(put: Put) -> None:
    md5 = checksums.compute("md5", b"data")
    meta = put("o", b"data", expected_type="md5", expected_value=md5)
    assert meta.checksum_type == "xxhash2"  # stored with the bucket's type
    with pytest.raises(ChecksumMismatch, match="md5"):
        put("o", b"other", expected_type="md5", expected_value=md5)


def test_versions_bump_and_skip_version_check_restarts(put: Put) -> None:
    assert [put("o", b"x").version for _ in range(3)] == ["1", "2", "3"]
    assert put("o", b"x", skip_version_check=True).version == "1"
    assert put("o", b"x", versioning=False).version == "1"
    assert put("o", b"x", version="42").version == "42"
    assert put("o", b"x").version == "43"
    assert put("o", b"x", versioning=False).version == "43"
    assert put("o", b"x", version="v-abc").version == "v-abc"
    assert put("o", b"x").version == "1"  # a non-integer version restarts


def test_noop_put_keeps_the_object(put: Put, read: Read) -> None:
    first = put("o", b"same", custom={"a": "1"})
    again = put("o", b"same", expected_type="xxhash", expected_value=first.checksum_value, custom={"b": "2"})
    assert again == first  # no version bump, no metadata change
    assert read("o") == b"same"
    changed = put("o", b"other")
    assert changed.version == "2"


def test_checksum_none_stores_no_value(put: Put) -> None:
    meta = put("o", b"data", checksum_type="none")
    assert (meta.checksum_type, meta.checksum_value) == ("none", "")


@pytest.mark.parametrize("field", ["checksum_type", "expected_type"])
def test_unknown_checksum_types_are_invalid_props(field: str) -> None:
    with pytest.raises(InvalidProps, match="blake3"):
        WriteProps(**{field: "blake3"})  # type: ignore[arg-type]


def test_name_conflicts(any_store: ObjectStore, bucket: BucketId, put: Put, read: Read) -> None:
    put("a", b"file")
    with pytest.raises(NameConflict, match="ais://bkt/a/b"):
        put("a/b", b"under a file")
    put("d/e", b"nested")
    with pytest.raises(NameConflict, match="ais://bkt/d"):
        put("d", b"over a directory")
    assert read("a") == b"file" and read("d/e") == b"nested"
    assert _work_files(any_store) == []


def test_atime_is_now_or_given(put: Put) -> None:
    before = time.time_ns()
    assert put("o", b"x").atime_ns >= before
    assert put("o", b"x", atime_ns=123).atime_ns == 123


def test_work_file_lives_on_the_object_mountpath(store3: ObjectStore, bucket: BucketId) -> None:
    mp = store3.mountpaths.choose(bucket.object_uname("o"))
    with store3.writer(bucket, "o", WriteProps()) as writer:
        writer.write(b"x")
        assert len(os.listdir(layout.work_dir(mp))) == 1
        writer.commit()


def test_name_conflicts_do_not_depend_on_placement(store3: ObjectStore, bucket: BucketId) -> None:
    def disk(name: str) -> str:
        return str(store3.mountpaths.choose(bucket.object_uname(name)).root)

    parent = next(f"p{i}" for i in range(100) if disk(f"p{i}") != disk(f"p{i}/child"))
    with store3.writer(bucket, parent, WriteProps()) as writer:
        writer.write(b"file")
        writer.commit()
    with pytest.raises(NameConflict):
        store3.writer(bucket, f"{parent}/child", WriteProps())
    child = next(f"q{i}/c" for i in range(100) if disk(f"q{i}") != disk(f"q{i}/c"))
    with store3.writer(bucket, child, WriteProps()) as writer:
        writer.write(b"nested")
        writer.commit()
    with pytest.raises(NameConflict):
        store3.writer(bucket, child.split("/")[0], WriteProps())
