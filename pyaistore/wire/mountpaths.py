"""The mountpath lists a target reports, alone and cluster-wide (reference section 3.1).

One target (`GET /v1/daemon?what=mountpaths`)::

    {"available": ["/mp1", "/mp2"], "waiting_dd": [], "disabled": ["/mp3"]}

every list sorted; `waiting_dd` names mountpaths being disabled or detached that wait for a
resilver to finish (always empty here: a change takes effect at once, then resilver runs).
The cluster (`GET /v1/cluster?what=mountpaths` on a proxy): `{"targets": {"<target id>": {...}}}`.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["TARGETS_KEY", "MountpathList", "parse_cluster"]

TARGETS_KEY: Final = "targets"
_KEYS: Final = ("available", "waiting_dd", "disabled")


@dataclass(frozen=True, slots=True)
class MountpathList:
    """One target's mountpaths by state, each tuple sorted."""

    available: tuple[str, ...] = ()
    waiting_dd: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()

    @classmethod
    def of(cls, available: Iterable[str], disabled: Iterable[str]) -> "MountpathList":
        """The list of these mountpaths, sorted."""
        return cls(tuple(sorted(available)), (), tuple(sorted(disabled)))

    def to_json(self) -> dict[str, list[str]]:
        """The JSON shape (lists always present, as AIS sends them)."""
        return {
            "available": list(self.available),
            "waiting_dd": list(self.waiting_dd),
            "disabled": list(self.disabled),
        }

    @classmethod
    def from_json(cls, data: Any) -> "MountpathList":
        """Parse the JSON shape (null lists are empty); ValueError when malformed."""
        if not isinstance(data, dict):
            raise ValueError("mountpath list must be a JSON object")
        lists: list[tuple[str, ...]] = []
        for key in _KEYS:
            value = data.get(key) or []
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise ValueError(f'mountpath list: "{key}" must be a list of paths')
            lists.append(tuple(value))
        return cls(*lists)


def parse_cluster(data: Any) -> dict[str, MountpathList]:
    """The cluster-wide reply as target ID -> MountpathList; ValueError when malformed."""
    if not isinstance(data, dict) or not isinstance(data.get(TARGETS_KEY), Mapping):
        raise ValueError(f'cluster mountpaths must be a JSON object with "{TARGETS_KEY}"')
    return {str(node_id): MountpathList.from_json(item) for node_id, item in data[TARGETS_KEY].items()}
