"""One thing per mountpath root, made on first use: mountpaths come and go while a node runs."""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

__all__ = ["PerRoot"]

T = TypeVar("T")


class PerRoot(Generic[T]):
    """A thread-safe map from a mountpath root to its T, each made by `make(root)` when first asked for."""

    def __init__(self, make: Callable[[Path], T]) -> None:
        """`make` builds the T of a root (called once per root, under a lock)."""
        self._make = make
        self._items: dict[Path, T] = {}
        self._lock = threading.Lock()

    def for_root(self, root: Path) -> T:
        """The T of the mountpath at `root` (a dict read once made: no lock on the hot path)."""
        item = self._items.get(root)
        if item is None:
            with self._lock:
                item = self._items.get(root)
                if item is None:
                    item = self._items[root] = self._make(root)
        return item

    def items(self) -> list[T]:
        """Every T made so far."""
        with self._lock:
            return list(self._items.values())

    def take_all(self) -> list[T]:
        """Every T made so far, forgotten here (a later `for_root` makes a new one)."""
        with self._lock:
            items = list(self._items.values())
            self._items.clear()
        return items
