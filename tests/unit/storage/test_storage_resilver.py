"""resilver: after mountpath changes every object goes back to its HRW mountpaths with its copies."""

from pathlib import Path

import pytest
from mirror_helpers import BUCKET, assert_copies, holders, make_store, on_disk, put, read

from pyaistore.storage import layout
from pyaistore.storage.object_store import ObjectStore
from pyaistore.storage.resilver import ResilverStats, resilver
from pyaistore.wire.bucket_id import BucketId

PAIRS = BucketId("pairs")  # mirrored: two copies per object
SINGLES = [f"single/{i}" for i in range(40)]
DOUBLES = [f"double/{i}" for i in range(20)]
COPIES = {BUCKET: 1, PAIRS: 2}


@pytest.fixture
def store(tmp_path: Path) -> ObjectStore:
    store: ObjectStore = make_store(tmp_path, 3)
    store.ensure_bucket(PAIRS)
    for name in SINGLES:
        put(store, name, name.encode())
    for name in DOUBLES:
        put(store, name, name.encode(), copies=2, bucket=PAIRS)
    return store


def _all_home(store: ObjectStore) -> None:
    for name in SINGLES:
        assert_copies(store, name, 1, name.encode())
    for name in DOUBLES:
        assert_copies(store, name, 2, name.encode(), bucket=PAIRS)


def _readable(store: ObjectStore) -> None:
    assert all(read(store, name) == name.encode() for name in SINGLES)
    assert all(read(store, name, PAIRS) == name.encode() for name in DOUBLES)


def test_after_attach_objects_move_to_the_new_mountpath(tmp_path: Path, store: ObjectStore) -> None:
    (tmp_path / "new").mkdir()
    new = store.attach(tmp_path / "new", [BUCKET, PAIRS])
    _readable(store)  # misplaced objects are found on the slow path
    stats = resilver(store, COPIES)
    _all_home(store)
    assert stats.objects == len(SINGLES) + len(DOUBLES) and stats.moved > 0 and stats.errors == 0
    moved_here = [n for n in SINGLES if holders(store, n) == [new]]
    assert moved_here and stats.bytes_moved >= sum(len(n) for n in moved_here)
    again = resilver(store, COPIES)  # idempotent
    assert (again.moved, again.bytes_moved) == (0, 0)


def test_after_disable_the_copies_are_restored(store: ObjectStore) -> None:
    lost = store.mountpaths.all[0]
    store.mountpaths.disable(lost.root)
    resilver(store, {PAIRS: 2})
    for name in DOUBLES:
        assert_copies(store, name, 2, name.encode(), bucket=PAIRS)


def test_after_enable_objects_written_meanwhile_move_back(store: ObjectStore) -> None:
    away = store.mountpaths.all[1]
    store.mountpaths.disable(away.root)
    for name in SINGLES:
        put(store, name, b"v2 " + name.encode())
    store.enable(away.root, [BUCKET, PAIRS])
    stale = [n for n in SINGLES if store.head(BUCKET, n).mountpath == away.root_str]
    assert stale and all(read(store, n) == n.encode() for n in stale)  # version 1, until resilver
    resilver(store, COPIES)
    for name in SINGLES:
        meta = assert_copies(store, name, 1, b"v2 " + name.encode())
        assert meta.version == ("1" if name in stale else "2")  # written while version 1 was out of sight


def test_a_lost_main_copy_is_restored_from_a_surviving_one(store: ObjectStore) -> None:
    for name in DOUBLES:
        main = store.mountpaths.choose(PAIRS.object_uname(name))
        layout.object_path(main, PAIRS, name).unlink()
    resilver(store, COPIES)
    _all_home(store)


def test_a_newer_misplaced_copy_beats_an_older_one_in_place(store: ObjectStore) -> None:
    name = SINGLES[0]
    home = store.mountpaths.choose(BUCKET.object_uname(name))
    store.mountpaths.disable(home.root)
    put(store, name, b"newer")  # lands on the next mountpath; the old one is out of sight
    put(store, name, b"newest")  # version 2 there
    store.mountpaths.enable(home.root)
    assert on_disk(home, name)[0] == name.encode()  # version 1 is still at home
    resilver(store, COPIES)
    assert assert_copies(store, name, 1, b"newest").version == "2"


def test_with_equal_versions_the_later_write_wins(store: ObjectStore) -> None:
    name = SINGLES[0]
    home = store.mountpaths.choose(BUCKET.object_uname(name))
    store.mountpaths.disable(home.root)
    assert put(store, name, b"later").version == "1"  # the first write is out of sight
    store.mountpaths.enable(home.root)
    resilver(store, COPIES)
    assert_copies(store, name, 1, b"later")


def test_abort_and_progress(store: ObjectStore) -> None:
    seen: list[tuple[int, int]] = []

    def progress(stats: ResilverStats) -> None:
        seen.append((stats.objects, stats.moved))

    stats = resilver(store, COPIES, abort=lambda: len(seen) >= 5, progress=progress)
    assert stats.aborted and stats.objects == 5
    assert [objects for objects, _ in seen] == [1, 2, 3, 4, 5]


def test_a_blind_write_beats_a_stale_higher_version(store: ObjectStore) -> None:
    name = SINGLES[0]
    for round_ in range(3):
        put(store, name, f"v{round_ + 2}".encode())  # version 4 at home
    home = store.mountpaths.choose(BUCKET.object_uname(name))
    store.mountpaths.disable(home.root)
    assert put(store, name, b"blind").version == "1"  # the client's last word, unaware of version 4
    store.mountpaths.enable(home.root)
    resilver(store, COPIES)
    assert assert_copies(store, name, 1, b"blind").version == "1"
