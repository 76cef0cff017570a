"""Mountpaths: the local directories (one per disk) that hold objects, their states, and HRW choice.

An attached mountpath is *available* (objects are placed on it and read from it) or *disabled*
(attached but unused: nothing is read from or written to it). `MountpathSet` changes them at run
time, thread-safely: `attach`, `detach`, `enable`, `disable`. Readers never lock: every change
publishes a new immutable view, so `choose`, on every request, costs one attribute read plus HRW.

Placement: the object with uname U lives on `ranked(U)[0]` (which is `choose(U)`), the available
mountpath whose root path has the highest HRW weight for U; its mirror copies live on ranks 1, 2,
... (see `mirror`). Disabling a mountpath therefore makes each of its objects' first copy the
main one, with no data moved.

With a state file (`mountpath_state`), every change is persisted before it takes effect and the
constructor merges the persisted state with the configured roots; `snapshot` and `apply` carry
the state to the other processes of the same node. `Mountpath.check` probes a disk, and
`unavailable_as_error` turns an OSError meaning "this disk is gone or failing" into
`MountpathUnavailable`.
"""

import dataclasses
import errno
import functools
import os
import secrets
import stat
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pyaistore.storage import mountpath_state
from pyaistore.storage.errors import (
    InvalidMountpath,
    MountpathNotFound,
    MountpathUnavailable,
    NoMountpathsLeft,
)
from pyaistore.storage.mountpath_state import MountpathState
from pyaistore.wire import hrw

__all__ = ["Mountpath", "MountpathSet", "Prepare", "unavailable_as_error"]

# errno values that mean the disk (not one file on it) is failing or gone.
_DISK_FAILURES: Final = frozenset({errno.EIO, errno.EROFS, errno.ENODEV, errno.ENXIO, errno.ESTALE})
_MISSING: Final = frozenset({errno.ENOENT, errno.ENOTDIR})
_FULL: Final = frozenset({errno.ENOSPC, errno.EDQUOT})

Prepare = Callable[["Mountpath"], None]


@dataclass(frozen=True, eq=False)
class Mountpath:
    """The root directory of one disk; equal to another with the same root."""

    root: Path

    def __eq__(self, other: object) -> bool:
        # By the cached string: mountpaths are compared several times per write (Path.__eq__ is slow).
        return self is other or (isinstance(other, Mountpath) and self.root_str == other.root_str)

    def __hash__(self) -> int:
        return hash(self.root_str)

    @functools.cached_property
    def root_str(self) -> str:
        """The root as a string (asked on every GET for the object's location)."""
        return str(self.root)

    @functools.cached_property
    def digest(self) -> int:
        """The HRW digest of the root path (computed once, used on every placement)."""
        return hrw.digest(self.root_str)

    def capacity(self) -> tuple[int, int]:
        """(total, free) bytes of the file system holding the root, as seen by unprivileged users."""
        stats = os.statvfs(self.root)
        return stats.f_blocks * stats.f_frsize, stats.f_bavail * stats.f_frsize

    def check(self) -> bool:
        """A quick health probe: the root is a directory in which a file can be created and written.

        A full disk (ENOSPC, EDQUOT) counts as healthy: it is not failing, only full.
        """
        probe = os.path.join(self.root_str, f".probe.{secrets.token_hex(8)}")
        try:
            if not stat.S_ISDIR(os.stat(self.root_str).st_mode):
                return False
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            return exc.errno in _FULL
        try:
            os.write(fd, b"\0")
        except OSError as exc:
            return exc.errno in _FULL
        finally:
            os.close(fd)
            _unlink_quietly(probe)
        return True

    def make_dirs(self, path: str | os.PathLike[str]) -> None:
        """Create the directory `path` and its missing parents below the root, never the root itself.

        As `Path.mkdir(parents=True, exist_ok=True)`, but a vanished root (an unmounted disk) stays
        missing, even one that vanishes midway (each mkdir needs its parent): FileNotFoundError, never
        a new empty root on the disk underneath, which the health probe would take for a healthy one.
        ValueError when `path` is not below the root.
        """
        target, root = os.fspath(path), self.root_str
        if not target.startswith(root.rstrip(os.sep) + os.sep):
            raise ValueError(f"{target} is not below mountpath {root}")
        missing: list[str] = []
        while True:
            try:
                _mkdir_exist_ok(target)
                break
            except FileNotFoundError:
                if os.path.dirname(target) == root:
                    raise  # the root itself is missing
                missing.append(target)
                target = os.path.dirname(target)
        for directory in reversed(missing):
            _mkdir_exist_ok(directory)

    def failure(self, exc: OSError) -> MountpathUnavailable | None:
        """The typed error when `exc` means this disk is gone or failing, else None."""
        if exc.errno in _DISK_FAILURES:
            return MountpathUnavailable(self.root_str, os.strerror(exc.errno or 0))
        if exc.errno in _MISSING and not os.path.isdir(self.root_str):
            return MountpathUnavailable(self.root_str, "its root directory is missing")
        return None


@contextmanager
def unavailable_as_error(mp: Mountpath) -> Iterator[None]:
    """Turn an OSError raised inside the block into MountpathUnavailable when it means a failed disk."""
    try:
        yield
    except OSError as exc:
        failure = mp.failure(exc)
        if failure is None:
            raise
        raise failure from exc


@dataclass(frozen=True)
class _View:
    """One immutable state of the set; replaced whole on every change."""

    available: tuple[Mountpath, ...]
    disabled: tuple[Mountpath, ...]
    detached: tuple[str, ...]
    version: int

    def changed(self, **fields: Any) -> "_View":
        """A copy with `fields` replaced and the version bumped."""
        return dataclasses.replace(self, version=self.version + 1, **fields)

    def state(self) -> MountpathState:
        return MountpathState(
            tuple(mp.root_str for mp in self.available),
            tuple(mp.root_str for mp in self.disabled),
            self.detached,
            self.version,
        )


class MountpathSet:
    """The mountpaths of one node: their states, changes at run time, and HRW choice among them."""

    def __init__(
        self,
        roots: Sequence[str | os.PathLike[str]],
        *,
        state_file: str | os.PathLike[str] | None = None,
        fsync: bool = True,
        follower: bool = False,
    ) -> None:
        """New configured `roots` are created if missing; with `state_file`, merged as mountpath_state says.

        A root that cannot be created, or a persisted one (configured or attached) that is no
        longer a directory, starts disabled (not persisted: the next start looks again). A root in
        the state file is never created: its disk vanished, and a new empty root would pass for it.
        ValueError when no root is given, roots overlap, or none is usable.

        A `follower` only follows the node's main process (an HTTP worker): it creates and probes
        no root (a disk that vanished is never recreated by a process starting later), takes the
        state as persisted, and is kept current with `apply`; it never changes the state itself.
        """
        if not roots:
            raise ValueError("at least one mountpath is required")
        self._state_file = Path(state_file) if state_file is not None else None
        self._fsync = fsync
        self._lock = threading.Lock()
        stored = mountpath_state.load(self._state_file) if self._state_file else None
        known = frozenset(stored.available + stored.disabled + stored.detached) if stored else frozenset()
        configured = [_resolve_or_create(Path(root), create=not follower, known=known) for root in roots]
        _check_disjoint([Path(root) for root in configured])
        self._configured = frozenset(configured)
        state = (stored or MountpathState()).merged(configured)
        attached = [Path(path) for path in state.available + state.disabled]
        _check_disjoint(attached)
        usable = [path for path in state.available if follower or os.path.isdir(path)]
        if not usable:
            raise ValueError(f"no usable mountpath among {', '.join(state.available) or 'none'}")
        unusable = [path for path in state.available if path not in usable]
        self._view = _View(
            tuple(Mountpath(Path(path)) for path in usable),
            tuple(Mountpath(Path(path)) for path in state.disabled + tuple(unusable)),
            state.detached,
            state.version,
        )

    # ---- state ----

    @property
    def available(self) -> tuple[Mountpath, ...]:
        """The mountpaths objects are placed on and read from."""
        return self._view.available

    @property
    def disabled(self) -> tuple[Mountpath, ...]:
        """Attached mountpaths that are not used."""
        return self._view.disabled

    @property
    def all(self) -> tuple[Mountpath, ...]:
        """Every attached mountpath: the available ones, then the disabled ones."""
        view = self._view
        return view.available + view.disabled

    @property
    def version(self) -> int:
        """Grows by one with every change (and jumps with `apply`)."""
        return self._view.version

    def find(self, path: str | os.PathLike[str]) -> Mountpath:
        """The attached mountpath with this root; MountpathNotFound if none."""
        return _find(self._view, path)

    def is_available(self, mp: Mountpath) -> bool:
        """Whether `mp` is attached and available."""
        return mp in self._view.available

    def snapshot(self) -> dict[str, Any]:
        """The state as JSON-ready data, for `apply` in another process (see mountpath_state)."""
        return self._view.state().to_json()

    def check(self, path: str | os.PathLike[str] | Mountpath) -> bool:
        """A quick health probe of a mountpath (attached or not): see Mountpath.check."""
        mp = path if isinstance(path, Mountpath) else Mountpath(Path(os.path.abspath(path)))
        return mp.check()

    # ---- changes ----

    def attach(self, path: str | os.PathLike[str], prepare: Prepare | None = None) -> Mountpath:
        """Add an existing directory as an available mountpath; `prepare` runs before it is used.

        InvalidMountpath when it is not a directory, is attached already, or nests with an
        attached mountpath.
        """
        try:
            root = Path(path).resolve(strict=True)
        except OSError as exc:
            raise InvalidMountpath(str(path), f'mountpath "{path}" does not exist') from exc
        if not root.is_dir():
            raise InvalidMountpath(str(path), f'mountpath "{path}" is not a directory')
        with self._lock:
            view = self._view
            for other in view.available + view.disabled:
                if root == other.root:
                    raise InvalidMountpath(str(root), f'mountpath "{root}" is already attached')
                if root.is_relative_to(other.root) or other.root.is_relative_to(root):
                    raise InvalidMountpath(str(root), f'mountpath "{root}" overlaps mountpath "{other.root}"')
            mp = Mountpath(root)
            if prepare is not None:
                prepare(mp)
            detached = tuple(item for item in view.detached if item != mp.root_str)
            self._publish(view.changed(available=(*view.available, mp), detached=detached))
        return mp

    def detach(self, path: str | os.PathLike[str]) -> Mountpath:
        """Remove a mountpath (its files stay on disk); NoMountpathsLeft if it is the last available."""
        with self._lock:
            view = self._view
            mp = _find(view, path)
            if view.available == (mp,):
                raise NoMountpathsLeft(mp.root_str, "detach")
            detached = view.detached
            if mp.root_str in self._configured and mp.root_str not in detached:
                detached += (mp.root_str,)
            available, disabled = _without(view.available, mp), _without(view.disabled, mp)
            self._publish(view.changed(available=available, disabled=disabled, detached=detached))
        return mp

    def enable(self, path: str | os.PathLike[str], prepare: Prepare | None = None) -> bool:
        """Make a disabled mountpath available; False when it already is (AIS answers 204)."""
        with self._lock:
            view = self._view
            mp = _find(view, path)
            if mp in view.available:
                return False
            if prepare is not None:
                prepare(mp)
            self._publish(view.changed(available=(*view.available, mp), disabled=_without(view.disabled, mp)))
        return True

    def disable(self, path: str | os.PathLike[str]) -> bool:
        """Stop using a mountpath; False when it already is disabled, NoMountpathsLeft if it is the last."""
        with self._lock:
            view = self._view
            mp = _find(view, path)
            if mp in view.disabled:
                return False
            if view.available == (mp,):
                raise NoMountpathsLeft(mp.root_str, "disable")
            self._publish(view.changed(available=_without(view.available, mp), disabled=(*view.disabled, mp)))
        return True

    def apply(self, snapshot: Mapping[str, Any]) -> bool:
        """Take the state of another process's `snapshot()`; False if it is not newer than ours.

        Never persisted (the process that made the change did that). ValueError when malformed.
        """
        state = MountpathState.from_json(dict(snapshot))
        if not state.available:
            raise ValueError("a mountpath snapshot must have an available mountpath")
        with self._lock:
            if state.version <= self._view.version:
                return False
            self._view = _View(
                tuple(Mountpath(Path(path)) for path in state.available),
                tuple(Mountpath(Path(path)) for path in state.disabled),
                state.detached,
                state.version,
            )
        return True

    # ---- placement ----

    def choose(self, uname: str) -> Mountpath:
        """The available mountpath that owns the object with this uname (HRW over the root paths)."""
        available = self._view.available
        if len(available) == 1:
            return available[0]
        name = hrw.digest(uname)
        best, best_weight = available[0], -1
        for mp in available:
            weight = hrw.mix(mp.digest ^ name)
            if weight > best_weight:
                best, best_weight = mp, weight
        return best

    def ranked(self, uname: str) -> tuple[Mountpath, ...]:
        """Every available mountpath by descending HRW weight for this uname: [0] is `choose(uname)`."""
        available = self._view.available
        if len(available) == 1:
            return available
        name = hrw.digest(uname)
        return tuple(sorted(available, key=lambda mp: hrw.mix(mp.digest ^ name), reverse=True))

    def _publish(self, view: _View) -> None:
        """Persist (when there is a state file), then make `view` the current state."""
        if self._state_file is not None:
            mountpath_state.save(self._state_file, view.state(), self._fsync)
        self._view = view


def _find(view: _View, path: str | os.PathLike[str]) -> Mountpath:
    """The attached mountpath whose root is `path` (as given, absolute, or resolved)."""
    candidates = {os.path.abspath(path), str(Path(path).resolve())}
    for mp in view.available + view.disabled:
        if mp.root_str in candidates:
            return mp
    raise MountpathNotFound(str(path))


def _without(mountpaths: tuple[Mountpath, ...], mp: Mountpath) -> tuple[Mountpath, ...]:
    return tuple(item for item in mountpaths if item != mp)


def _resolve_or_create(root: Path, create: bool, known: frozenset[str]) -> str:
    """The resolved path of a configured root, created first if missing and new (not in `known`).

    A root the state file knows was in use: missing now, its disk vanished, and it stays missing
    (it starts disabled). Failures to create leave a new root to start disabled as well.
    """
    resolved = str(root.resolve())
    if not create or resolved in known:
        return resolved
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    return str(root.resolve())


def _mkdir_exist_ok(path: str) -> None:
    try:
        os.mkdir(path)
    except FileExistsError:
        if not os.path.isdir(path):
            raise


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _check_disjoint(roots: Sequence[Path]) -> None:
    """ValueError when a root repeats or lies inside another: objects would be found twice."""
    for index, root in enumerate(roots):
        for other in roots[index + 1 :]:
            if root == other or root.is_relative_to(other) or other.is_relative_to(root):
                raise ValueError(f"mountpaths {root} and {other} overlap")
