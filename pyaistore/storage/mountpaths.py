"""Mountpaths: the local directories (one per disk) that hold objects, and HRW choice among them."""

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyaistore.wire import hrw

__all__ = ["Mountpath", "MountpathSet"]


@dataclass(frozen=True)
class Mountpath:
    """The root directory of one disk."""

    root: Path

    @functools.cached_property
    def root_str(self) -> str:
        """The root as a string (asked on every GET for the object's location)."""
        return str(self.root)

    def capacity(self) -> tuple[int, int]:
        """(total, free) bytes of the file system holding the root, as seen by unprivileged users."""
        stats = os.statvfs(self.root)
        return stats.f_blocks * stats.f_frsize, stats.f_bavail * stats.f_frsize


class MountpathSet:
    """A fixed set of mountpaths; creates their roots and picks one per object by HRW."""

    def __init__(self, roots: Sequence[str | os.PathLike[str]]) -> None:
        if not roots:
            raise ValueError("at least one mountpath is required")
        resolved: list[Path] = []
        for root in roots:
            path = Path(root)
            path.mkdir(parents=True, exist_ok=True)
            resolved.append(path.resolve())
        _check_disjoint(resolved)
        self._all = tuple(Mountpath(path) for path in resolved)
        self._by_key = {str(mp.root): mp for mp in self._all}

    @property
    def all(self) -> tuple[Mountpath, ...]:
        """Every mountpath, in configuration order."""
        return self._all

    def choose(self, uname: str) -> Mountpath:
        """The mountpath that owns the object with this uname (HRW over the root paths)."""
        if len(self._by_key) == 1:
            return next(iter(self._by_key.values()))
        key = hrw.choose_key(self._by_key, uname)
        assert key is not None  # the set is never empty
        return self._by_key[key]


def _check_disjoint(roots: Sequence[Path]) -> None:
    """ValueError when a root repeats or lies inside another: objects would be found twice."""
    for index, root in enumerate(roots):
        for other in roots[index + 1 :]:
            if root == other or root.is_relative_to(other) or other.is_relative_to(root):
                raise ValueError(f"mountpaths {root} and {other} overlap")
