"""resilver.make_n_copies: every object of one bucket gets exactly N copies, up or down."""

from pathlib import Path

import pytest
from mirror_helpers import BUCKET, assert_copies, make_store, put

from pyaistore.storage.errors import InvalidProps, TooManyCopies
from pyaistore.storage.object_store import ObjectStore
from pyaistore.storage.resilver import make_n_copies
from pyaistore.wire.bucket_id import BucketId

NAMES = [f"n/{i}" for i in range(25)]
OTHER = BucketId("untouched")


@pytest.fixture
def store(tmp_path: Path) -> ObjectStore:
    store: ObjectStore = make_store(tmp_path, 4)
    for name in NAMES:
        put(store, name, name.encode() * 10)
    store.ensure_bucket(OTHER)
    put(store, "keep", b"two copies", copies=2, bucket=OTHER)
    return store


def test_up_then_down(store: ObjectStore) -> None:
    stats = make_n_copies(store, BUCKET, 3)
    assert stats.moved == len(NAMES) and stats.bytes_moved == 2 * sum(len(n) * 10 for n in NAMES)
    for name in NAMES:
        assert_copies(store, name, 3, name.encode() * 10)
    stats = make_n_copies(store, BUCKET, 1)
    assert stats.moved == len(NAMES) and stats.bytes_moved == 0
    for name in NAMES:
        assert_copies(store, name, 1, name.encode() * 10)
    assert_copies(store, "keep", 2, b"two copies", bucket=OTHER)  # other buckets are left alone


def test_writes_after_make_n_copies_keep_the_count(store: ObjectStore) -> None:
    make_n_copies(store, BUCKET, 2)
    put(store, NAMES[0], b"rewritten", copies=2)
    assert_copies(store, NAMES[0], 2, b"rewritten")


@pytest.mark.parametrize("copies", [0, 17])
def test_out_of_range(store: ObjectStore, copies: int) -> None:
    with pytest.raises(InvalidProps, match=r"must be in \[1, 16\] range"):
        make_n_copies(store, BUCKET, copies)


def test_more_than_the_mountpaths(store: ObjectStore) -> None:
    store.mountpaths.disable(store.mountpaths.all[0].root)
    with pytest.raises(TooManyCopies, match=r"\(4\) exceeds the number of mountpaths \(3\)"):
        make_n_copies(store, BUCKET, 4)
