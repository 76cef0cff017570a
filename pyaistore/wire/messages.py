"""JSON bodies shared by client and server: action message, cluster map, listing pages."""

from dataclasses import dataclass, field
from typing import Any, Final

from pyaistore.wire import hrw
from pyaistore.wire.fields import as_dict, field_int, field_text

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
    def from_json(cls, data: Any) -> "NetInfo":
        """Parse the wire shape; ValueError naming the field when it is wrong."""
        data = as_dict(data, "net info")
        url = field_text(data, "direct_url")
        scheme = url.split("://", 1)[0] if "://" in url else "http"
        if scheme not in ("http", "https"):
            raise ValueError(f"direct_url: unsupported scheme {scheme[:16]!r}")
        host = field_text(data, "node_ip_addr", max_length=255)
        return cls(host, field_int(data, "daemon_port", 0, 0, 65535), scheme)


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
    def from_json(cls, data: Any) -> "Snode":
        """Parse the wire shape; ValueError naming the field when it is missing or wrong."""
        data = as_dict(data, "node")
        public = NetInfo.from_json(data.get("public_net"))
        raw_control = data.get("intra_control_net")
        control = NetInfo.from_json(raw_control) if raw_control else None
        daemon_id = field_text(data, "daemon_id", max_length=64)
        daemon_type = field_text(data, "daemon_type")
        if not daemon_id or daemon_type not in (PROXY, TARGET):
            raise ValueError(f"node: invalid daemon_id {daemon_id!r} or daemon_type {daemon_type[:16]!r}")
        return cls(
            daemon_id=daemon_id,
            daemon_type=daemon_type,
            public_net=public,
            # One network for everything is stored as no separate control network.
            control_net=None if control == public else control,
            flags=field_int(data, "flags", 0, 0, 2**32 - 1),
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
    def from_json(cls, data: Any) -> "Smap":
        """Parse the wire shape; ValueError naming the field when it is missing or wrong."""
        data = as_dict(data, "smap")
        return cls(
            version=field_int(data, "version"),
            uuid=field_text(data, "uuid", max_length=128),
            creation_time=field_text(data, "creation_time", max_length=128),
            primary=Snode.from_json(data.get("proxy_si")),
            proxies=_nodes(data.get("pmap"), "pmap"),
            targets=_nodes(data.get("tmap"), "tmap"),
        )


def _nodes(raw: Any, what: str) -> dict[str, Snode]:
    """A node map keyed by ID; ValueError when a key is not its node's ID."""
    found = {}
    for key, value in as_dict(raw or {}, what).items():
        node = Snode.from_json(value)
        if node.daemon_id != key:
            raise ValueError(f"{what}: node {node.daemon_id!r} listed under {key[:64]!r}")
        found[key] = node
    return found


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
# A larger pagesize is refused (400): a page is held in memory on every target and the proxy.
MAX_PAGE_SIZE: Final = 1_000_000
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


# Go's RFC3339 layout, the one LsoMsg.time_format value besides the default that targets honour.
TIME_FORMAT_RFC3339: Final = "2006-01-02T15:04:05Z07:00"


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
    # Go time layout of the atime property (AIS's LsoMsg.TimeFormat); "" is RFC822.
    time_format: str = ""

    @classmethod
    def from_json(cls, data: Any) -> "LsoMsg":
        """Parse the wire shape (flags and pagesize a number or a decimal string); ValueError
        naming the field when one is of the wrong type or out of range."""
        data = as_dict(data, "list objects")
        return cls(
            prefix=field_text(data, "prefix").removesuffix("*"),
            page_size=field_int(data, "pagesize", 0, 0, MAX_PAGE_SIZE),
            uuid=field_text(data, "uuid"),
            props=field_text(data, "props"),
            continuation_token=field_text(data, "continuation_token"),
            flags=field_int(data, "flags", 0, 0, 2**32 - 1),
            start_after=field_text(data, "start_after"),
            time_format=field_text(data, "time_format"),
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
        if self.time_format:
            body["time_format"] = self.time_format
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
        return page_msgpack(
            self.uuid, self.continuation_token, [e.to_msgpack() for e in self.entries], self.flags
        )

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


def page_msgpack(
    uuid: str, continuation_token: str, entries: list[dict[str, Any]], flags: int = 0
) -> dict[str, Any]:
    """A listing page's msgpack map from entries already in their msgpack form (ListEntry.to_msgpack)."""
    return {"UUID": uuid, "ContinuationToken": continuation_token, "Entries": entries, "Flags": flags}
