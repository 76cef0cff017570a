"""mountpath_state: changes survive a restart with the same state file; configured roots merge in."""

import json
from pathlib import Path

import pytest

from pyaistore.storage import mountpath_state
from pyaistore.storage.errors import CorruptMeta
from pyaistore.storage.mountpath_state import MountpathState
from pyaistore.storage.mountpaths import MountpathSet


def _names(paths: tuple[str, ...]) -> list[str]:
    return [Path(path).name for path in paths]


def _restart(tmp_path: Path, configured: list[str]) -> MountpathSet:
    return MountpathSet([tmp_path / name for name in configured], state_file=tmp_path / "mountpaths.json")


def test_changes_survive_a_restart(tmp_path: Path) -> None:
    mps = _restart(tmp_path, ["d0", "d1", "d2"])
    (tmp_path / "extra").mkdir()
    mps.attach(tmp_path / "extra")
    mps.disable(tmp_path / "d1")
    mps.detach(tmp_path / "d2")
    again = _restart(tmp_path, ["d0", "d1", "d2"])
    assert again.all == mps.all and again.available == mps.available and again.disabled == mps.disabled
    assert again.version == mps.version == 3
    stored = json.loads((tmp_path / "mountpaths.json").read_bytes())
    assert _names(stored["available"]) == ["d0", "extra"] and _names(stored["disabled"]) == ["d1"]
    assert _names(stored["detached"]) == ["d2"]  # a configured root detached at run time stays so


def test_reattaching_a_detached_configured_root_forgets_the_detach(tmp_path: Path) -> None:
    mps = _restart(tmp_path, ["d0", "d1"])
    mps.detach(tmp_path / "d1")
    mps.attach(tmp_path / "d1")
    stored = mountpath_state.load(tmp_path / "mountpaths.json")
    assert stored is not None and stored.detached == ()
    assert [mp.root.name for mp in _restart(tmp_path, ["d0", "d1"]).available] == ["d0", "d1"]


def test_a_newly_configured_root_joins_as_available(tmp_path: Path) -> None:
    (tmp_path / "extra").mkdir()
    _restart(tmp_path, ["d0"]).attach(tmp_path / "extra")
    mps = _restart(tmp_path, ["d0", "d1"])
    assert [mp.root.name for mp in mps.available] == ["d0", "extra", "d1"]


def test_a_vanished_persisted_mountpath_starts_disabled(tmp_path: Path) -> None:
    mps = _restart(tmp_path, ["d0"])
    (tmp_path / "gone").mkdir()
    mps.attach(tmp_path / "gone")
    (tmp_path / "gone").rmdir()
    again = _restart(tmp_path, ["d0"])
    assert [mp.root.name for mp in again.disabled] == ["gone"]
    assert not (tmp_path / "gone").exists()  # never recreated on the file system underneath


def test_a_vanished_configured_mountpath_starts_disabled_and_stays_missing(tmp_path: Path) -> None:
    _restart(tmp_path, ["d0", "d1", "d2"]).disable(tmp_path / "d2")  # any change persists the state
    (tmp_path / "d1").rmdir()
    again = _restart(tmp_path, ["d0", "d1", "d2"])
    assert [mp.root.name for mp in again.disabled] == ["d2", "d1"]
    assert not (tmp_path / "d1").exists()  # a root the state file knows is never created
    assert [mp.root.name for mp in _restart(tmp_path, ["d0", "d1", "d2", "d3"]).available] == ["d0", "d3"]


def test_merge_rule() -> None:
    state = MountpathState(available=("/a",), disabled=("/b",), detached=("/c",), version=4)
    merged = state.merged(["/b", "/c", "/d", "/a", "/d"])
    assert merged == MountpathState(("/a", "/d"), ("/b",), ("/c",), 4)


def test_json_round_trip_and_corrupt_files(tmp_path: Path) -> None:
    state = MountpathState(("/a", "/b"), ("/c",), (), 9)
    assert MountpathState.from_json(json.loads(json.dumps(state.to_json()))) == state
    path = tmp_path / "mountpaths.json"
    assert mountpath_state.load(path) is None
    mountpath_state.save(path, state)
    assert mountpath_state.load(path) == state
    assert [p.name for p in tmp_path.iterdir()] == ["mountpaths.json"]  # no temp file left
    for bad in (b"{", b"[]", b'{"available": ["/a", "/a"]}', b'{"version": "1"}'):
        path.write_bytes(bad)
        with pytest.raises(CorruptMeta):
            mountpath_state.load(path)
