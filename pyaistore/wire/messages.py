"""JSON bodies shared by client and server: action message, cluster map, listing pages."""

from dataclasses import dataclass, field
from typing import Any, Final

from pyaistore.wire import hrw

PROXY: Final = "proxy"
TARGET: Final = "target"


@dataclass(frozen=True, slots=True)
class ActionMsg:
    """The {"action","name","value"} control body."""

    action: str
    name: str = ""
    value: Any = None

    def to_json(self) -> dict[str, Any]:
        """As the SDK sends it: all three keys always present."""
        return {"action": self.action, "name": self.name, "value": self.value}

    @classmethod
    def from_json(cls, data: Any) -> "ActionMsg":
        """Build from parsed JSON; raise ValueError when the shape is wrong."""
        if not isinstance(data, dict):
            raise ValueError("action message must be a JSON object")
        action = data.get("action", "")
        name = data.get("name", "")
        if not isinstance(action, str) or not isinstance(name, str):
            raise ValueError("action message: 'action' and 'name' must be strings")
        return cls(action, name, data.get("value"))


@dataclass(frozen=True, slots=True)
class NetInfo:
    """One network endpoint of a node."""

    host: str
    port: int
    scheme: str = "http"

    @property
    def url(self) -> str:
        """Full URL with scheme and no trailing slash."""
        return f"{self.scheme}://{self.host}:{self.port}"

    def to_json(self) -> dict[str, str]:
        """Wire shape; daemon_port is a string (the SDK's model rejects a number)."""
        return {"node_ip_addr": self.host, "daemon_port": str(self.port), "direct_url": self.url}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "NetInfo":
        """Parse the wire shape."""
        url = str(data.get("direct_url", ""))
        scheme = url.split("://", 1)[0] if "://" in url else "http"
        return cls(str(data.get("node_ip_addr", "")), int(data.get("daemon_port", 0)), scheme)


@dataclass(frozen=True, slots=True)
class Snode:
    """A node in the cluster map: ID, role, endpoints and flags."""

    daemon_id: str
    daemon_type: str
    public_net: NetInfo
    control_net: NetInfo | None = None
    flags: int = 0

    @property
    def id_digest(self) -> int:
        """HRW digest of the node ID."""
        return hrw.digest(self.daemon_id)

    @property
    def display_name(self) -> str:
        """p[id] or t[id], as in error messages."""
        return f"{self.daemon_type[0]}[{self.daemon_id}]"

    @property
    def control_url(self) -> str:
        """URL for node-to-node control calls."""
        return (self.control_net or self.public_net).url

    def to_json(self) -> dict[str, Any]:
        """Wire shape of a Snode."""
        control = (self.control_net or self.public_net).to_json()
        return {
            "daemon_id": self.daemon_id,
            "daemon_type": self.daemon_type,
            "public_net": self.public_net.to_json(),
            "intra_control_net": control,
            "intra_data_net": control,
            "flags": self.flags,
            "id_digest": self.id_digest,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Snode":
        """Parse the wire shape."""
        public = NetInfo.from_json(data["public_net"])
        raw_control = data.get("intra_control_net")
        control = NetInfo.from_json(raw_control) if raw_control else None
        return cls(
            daemon_id=str(data["daemon_id"]),
            daemon_type=str(data["daemon_type"]),
            public_net=public,
            # One network for everything is stored as no separate control network.
            control_net=None if control == public else control,
            flags=int(data.get("flags", 0)),
        )


@dataclass(frozen=True, slots=True)
class Smap:
    """The versioned cluster map."""

    version: int
    uuid: str
    creation_time: str
    primary: Snode
    proxies: dict[str, Snode] = field(default_factory=dict)
    targets: dict[str, Snode] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Wire shape; the version travels as a string, like Go's `,string`."""
        return {
            "pmap": {k: v.to_json() for k, v in sorted(self.proxies.items())},
            "tmap": {k: v.to_json() for k, v in sorted(self.targets.items())},
            "proxy_si": self.primary.to_json(),
            "uuid": self.uuid,
            "creation_time": self.creation_time,
            "version": str(self.version),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Smap":
        """Parse the wire shape."""
        return cls(
            version=int(data.get("version", 0)),
            uuid=str(data.get("uuid", "")),
            creation_time=str(data.get("creation_time", "")),
            primary=Snode.from_json(data["proxy_si"]),
            proxies={k: Snode.from_json(v) for k, v in (data.get("pmap") or {}).items()},
            targets={k: Snode.from_json(v) for k, v in (data.get("tmap") or {}).items()},
        )


# List-objects flags (LsoMsg.flags bits) and entry flags (reference §3.8).
LSO_CACHED: Final = 1
LSO_MISSING: Final = 2
LSO_DELETED: Final = 4
LSO_BCK_PRESENT: Final = 64
LSO_DONT_HEAD_REMOTE: Final = 128
LSO_DONT_ADD_REMOTE: Final = 256
LSO_ONLY_REMOTE_PROPS: Final = 1024
LSO_DIFF: Final = 4096
LSO_ARCH_DIR: Final = 8
LSO_NAME_ONLY: Final = 16
LSO_NAME_SIZE: Final = 32
LSO_NOT_CACHED: Final = 512
LSO_NO_RECURSION: Final = 2048
LSO_NO_DIRS: Final = 8192

ENTRY_PRESENT: Final = 64
ENTRY_IN_ARCHIVE: Final = 128
ENTRY_IS_DIR: Final = 256
ENTRY_IS_ARCHIVE: Final = 512
ENTRY_VER_CHANGED: Final = 1024
ENTRY_VER_REMOVED: Final = 2048

DEFAULT_PAGE_SIZE: Final = 10_000
LIST_PROPS: Final = (
    "name",
    "size",
    "checksum",
    "atime",
    "version",
    "cached",
    "status",
    "copies",
    "ec",
    "custom",
    "location",
)


@dataclass(frozen=True, slots=True)
class LsoMsg:
    """List-objects request (the `value` of a `list` action)."""

    prefix: str = ""
    page_size: int = 0
    uuid: str = ""
    props: str = ""
    continuation_token: str = ""
    flags: int = 0
    start_after: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "LsoMsg":
        """Parse the wire shape; flags may be a string or a number."""
        return cls(
            prefix=str(data.get("prefix") or "").removesuffix("*"),
            page_size=int(data.get("pagesize") or 0),
            uuid=str(data.get("uuid") or ""),
            props=str(data.get("props") or ""),
            continuation_token=str(data.get("continuation_token") or ""),
            flags=int(data.get("flags") or 0),
            start_after=str(data.get("start_after") or ""),
        )

    def to_json(self) -> dict[str, Any]:
        """Wire shape, with flags as a decimal string."""
        body: dict[str, Any] = {
            "prefix": self.prefix,
            "pagesize": self.page_size,
            "uuid": self.uuid,
            "props": self.props,
            "continuation_token": self.continuation_token,
            "flags": str(self.flags),
            "target": "",
        }
        if self.start_after:
            body["start_after"] = self.start_after
        return body


@dataclass(slots=True)
class ListEntry:
    """One entry of a listing page."""

    name: str
    size: int = 0
    checksum: str = ""
    atime: str = ""
    version: str = ""
    location: str = ""
    custom: str = ""
    copies: int = 0
    flags: int = 0

    def to_msgpack(self) -> dict[str, Any]:
        """Compact keys; empty or zero fields are left out (n is always present)."""
        pairs = (
            ("cs", self.checksum),
            ("a", self.atime),
            ("v", self.version),
            ("t", self.location),
            ("m", self.custom),
            ("s", self.size),
            ("c", self.copies),
            ("f", self.flags),
        )
        entry: dict[str, Any] = {"n": self.name}
        entry.update((k, v) for k, v in pairs if v)
        return entry

    def to_json(self) -> dict[str, Any]:
        """Long keys; size travels as a string."""
        pairs = (
            ("checksum", self.checksum),
            ("atime", self.atime),
            ("version", self.version),
            ("location", self.location),
            ("custom-md", self.custom),
            ("size", str(self.size) if self.size else ""),
            ("copies", self.copies),
            ("flags", self.flags),
        )
        entry: dict[str, Any] = {"name": self.name}
        entry.update((k, v) for k, v in pairs if v)
        return entry

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> "ListEntry":
        """Parse either the msgpack (short keys) or the JSON (long keys) form."""
        if "n" in data:
            return cls(
                str(data["n"]),
                int(data.get("s", 0)),
                str(data.get("cs", "")),
                str(data.get("a", "")),
                str(data.get("v", "")),
                str(data.get("t", "")),
                str(data.get("m", "")),
                int(data.get("c", 0)),
                int(data.get("f", 0)),
            )
        return cls(
            str(data["name"]),
            int(data.get("size", 0) or 0),
            str(data.get("checksum", "")),
            str(data.get("atime", "")),
            str(data.get("version", "")),
            str(data.get("location", "")),
            str(data.get("custom-md", "")),
            int(data.get("copies", 0)),
            int(data.get("flags", 0)),
        )


@dataclass(slots=True)
class LsoPage:
    """One page of a listing."""

    uuid: str
    continuation_token: str
    entries: list[ListEntry]
    flags: int = 0

    def to_msgpack(self) -> dict[str, Any]:
        """The map the SDK decodes: UUID, ContinuationToken, Entries, Flags."""
        return {
            "UUID": self.uuid,
            "ContinuationToken": self.continuation_token,
            "Entries": [e.to_msgpack() for e in self.entries],
            "Flags": self.flags,
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON form for curl and requests users."""
        return {
            "uuid": self.uuid,
            "continuation_token": self.continuation_token,
            "entries": [e.to_json() for e in self.entries],
            "flags": self.flags,
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> "LsoPage":
        """Parse either form."""
        if "UUID" in data or "Entries" in data:
            raw = data.get("Entries") or []
            return cls(
                str(data.get("UUID", "")),
                str(data.get("ContinuationToken", "")),
                [ListEntry.from_wire(e) for e in raw],
                int(data.get("Flags", 0)),
            )
        raw = data.get("entries") or []
        return cls(
            str(data.get("uuid", "")),
            str(data.get("continuation_token", "")),
            [ListEntry.from_wire(e) for e in raw],
            int(data.get("flags", 0)),
        )
