"""The persisted state of a node's mountpaths (`mountpaths.json`) and how it merges with configuration.

The file, written atomically (temp file in the same directory, fsync, rename, fsync the directory)::

    {"version": 7, "available": ["/mnt/d1", "/mnt/d2"], "disabled": ["/mnt/d3"], "detached": ["/mnt/d0"]}

`version` grows by one with every change; `detached` lists the *configured* roots detached at run
time. The same JSON (a `MountpathState`) is the snapshot a target's main process sends to its HTTP
workers.

Merge rule at start (`merged`): the persisted mountpaths keep their recorded state and order; then
every configured root recorded nowhere is added as available. So a path attached at run time stays
attached though it is not configured, a configured root detached at run time stays detached until
it is attached again, and a root newly added to the configuration joins as available.
"""

import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pyaistore.storage.errors import CorruptMeta

__all__ = ["STATE_FILE", "MountpathState", "load", "save"]

# The file's name in a target's data dir.
STATE_FILE: Final = "mountpaths.json"


@dataclass(frozen=True)
class MountpathState:
    """Which mountpath roots are available, disabled, or (configured but) detached; each in order."""

    available: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    detached: tuple[str, ...] = ()
    version: int = 0

    def to_json(self) -> dict[str, Any]:
        """The JSON-ready form (also the snapshot sent to HTTP workers)."""
        return {
            "version": self.version,
            "available": list(self.available),
            "disabled": list(self.disabled),
            "detached": list(self.detached),
        }

    @classmethod
    def from_json(cls, data: Any) -> "MountpathState":
        """Rebuild from `to_json()` output; ValueError when malformed."""
        if not isinstance(data, dict):
            raise ValueError("mountpath state is not a JSON object")
        version = data.get("version", 0)
        if type(version) is not int or version < 0:
            raise ValueError('mountpath state field "version" is not a non-negative integer')
        lists = {key: _path_list(data, key) for key in ("available", "disabled", "detached")}
        attached = lists["available"] + lists["disabled"]
        if len(set(attached)) != len(attached):
            raise ValueError("mountpath state names a path twice")
        return cls(lists["available"], lists["disabled"], lists["detached"], version)

    def merged(self, configured: Sequence[str]) -> "MountpathState":
        """This state plus every configured root it does not mention, as available (see the module doc)."""
        known = set(self.available) | set(self.disabled) | set(self.detached)
        fresh = tuple(root for root in dict.fromkeys(configured) if root not in known)
        return MountpathState(self.available + fresh, self.disabled, self.detached, self.version)


def load(path: Path) -> MountpathState | None:
    """The state stored at `path`, None when there is no file; CorruptMeta when it cannot be decoded."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return MountpathState.from_json(json.loads(data))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CorruptMeta(f"mountpath state {path} is corrupt: {exc}") from exc


def save(path: Path, state: MountpathState, fsync: bool = True) -> None:
    """Replace the file at `path` by `state` atomically.

    (meta_store.save_file does the same for object sidecars, but it sits above mountpaths in the
    module graph, so this small copy avoids an import cycle.)
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        with open(temp, "wb") as stream:
            stream.write(json.dumps(state.to_json(), indent=1).encode())
            stream.flush()
            if fsync:
                os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if fsync:
        directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _path_list(data: dict[str, Any], key: str) -> tuple[str, ...]:
    """The list of non-empty path strings under `key` (empty when absent)."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ValueError(f'mountpath state field "{key}" is not a list of paths')
    return tuple(value)
