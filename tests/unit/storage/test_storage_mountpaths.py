"""mountpaths: roots are created and resolved; HRW choice is stable and spreads names."""

from collections import Counter
from pathlib import Path

import pytest

from pyaistore.storage.mountpaths import Mountpath, MountpathSet
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
