"""mirror: append flush, metadata updates, copy and rename leave every copy identical to the main one."""

from pathlib import Path

import pytest
from mirror_helpers import BUCKET, assert_copies, holders, make_store, on_disk, put, read

from pyaistore.storage.object_store import ObjectStore, WriteProps


@pytest.fixture(params=[True, False], ids=["xattr", "sidecar"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    built: ObjectStore = make_store(tmp_path, 3, use_xattrs=bool(request.param))
    return built


def _same_everywhere(store: ObjectStore, name: str, copies: int, data: bytes) -> None:
    """Every copy reads back (through the store, one disk at a time) with the main copy's metadata."""
    ranking = store.mountpaths.ranked(BUCKET.object_uname(name))
    assert sorted(mp.root_str for mp in holders(store, name)) == sorted(
        mp.root_str for mp in ranking[:copies]
    )
    main = store.head(BUCKET, name).to_json()
    for mp in ranking[: copies - 1]:  # disable each copy's predecessors in turn: the next one serves
        store.mountpaths.disable(mp.root)
        assert read(store, name) == data
        assert store.head(BUCKET, name).to_json() == main
    for mp in ranking[: copies - 1]:
        store.mountpaths.enable(mp.root)


def test_append_flush_writes_every_copy(store: ObjectStore) -> None:
    put(store, "log", b"start;", copies=2)
    handle = store.append(BUCKET, "log", "", [b"more;"])
    store.append(BUCKET, "log", handle, [b"end"])
    meta = store.flush_append(BUCKET, "log", handle, WriteProps(copies=2))
    assert meta.version == "2" and meta.size == len(b"start;more;end")
    _same_everywhere(store, "log", 2, b"start;more;end")


def test_set_custom_updates_every_copy(store: ObjectStore) -> None:
    put(store, "o", b"data", copies=3, custom={"a": "1"})
    meta = store.set_custom(BUCKET, "o", {"b": "2"}, replace=False)
    assert meta.custom == {"a": "1", "b": "2"} and meta.version == "1"
    _same_everywhere(store, "o", 3, b"data")
    assert store.head(BUCKET, "o").custom == {"a": "1", "b": "2"}


@pytest.mark.parametrize("rank", [0, 1], ids=["stale-main", "stale-replica"])
def test_set_custom_repairs_a_stale_copy_from_the_freshest(tmp_path: Path, rank: int) -> None:
    store: ObjectStore = make_store(tmp_path, 3)
    put(store, "o", b"old", copies=2)
    stale = store.mountpaths.ranked(BUCKET.object_uname("o"))[rank]
    store.mountpaths.disable(stale.root)
    put(store, "o", b"new", copies=2)  # the disabled disk keeps version 1
    store.mountpaths.enable(stale.root)
    assert on_disk(stale, "o")[0] == b"old"
    store.set_custom(BUCKET, "o", {"k": "v"}, replace=True)
    for mp in holders(store, "o"):
        data, meta = on_disk(mp, "o")
        assert data == b"new" and meta.version == "2" and meta.custom == {"k": "v"}


def test_copy_to_another_bucket_takes_the_destination_copies(store: ObjectStore) -> None:
    put(store, "src", b"payload", copies=1, custom={"c": "d"})
    store.copy(BUCKET, "src", BUCKET, "dst", WriteProps(copies=3))
    assert len(holders(store, "dst")) == 3
    _same_everywhere(store, "dst", 3, b"payload")


def test_rename_keeps_the_number_of_copies(store: ObjectStore) -> None:
    put(store, "before", b"payload", copies=2)
    put(store, "before", b"payload v2", copies=2)
    meta = store.rename(BUCKET, "before", "after")
    assert meta.version == "2"
    assert holders(store, "before") == []
    _same_everywhere(store, "after", 2, b"payload v2")


def test_xattr_copies_are_identical_on_disk(tmp_path: Path) -> None:
    store: ObjectStore = make_store(tmp_path, 3)
    put(store, "o", b"bytes", copies=3)
    store.set_custom(BUCKET, "o", {"x": "y"}, replace=False)
    assert assert_copies(store, "o", 3, b"bytes").custom == {"x": "y"}
