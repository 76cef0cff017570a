"""Membership changes as the client sends them (AIS's ActValRmNode) and the node flags they set.

A change names one node (`sid`) or a batch (`sids`), never both, never none. Flags are bits of
`Snode.flags` in the cluster map (reference §1.1): maintenance (4) and decommissioning (8) take a
target out of HRW placement; 16 marks a maintenance or shutdown whose rebalance has completed.
"""

from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "FLAG_DECOMMISSION",
    "FLAG_MAINTENANCE",
    "FLAG_MAINTENANCE_DONE",
    "RemoveNodeValue",
]

FLAG_MAINTENANCE: Final = 4
FLAG_DECOMMISSION: Final = 8
FLAG_MAINTENANCE_DONE: Final = 16

_TAG: Final = "invalid membership-change operation:"


@dataclass(frozen=True, slots=True)
class RemoveNodeValue:
    """The value of a membership change: which nodes, and how."""

    sid: str = ""
    sids: tuple[str, ...] = ()
    skip_rebalance: bool = False
    rm_user_data: bool = False
    keep_initial_config: bool = False
    no_shutdown: bool = False

    def node_ids(self) -> tuple[str, ...]:
        """The nodes named, in order, without repeats; ValueError as AIS words it."""
        if self.sid and self.sids:
            raise ValueError(f'{_TAG} cannot specify both sid "{self.sid}" and sids {list(self.sids)}')
        ids = self.sids or ((self.sid,) if self.sid else ())
        if not ids or any(not node_id for node_id in ids):
            raise ValueError(f"{_TAG} missing node ID")
        if len(set(ids)) != len(ids):
            raise ValueError(f"{_TAG} duplicate node IDs in {list(ids)}")
        return ids

    def to_json(self) -> dict[str, Any]:
        """Wire shape."""
        body: dict[str, Any] = {
            "sid": self.sid,
            "skip_rebalance": self.skip_rebalance,
            "rm_user_data": self.rm_user_data,
            "keep_initial_config": self.keep_initial_config,
            "no_shutdown": self.no_shutdown,
        }
        if self.sids:
            body["sids"] = list(self.sids)
        return body

    @classmethod
    def from_json(cls, data: Any) -> "RemoveNodeValue":
        """Parse (keys as AIS sends them); ValueError on a wrong shape."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ValueError(f"{_TAG} the value must be a JSON object")
        sids = data.get("sids") or []
        if not isinstance(sids, list) or not all(isinstance(s, str) for s in sids):
            raise ValueError(f"{_TAG} sids must be a list of node IDs")
        sid = data.get("sid") or ""
        if not isinstance(sid, str):
            raise ValueError(f"{_TAG} sid must be a string")
        flags = {}
        for key in ("skip_rebalance", "rm_user_data", "keep_initial_config", "no_shutdown"):
            value = data.get(key, False)
            if type(value) is not bool:
                raise ValueError(f"{_TAG} {key} must be a boolean")
            flags[key] = value
        return cls(sid, tuple(sids), **flags)
