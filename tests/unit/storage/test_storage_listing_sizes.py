"""list_sizes: names and sizes from the walk alone, equal to what the metadata says, each object once."""

import os
from collections.abc import Iterator

import pytest

from pyaistore.storage import layout
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId

SIZES = {"a": 0, "b/c": 1, "b/d/e": 4097, "f": 70_000, "g/h": 12}


def _put(store: ObjectStore, bucket: BucketId, name: str, data: bytes, copies: int = 1) -> None:
    with store.writer(bucket, name, WriteProps(copies=copies)) as writer:
        writer.write(data)
        writer.commit()


def test_sizes_equal_the_metadata_sizes(any_store: ObjectStore, bucket: BucketId) -> None:
    for name, size in SIZES.items():
        _put(any_store, bucket, name, bytes(size))
    _put(any_store, bucket, "f", b"overwritten")  # a new version of another size
    listed = any_store.list_sizes(bucket)
    assert [name for name, _, _ in listed] == sorted(SIZES)
    for name, is_dir, size in listed:
        assert not is_dir and size == any_store.head(bucket, name).size
    assert dict((n, s) for n, _, s in listed) == SIZES | {"f": 11}


def test_mirrored_objects_are_listed_once(store3: ObjectStore, bucket: BucketId) -> None:
    _put(store3, bucket, "m", b"mirrored", copies=3)
    _put(store3, bucket, "n", b"single")
    assert store3.list_sizes(bucket) == [("m", False, 8), ("n", False, 6)]


def test_paging_prefix_and_directories(any_store: ObjectStore, bucket: BucketId) -> None:
    for name, size in SIZES.items():
        _put(any_store, bucket, name, bytes(size))
    page = any_store.list_sizes(bucket, after="b/c", limit=2)
    assert page == [("b/d/e", False, 4097), ("f", False, 70_000)]
    level = any_store.list_sizes(bucket, prefix="b/", recursive=False)
    assert level == [("b/c", False, 1), ("b/d/", True, 0)]


def test_writes_and_appends_in_progress_are_not_listed(store: ObjectStore, bucket: BucketId) -> None:
    _put(store, bucket, "done", b"12345")
    with store.writer(bucket, "in-flight", WriteProps()) as writer:
        writer.write(b"x" * 10)
        handle = store.append(bucket, "staged", "", [b"abc"])
        assert store.list_sizes(bucket) == [("done", False, 5)]
        writer.commit()
    store.append(bucket, "staged", handle, [b"de"])
    assert store.list_sizes(bucket) == [("done", False, 5), ("in-flight", False, 10)]
    store.flush_append(bucket, "staged", handle, WriteProps())
    assert store.list_sizes(bucket)[-1] == ("staged", False, 5)


class _ScanThenRemove:
    """os.scandir's result, read in full, after which `doomed` is removed: the walk has seen it."""

    def __init__(self, entries: list[os.DirEntry[str]], doomed: str) -> None:
        self._entries, self._doomed = entries, doomed

    def __enter__(self) -> Iterator[os.DirEntry[str]]:
        os.unlink(self._doomed)
        return iter(self._entries)

    def __exit__(self, *exc: object) -> None:
        return None


def test_an_object_removed_after_the_walk_saw_it_is_skipped(
    store: ObjectStore, bucket: BucketId, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("d/a", "d/b", "d/c"):
        _put(store, bucket, name, b"xyz")
    directory = str(layout.objects_dir(store.mountpaths.all[0], bucket) / "d")
    real = os.scandir

    def scan(path: str) -> object:
        if str(path) != directory:
            return real(path)
        with real(path) as entries:
            return _ScanThenRemove(list(entries), os.path.join(directory, "b"))  # d/b goes

    monkeypatch.setattr(os, "scandir", scan)
    assert store.list_sizes(bucket) == [("d/a", False, 3), ("d/c", False, 3)]
