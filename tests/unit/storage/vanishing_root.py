"""Make a mountpath root vanish at the worst moment: just before the store creates a directory below it.

A disk can be unmounted, or its root renamed away, between any two system calls of a write. To hit
the one window that matters deterministically, an audit hook (`sys.addaudithook`, the interpreter's
own seam for observing `os` calls) renames the root away when the first `os.mkdir` of a path under
it is about to run. Audit hooks cannot be removed: one is installed per process, and it acts only
while a `vanish_before_mkdir` block runs.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class _Armed:
    root: str
    away: str
    below: str  # the first mkdir at or under this path (under the root) makes the root vanish
    fired: bool = False
    created_after: list[str] = field(default_factory=list)  # mkdirs under the root once it vanished


class _Hook:
    """The process's one audit hook; `armed` is the block it serves (None: inert)."""

    def __init__(self) -> None:
        self.armed: _Armed | None = None
        sys.addaudithook(self)

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        armed = self.armed
        if armed is None or event != "os.mkdir" or isinstance(args[0], int):
            return
        path = os.fsdecode(os.fspath(args[0]))
        if path != armed.root and not path.startswith(armed.root + os.sep):
            return
        if armed.fired:
            armed.created_after.append(path)
            return
        if path != armed.below and not path.startswith(armed.below + os.sep):
            return
        armed.fired = True
        os.rename(armed.root, armed.away)


_HOOK = _Hook()


@contextmanager
def vanish_before_mkdir(root: Path, away: Path, below: Path | None = None) -> Iterator[list[str]]:
    """While the block runs, the first os.mkdir under `below` (default: `root`) first renames
    `root` to `away`.

    Yields the directories under `root` that mkdir was asked for after that (attempts, whether or
    not they succeeded). Fails if the root never vanished (the block created no directory).
    """
    armed = _Armed(str(root), str(away), str(below or root))
    _HOOK.armed = armed
    try:
        yield armed.created_after
    finally:
        _HOOK.armed = None
    assert armed.fired, f"nothing created a directory under {root}: the root never vanished"
