"""per_root: one thing per mountpath root, made once even when many threads ask at the same time."""

import threading
from pathlib import Path

from pyaistore.storage.per_root import PerRoot


def test_each_root_is_made_once_under_concurrent_first_use(tmp_path: Path) -> None:
    made: list[Path] = []
    gate = threading.Barrier(8)

    def make(root: Path) -> object:
        made.append(root)
        return object()

    registry: PerRoot[object] = PerRoot(make)
    got: list[object] = []

    def ask() -> None:
        gate.wait()
        got.append(registry.for_root(tmp_path / "a"))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == [tmp_path / "a"] and len({id(item) for item in got}) == 1
    other = registry.for_root(tmp_path / "b")
    assert made == [tmp_path / "a", tmp_path / "b"]
    assert registry.items() == [got[0], other]


def test_take_all_forgets_so_the_next_use_makes_anew(tmp_path: Path) -> None:
    registry: PerRoot[object] = PerRoot(lambda root: object())
    first = registry.for_root(tmp_path)
    assert registry.take_all() == [first] and registry.items() == []
    assert registry.for_root(tmp_path) is not first
