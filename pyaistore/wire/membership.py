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
    "KEEP_INITIAL_CONFIG",
    "NO_SHUTDOWN",
    "RM_USER_DATA",
    "SID",
    "SIDS",
    "SKIP_REBALANCE",
    "RemoveNodeValue",
]

FLAG_MAINTENANCE: Final = 4
FLAG_DECOMMISSION: Final = 8
FLAG_MAINTENANCE_DONE: Final = 16

# Keys of a membership change's value.
SID: Final = "sid"
SIDS: Final = "sids"
SKIP_REBALANCE: Final = "skip_rebalance"
RM_USER_DATA: Final = "rm_user_data"
KEEP_INITIAL_CONFIG: Final = "keep_initial_config"
NO_SHUTDOWN: Final = "no_shutdown"

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
            SID: self.sid,
            SKIP_REBALANCE: self.skip_rebalance,
            RM_USER_DATA: self.rm_user_data,
            KEEP_INITIAL_CONFIG: self.keep_initial_config,
            NO_SHUTDOWN: self.no_shutdown,
        }
        if self.sids:
            body[SIDS] = list(self.sids)
        return body

    @classmethod
    def from_json(cls, data: Any) -> "RemoveNodeValue":
        """Parse (keys as AIS sends them); ValueError on a wrong shape."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ValueError(f"{_TAG} the value must be a JSON object")
        sids = data.get(SIDS) or []
        if not isinstance(sids, list) or not all(isinstance(s, str) for s in sids):
            raise ValueError(f"{_TAG} sids must be a list of node IDs")
        sid = data.get(SID) or ""
        if not isinstance(sid, str):
            raise ValueError(f"{_TAG} sid must be a string")
        flags = {}
        for key in (SKIP_REBALANCE, RM_USER_DATA, KEEP_INITIAL_CONFIG, NO_SHUTDOWN):
            value = data.get(key, False)
            if type(value) is not bool:
                raise ValueError(f"{_TAG} {key} must be a boolean")
            flags[key] = value
        return cls(sid, tuple(sids), **flags)
