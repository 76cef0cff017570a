"""mountpaths: roots are created and resolved; HRW choice and ranking; disk health and failures."""

import errno
import os
from collections import Counter
from pathlib import Path

import pytest

from pyaistore.storage.errors import MountpathUnavailable
from pyaistore.storage.mountpaths import Mountpath, MountpathSet, unavailable_as_error
from pyaistore.wire import hrw


def test_roots_are_created_and_absolute(tmp_path: Path) -> None:
    mps = MountpathSet([tmp_path / "a" / "deep", str(tmp_path / "b")])
    assert [mp.root for mp in mps.all] == [tmp_path.resolve() / "a" / "deep", tmp_path.resolve() / "b"]
    assert all(mp.root.is_dir() for mp in mps.all)


def test_choose_follows_wire_hrw(tmp_path: Path) -> None:
    mps = MountpathSet([tmp_path / f"d{i}" for i in range(3)])
    keys = [str(mp.root) for mp in mps.all]
    for i in range(50):
        uname = f"ais/@#/b/obj{i}"
        assert str(mps.choose(uname).root) == hrw.choose_key(keys, uname)


def test_choose_spreads_objects(tmp_path: Path) -> None:
    mps = MountpathSet([tmp_path / f"d{i}" for i in range(3)])
    counts = Counter(mps.choose(f"ais/@#/b/{i}") for i in range(300))
    assert len(counts) == 3 and min(counts.values()) > 50


def test_capacity(tmp_path: Path) -> None:
    total, free = Mountpath(tmp_path).capacity()
    assert total > 0 and 0 <= free <= total


@pytest.mark.parametrize("roots", [[], ["x", "x"], ["x", "x/y"]])
def test_empty_or_overlapping_sets_are_rejected(tmp_path: Path, roots: list[str]) -> None:
    with pytest.raises(ValueError):
        MountpathSet([tmp_path / root for root in roots])


def test_ranked_starts_with_choose_and_covers_every_available(tmp_path: Path) -> None:
    mps = MountpathSet([tmp_path / f"d{i}" for i in range(4)])
    for i in range(50):
        uname = f"ais/@#/b/obj{i}"
        ranking = mps.ranked(uname)
        assert ranking[0] == mps.choose(uname)
        assert sorted(mp.root_str for mp in ranking) == sorted(mp.root_str for mp in mps.all)


def test_choose_skips_disabled_and_promotes_the_next_rank(tmp_path: Path) -> None:
    mps = MountpathSet([tmp_path / f"d{i}" for i in range(3)])
    uname = "ais/@#/b/promoted"
    first, second = mps.ranked(uname)[:2]
    assert mps.disable(first.root)
    assert mps.choose(uname) == second
    assert first not in mps.ranked(uname)


def test_check_probes_the_root(tmp_path: Path) -> None:
    mps = MountpathSet([tmp_path / "d0", tmp_path / "d1"])
    healthy, gone = mps.all
    assert mps.check(healthy) and mps.check(healthy.root_str)
    gone.root.rmdir()
    assert not mps.check(gone)
    gone.root.write_bytes(b"a file, not a directory")
    assert not mps.check(gone)
    assert sorted(p.name for p in healthy.root.iterdir()) == []  # the probe file is removed


@pytest.mark.parametrize("code", [errno.EIO, errno.EROFS, errno.ENODEV])
def test_disk_errors_become_mountpath_unavailable(tmp_path: Path, code: int) -> None:
    mp = Mountpath(tmp_path)
    with pytest.raises(MountpathUnavailable) as caught, unavailable_as_error(mp):
        raise OSError(code, os.strerror(code))
    assert caught.value.path == str(tmp_path) and os.strerror(code) in caught.value.message


def test_a_missing_file_is_a_disk_error_only_when_the_root_is_gone(tmp_path: Path) -> None:
    mp = Mountpath(tmp_path / "root")
    mp.root.mkdir()
    missing = FileNotFoundError(errno.ENOENT, "no such file")
    assert mp.failure(missing) is None
    assert mp.failure(OSError(errno.EACCES, "denied")) is None
    mp.root.rmdir()
    failure = mp.failure(missing)
    assert failure is not None and "root directory is missing" in failure.message


def test_make_dirs_creates_below_the_root_only(tmp_path: Path) -> None:
    mp = Mountpath(tmp_path / "root")
    mp.root.mkdir()
    mp.make_dirs(mp.root / "a" / "b" / "c")
    mp.make_dirs(mp.root / "a" / "b" / "c")  # already there: nothing to do
    mp.make_dirs(mp.root / "a" / "d")
    assert (mp.root / "a" / "b" / "c").is_dir() and (mp.root / "a" / "d").is_dir()
    (mp.root / "file").write_bytes(b"x")
    with pytest.raises(FileExistsError):
        mp.make_dirs(mp.root / "file")
    with pytest.raises(NotADirectoryError):
        mp.make_dirs(mp.root / "file" / "below")
    for outside in (mp.root, tmp_path / "other", tmp_path / "rootless"):
        with pytest.raises(ValueError):
            mp.make_dirs(outside)


def test_make_dirs_never_recreates_a_vanished_root(tmp_path: Path) -> None:
    mp = Mountpath(tmp_path / "root")
    mp.root.mkdir()
    mp.make_dirs(mp.root / "x" / "y")
    mp.root.rename(tmp_path / "away")
    with pytest.raises(FileNotFoundError):
        mp.make_dirs(mp.root / "x" / "y" / "z")
    assert not mp.root.exists()
    assert isinstance(mp.failure(FileNotFoundError(errno.ENOENT, "gone")), MountpathUnavailable)
