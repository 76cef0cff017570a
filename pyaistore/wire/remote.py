"""Remote buckets on the wire: attached AIS clusters (`what=remote`), and what a target tells the
proxy about a remote bucket (its backend's answer to a HEAD) and one page of its objects.

The attached-cluster list is AIS's shape (reference "Remote AIS clusters"):
`{"a": [{"smap": {...} | null, "url": "http://h:p", "alias": "teamZ", "uuid": "..."}], "ver": N}`.
"""

from dataclasses import dataclass, field
from typing import Any

from pyaistore.wire.messages import ListEntry

__all__ = ["RemoteBucketInfo", "RemoteCluster", "RemoteClusterList", "RemotePage"]


@dataclass(frozen=True, slots=True)
class RemoteCluster:
    """One attached AIS cluster: its alias, URL and UUID, and its map when it answered."""

    alias: str
    url: str
    uuid: str = ""
    smap: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """AIS's RemAis shape."""
        return {"smap": self.smap, "url": self.url, "alias": self.alias, "uuid": self.uuid}

    @classmethod
    def from_json(cls, data: Any) -> "RemoteCluster":
        """Parse one entry (ValueError when malformed)."""
        if not isinstance(data, dict) or not isinstance(data.get("alias"), str):
            raise ValueError("remote cluster: expected an object with an alias")
        smap = data.get("smap")
        return cls(
            alias=data["alias"],
            url=str(data.get("url") or ""),
            uuid=str(data.get("uuid") or ""),
            smap=smap if isinstance(smap, dict) else None,
        )


@dataclass(frozen=True, slots=True)
class RemoteClusterList:
    """`GET /v1/cluster?what=remote`: the attached clusters and the version of their table."""

    clusters: tuple[RemoteCluster, ...] = ()
    version: int = 0

    def to_json(self) -> dict[str, Any]:
        """AIS's RemAisVec shape."""
        return {"a": [item.to_json() for item in self.clusters], "ver": self.version}

    @classmethod
    def from_json(cls, data: Any) -> "RemoteClusterList":
        """Parse the reply (ValueError when malformed)."""
        if not isinstance(data, dict):
            raise ValueError("remote clusters: expected a JSON object")
        items = data.get("a") or []
        if not isinstance(items, list):
            raise ValueError('remote clusters: "a" must be a list')
        return cls(tuple(RemoteCluster.from_json(item) for item in items), int(data.get("ver") or 0))


@dataclass(frozen=True, slots=True)
class RemoteBucketInfo:
    """A backend's answer about a bucket: what the bucket's properties take from it."""

    versioning: bool = False
    region: str = ""
    # A remote AIS bucket is kept under its cluster's UUID (an alias resolves to it).
    uuid: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON body of the internal remote-bucket HEAD."""
        return {"versioning": self.versioning, "region": self.region, "uuid": self.uuid}

    @classmethod
    def from_json(cls, data: Any) -> "RemoteBucketInfo":
        """Parse it (ValueError when malformed)."""
        if not isinstance(data, dict):
            raise ValueError("remote bucket info: expected a JSON object")
        return cls(bool(data.get("versioning")), str(data.get("region") or ""), str(data.get("uuid") or ""))


@dataclass(slots=True)
class RemotePage:
    """One page of a backend's listing as a target relays it: entries and the backend's own token."""

    entries: list[ListEntry] = field(default_factory=list)
    token: str = ""

    def to_msgpack(self) -> dict[str, Any]:
        """Compact form: entries in the listing's short keys."""
        return {"e": [entry.to_msgpack() for entry in self.entries], "t": self.token}

    @classmethod
    def from_msgpack(cls, data: Any) -> "RemotePage":
        """Parse `to_msgpack()` output (ValueError when malformed)."""
        if not isinstance(data, dict):
            raise ValueError("remote page: expected a map")
        return cls([ListEntry.from_wire(item) for item in data.get("e") or []], str(data.get("t") or ""))
