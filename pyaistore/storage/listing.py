"""Walk a bucket's object directories in global lexicographic order of the full object name.

Within one directory, children are sorted by key: the child's name, plus "/" for a directory.
Every name in a directory's subtree starts with that key, so a depth-first walk in key order
yields full names in strictly ascending order (Python str order), and whole subtrees can be
skipped when they cannot match the prefix or lie entirely at or before `after`. Walks over
several mountpaths are merged with heapq.merge.
"""

import heapq
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from pyaistore.storage.names import MAX_COMPONENT_BYTES

__all__ = ["FileStat", "merge", "merge_found", "walk"]

_Child = tuple[str, bool, str]  # (key, is_dir, path)
_OPEN_DIRECTORY: Final = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


class FileStat:
    """lstat of the files a walk found under one objects directory, relative to an open descriptor
    of the directory of the last one: fstatat resolves one name instead of the whole path (about
    half the system call's cost), and a walk meets a directory's files one after another."""

    def __init__(self, objects_dir: str) -> None:
        """Stat names under `objects_dir`; close() releases the descriptor."""
        self._root = objects_dir + os.sep
        self._directory = ""
        self._fd = -1

    def lstat(self, name: str) -> os.stat_result:
        """lstat of object `name` (OSError as os.lstat raises it)."""
        directory, _, base = name.rpartition("/")
        if directory != self._directory or self._fd < 0:
            self.close()
            self._fd = os.open(self._root + directory, _OPEN_DIRECTORY)
            self._directory = directory
        return os.lstat(base, dir_fd=self._fd)

    def close(self) -> None:
        """Release the directory descriptor, if one is open."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def walk(objects_dir: Path, prefix: str, after: str, recursive: bool) -> Iterator[tuple[str, bool]]:
    """(name, is_dir) under one objects directory, ascending, with name > after and the prefix.

    Recursive walks yield objects only; non-recursive ones yield the objects directly in the
    prefix's directory plus one "name/" entry per subdirectory (holding objects) matching the prefix.
    """
    start = _prefix_dir(prefix)
    if start is None:
        return iter(())
    directory = objects_dir.joinpath(*start.split("/")[:-1]) if start else objects_dir
    if recursive:
        return _walk_tree(directory, start, prefix, after)
    return _list_level(directory, start, prefix, after)


def merge(walks: Iterable[Iterator[tuple[str, bool]]]) -> Iterator[tuple[str, bool]]:
    """Merge ascending walks into one ascending stream, dropping repeats (a dir on two disks)."""
    last = None
    for name, is_dir in heapq.merge(*walks):
        if name != last:
            last = name
            yield name, is_dir


def merge_found(walks: Iterable[Iterator[tuple[str, bool, int]]]) -> Iterator[tuple[str, bool, int]]:
    """Like merge, for walks tagged with where they run: the first walk holding a name wins."""
    last = None
    for found in heapq.merge(*walks):
        if found[0] != last:
            last = found[0]
            yield found


def _walk_tree(directory: Path, relative: str, prefix: str, after: str) -> Iterator[tuple[str, bool]]:
    """Depth-first, in key order, with an explicit stack (names may nest 500 deep)."""
    stack = [iter(_sorted_children(str(directory), relative))]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        key, is_dir, path = child
        if is_dir:
            if _subtree_may_match(key, prefix, after):
                stack.append(iter(_sorted_children(path, key)))
        elif key > after and key.startswith(prefix):
            yield key, False


def _list_level(directory: Path, relative: str, prefix: str, after: str) -> Iterator[tuple[str, bool]]:
    """One directory level: objects and subdirectory entries that match."""
    for key, is_dir, path in _sorted_children(str(directory), relative):
        if key > after and key.startswith(prefix) and (not is_dir or _holds_a_file(path)):
            yield key, is_dir


def _sorted_children(directory: str, relative: str) -> list[_Child]:
    """The regular files and directories in `directory`, sorted by key; [] if it vanished."""
    children: list[_Child] = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    children.append((relative + entry.name + "/", True, entry.path))
                elif entry.is_file(follow_symlinks=False):
                    children.append((relative + entry.name, False, entry.path))
    except (FileNotFoundError, NotADirectoryError):
        return []
    children.sort()
    return children


def _subtree_may_match(key: str, prefix: str, after: str) -> bool:
    """Whether any name starting with `key` (which ends in "/") can be listed."""
    if not (key.startswith(prefix) or prefix.startswith(key)):
        return False
    # Everything under `key` sorts before `after` when key < after and after is not inside it.
    return not (key < after and not after.startswith(key))


def _holds_a_file(directory: str) -> bool:
    """Whether the tree under `directory` holds any object; stops at the first one found.

    Trees of empty directories are leftovers of interrupted writes and must not show up as
    virtual directories.
    """
    pending = [directory]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.is_file(follow_symlinks=False):
                        return True
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
        except (FileNotFoundError, NotADirectoryError):
            continue
    return False


def _prefix_dir(prefix: str) -> str | None:
    """The directory part of `prefix` ("a/b/" for "a/b/c"), or None when no object can match."""
    start = prefix[: prefix.rfind("/") + 1]
    for part in start.split("/")[:-1]:
        try:
            size = len(part.encode("utf-8"))
        except UnicodeEncodeError:
            return None
        if part in ("", ".", "..") or "\x00" in part or size > MAX_COMPONENT_BYTES:
            return None
    return start
