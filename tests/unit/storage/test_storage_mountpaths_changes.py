"""mountpaths: attach, detach, enable and disable at run time; their errors; snapshots for other processes."""

import threading
from pathlib import Path

import pytest

from pyaistore.storage.errors import InvalidMountpath, MountpathNotFound, NoMountpathsLeft
from pyaistore.storage.mountpaths import Mountpath, MountpathSet


def _roots(mountpaths: tuple[Mountpath, ...]) -> list[str]:
    return [mp.root.name for mp in mountpaths]


@pytest.fixture
def mps(tmp_path: Path) -> MountpathSet:
    return MountpathSet([tmp_path / "d0", tmp_path / "d1"])


def test_attach_adds_an_available_mountpath(tmp_path: Path, mps: MountpathSet) -> None:
    (tmp_path / "d2").mkdir()
    prepared: list[Mountpath] = []
    mp = mps.attach(tmp_path / "d2", prepare=prepared.append)
    assert prepared == [mp] and mp.root == (tmp_path / "d2").resolve()
    assert _roots(mps.available) == ["d0", "d1", "d2"] and mps.version == 1
    assert any(mps.choose(f"ais/@#/b/{i}") == mp for i in range(100))


def test_a_follower_creates_no_root_and_takes_the_persisted_state(tmp_path: Path) -> None:
    state = tmp_path / "mountpaths.json"
    main = MountpathSet([tmp_path / "d0", tmp_path / "d1"], state_file=state)
    main.disable(tmp_path / "d1")
    (tmp_path / "d0").rmdir()  # the disk vanished before the follower started
    follower = MountpathSet([tmp_path / "d0", tmp_path / "d1"], state_file=state, follower=True)
    assert not (tmp_path / "d0").exists()
    assert _roots(follower.available) == ["d0"] and _roots(follower.disabled) == ["d1"]
    assert follower.version == main.version


@pytest.mark.parametrize("path", ["d0", "d0/inner", "missing", "file"])
def test_attach_rejects_duplicates_nesting_and_non_directories(
    tmp_path: Path, mps: MountpathSet, path: str
) -> None:
    (tmp_path / "d0" / "inner").mkdir()
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(InvalidMountpath):
        mps.attach(tmp_path / path)
    assert _roots(mps.all) == ["d0", "d1"] and mps.version == 0


def test_attach_rejects_a_parent_of_an_attached_mountpath(tmp_path: Path) -> None:
    mps = MountpathSet([tmp_path / "outer" / "d0"])
    with pytest.raises(InvalidMountpath, match="overlaps"):
        mps.attach(tmp_path / "outer")


def test_disable_and_enable_report_whether_anything_changed(mps: MountpathSet) -> None:
    d0 = mps.all[0]
    assert mps.disable(d0.root_str) is True
    assert mps.disable(d0.root_str) is False  # already disabled: AIS answers 204
    assert _roots(mps.available) == ["d1"] and _roots(mps.disabled) == ["d0"]
    assert mps.enable(d0.root) is True
    assert mps.enable(d0.root) is False
    assert _roots(mps.available) == ["d1", "d0"] and mps.disabled == ()
    assert mps.version == 2


def test_the_last_available_mountpath_cannot_go(mps: MountpathSet) -> None:
    d0, d1 = mps.all
    mps.disable(d0.root)
    with pytest.raises(NoMountpathsLeft, match="last available"):
        mps.disable(d1.root)
    with pytest.raises(NoMountpathsLeft):
        mps.detach(d1.root)
    assert mps.detach(d0.root) == d0  # a disabled one may go
    assert _roots(mps.all) == ["d1"]


def test_unknown_mountpaths_are_not_found(tmp_path: Path, mps: MountpathSet) -> None:
    for change in (mps.enable, mps.disable, mps.detach):
        with pytest.raises(MountpathNotFound) as caught:
            change(tmp_path / "nope")
        assert caught.value.path == str(tmp_path / "nope")


def test_detach_keeps_the_files(mps: MountpathSet) -> None:
    d0 = mps.all[0]
    (d0.root / "keep").write_bytes(b"x")
    mps.detach(d0.root)
    assert (d0.root / "keep").read_bytes() == b"x"
    assert d0 not in mps.all


def test_apply_takes_only_newer_snapshots(tmp_path: Path, mps: MountpathSet) -> None:
    worker = MountpathSet([tmp_path / "d0", tmp_path / "d1"])
    (tmp_path / "d2").mkdir()
    mps.attach(tmp_path / "d2")
    mps.disable(tmp_path / "d0")
    snapshot = mps.snapshot()
    assert worker.apply(snapshot) is True
    assert worker.apply(snapshot) is False
    assert worker.all == mps.all and worker.available == mps.available and worker.version == 2
    uname = "ais/@#/b/same-choice"
    assert worker.choose(uname) == mps.choose(uname)


def test_apply_rejects_malformed_snapshots(mps: MountpathSet) -> None:
    for bad in ({"version": 5, "available": []}, {"version": 5, "available": "x"}, {"version": -1}):
        with pytest.raises(ValueError):
            mps.apply(bad)


def test_concurrent_changes_never_lose_one(tmp_path: Path) -> None:
    mps = MountpathSet([tmp_path / "base"])
    for i in range(8):
        (tmp_path / f"x{i}").mkdir()
    threads = [threading.Thread(target=mps.attach, args=(tmp_path / f"x{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(mps.available) == 9 and mps.version == 8
