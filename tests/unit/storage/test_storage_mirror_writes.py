"""mirror: writes with copies land on distinct HRW mountpaths, identical in data and metadata."""

from pathlib import Path

import pytest
from mirror_helpers import BUCKET, assert_copies, holders, make_store, put, read

from pyaistore.storage.errors import InvalidProps, TooManyCopies
from pyaistore.storage.object_store import ObjectStore, WriteProps


@pytest.fixture
def store(tmp_path: Path) -> ObjectStore:
    built: ObjectStore = make_store(tmp_path, 4)
    return built


@pytest.mark.parametrize("copies", [1, 2, 3, 4])
def test_copies_land_on_the_first_hrw_mountpaths(store: ObjectStore, copies: int) -> None:
    for i in range(10):
        data = f"object {i}".encode() * 100
        meta = put(store, f"dir/obj{i}", data, copies=copies, custom={"k": str(i)})
        stored = assert_copies(store, f"dir/obj{i}", copies, data)
        assert stored.version == meta.version == "1" and stored.custom == {"k": str(i)}
        assert meta.mountpath == store.mountpaths.choose(BUCKET.object_uname(f"dir/obj{i}")).root_str


def test_more_copies_than_mountpaths_is_refused_before_any_write(store: ObjectStore) -> None:
    with pytest.raises(TooManyCopies, match=r"number of copies \(5\) exceeds the number of mountpaths \(4\)"):
        put(store, "too-many", b"x", copies=5)
    store.mountpaths.disable(store.mountpaths.all[0].root)
    with pytest.raises(TooManyCopies):
        put(store, "too-many", b"x", copies=4)
    assert holders(store, "too-many") == []
    with pytest.raises(InvalidProps):
        WriteProps(copies=0)


def test_overwrite_updates_every_copy_and_bumps_the_version(store: ObjectStore) -> None:
    put(store, "o", b"old", copies=3)
    meta = put(store, "o", b"new content", copies=3)
    assert meta.version == "2"
    assert assert_copies(store, "o", 3, b"new content").version == "2"


def test_fewer_copies_on_overwrite_remove_the_extra_ones(store: ObjectStore) -> None:
    put(store, "o", b"three", copies=3)
    put(store, "o", b"one", copies=1)
    assert_copies(store, "o", 1, b"one")
    put(store, "o", b"two", copies=2)
    assert_copies(store, "o", 2, b"two")


def test_a_no_op_put_keeps_the_copies(store: ObjectStore) -> None:
    meta = put(store, "o", b"same", copies=2)
    again = put(
        store, "o", b"same", copies=2, expected_type=meta.checksum_type, expected_value=meta.checksum_value
    )
    assert again.version == "1"
    assert_copies(store, "o", 2, b"same")


def test_delete_removes_every_copy(store: ObjectStore) -> None:
    put(store, "deep/dir/o", b"x", copies=3)
    store.delete(BUCKET, "deep/dir/o")
    assert holders(store, "deep/dir/o") == []
    for mp in store.mountpaths.all:  # emptied directories are pruned on every disk
        assert not (mp.root / "ais" / "@#" / BUCKET.name / "obj" / "deep").exists()


def test_listing_and_entries_count_each_object_once(store: ObjectStore) -> None:
    for i in range(6):
        put(store, f"o{i}", b"x" * i, copies=3)
    assert [name for name, _ in store.list_names(BUCKET)] == [f"o{i}" for i in range(6)]
    entries = store.list_entries(BUCKET, with_meta=True)
    assert [(name, meta.size if meta else -1) for name, _, meta in entries] == [
        (f"o{i}", i) for i in range(6)
    ]


def test_copy_roots_list_the_main_copy_first(store: ObjectStore) -> None:
    put(store, "o", b"x", copies=3)
    ranking = store.mountpaths.ranked(BUCKET.object_uname("o"))
    assert store.copy_roots(BUCKET, "o") == tuple(mp.root_str for mp in ranking[:3])
    assert read(store, "o") == b"x"
