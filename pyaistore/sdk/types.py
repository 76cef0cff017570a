"""Plain data types the SDK returns: cluster map, buckets, listings, job and ETL status.

Field names follow the official SDK. Wire shapes that `pyaistore.wire.messages` already parses
(cluster map, listing pages, action messages) are converted from its dataclasses, so the wire
format is read in one place.
"""

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from requests.structures import CaseInsensitiveDict

from pyaistore.sdk import const
from pyaistore.sdk.errors import NoTargetError
from pyaistore.sdk.namespace import Namespace
from pyaistore.wire import hrw, messages
from pyaistore.wire.messages import ActionMsg
from pyaistore.wire.mountpaths import MountpathList
from pyaistore.wire.remote import RemoteCluster

__all__ = [
    "ActionMsg",
    "Bck",
    "BucketEntry",
    "BucketList",
    "BucketModel",
    "ETLDetails",
    "ETLInfo",
    "ETLNodeLogs",
    "JobSnap",
    "JobStatus",
    "MountpathList",
    "NetInfo",
    "RemoteCluster",
    "Smap",
    "Snode",
]

# Node flags that take a target out of placement (maintenance, decommissioning).
_MAINTENANCE_FLAGS = hrw.EXCLUDED_FLAGS
# Entry flags: the low five bits hold the placement status, 0 meaning OK.
_ENTRY_STATUS_MASK = 31


@dataclass(frozen=True, slots=True)
class NetInfo:
    """One network endpoint of a node."""

    node_hostname: str = ""
    daemon_port: str = ""
    direct_url: str = ""

    @classmethod
    def from_wire(cls, net: messages.NetInfo) -> "NetInfo":
        """Convert the wire dataclass."""
        return cls(net.host, str(net.port), net.url)


@dataclass(frozen=True, slots=True)
class Snode:
    """A node of the cluster: ID, role, endpoints and flags."""

    daemon_id: str
    daemon_type: str
    public_net: NetInfo = field(default_factory=NetInfo)
    intra_control_net: NetInfo | None = None
    intra_data_net: NetInfo | None = None
    flags: int = 0
    id_digest: int = 0

    @classmethod
    def from_wire(cls, node: messages.Snode) -> "Snode":
        """Convert the wire dataclass."""
        control = NetInfo.from_wire(node.control_net) if node.control_net else None
        return cls(
            daemon_id=node.daemon_id,
            daemon_type=node.daemon_type,
            public_net=NetInfo.from_wire(node.public_net),
            intra_control_net=control,
            intra_data_net=control,
            flags=node.flags,
            id_digest=node.id_digest,
        )

    def in_maint_or_decomm(self) -> bool:
        """True when the node is in maintenance or being decommissioned."""
        return bool(self.flags & _MAINTENANCE_FLAGS)


@dataclass(frozen=True, slots=True)
class Smap:
    """The cluster map: proxies, targets and the primary proxy."""

    tmap: Mapping[str, Snode]
    pmap: Mapping[str, Snode]
    proxy_si: Snode
    version: int = 0
    uuid: str = ""
    creation_time: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Smap":
        """Parse the JSON the cluster sends for `?what=smap`."""
        smap = messages.Smap.from_json(data)
        return cls(
            tmap={key: Snode.from_wire(node) for key, node in smap.targets.items()},
            pmap={key: Snode.from_wire(node) for key, node in smap.proxies.items()},
            proxy_si=Snode.from_wire(smap.primary),
            version=smap.version,
            uuid=smap.uuid,
            creation_time=smap.creation_time,
        )

    def get_target_for_object(self, uname: str) -> Snode:
        """Return the target that owns an object, by HRW over the object's uname.

        Args:
            uname: the object's uname, e.g. `ais/@#/bucket/object`.

        Returns:
            The owning target.

        Raises:
            NoTargetError: no target is available.
        """
        node = hrw.choose(self.tmap.values(), uname)
        if node is None:
            raise NoTargetError(len(self.tmap))
        return node


@dataclass(frozen=True, slots=True)
class BucketModel:
    """A bucket's identity: name, provider and namespace (the 1.x documentation calls it `Bck`)."""

    name: str
    provider: str = const.PROVIDER_AIS
    namespace: Namespace | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "BucketModel":
        """Parse a bucket-listing entry."""
        ns = data.get("namespace") or {}
        namespace = Namespace(str(ns.get("uuid", "")), str(ns.get("name", ""))) if ns else None
        return cls(str(data["name"]), str(data.get("provider") or const.PROVIDER_AIS), namespace)

    def as_dict(self) -> dict[str, Any]:
        """JSON shape with a null namespace for the global one, as bucket fields in messages use."""
        return {
            "name": self.name,
            "provider": self.provider,
            "namespace": self.namespace.as_dict() if self.namespace else None,
        }

    def as_qparams(self) -> dict[str, str]:
        """The query parameters that identify the bucket: provider, and namespace when not global."""
        params = {const.QPARAM_PROVIDER: self.provider}
        if self.namespace and not self.namespace.is_global:
            params[const.QPARAM_NAMESPACE] = self.namespace.get_path()
        return params

    def get_path(self) -> str:
        """The bucket's uname, e.g. `ais/@#/photos/`."""
        namespace = self.namespace.get_path() if self.namespace else Namespace().get_path()
        return f"{self.provider}/{namespace}/{self.name}/"


Bck = BucketModel


@dataclass(slots=True)
class BucketEntry:
    """One object in a listing page."""

    name: str
    size: int = 0
    checksum: str = ""
    atime: str = ""
    version: str = ""
    location: str = ""
    custom: str = ""
    copies: int = 0
    flags: int = 0

    @classmethod
    def from_wire(cls, entry: messages.ListEntry) -> "BucketEntry":
        """Convert the wire dataclass."""
        return cls(
            entry.name,
            entry.size,
            entry.checksum,
            entry.atime,
            entry.version,
            entry.location,
            entry.custom,
            entry.copies,
            entry.flags,
        )

    @classmethod
    def from_msgpack(cls, entry: dict[str, Any]) -> "BucketEntry":
        """Build from one entry's msgpack map (short keys, fields left out when empty), directly."""
        get = entry.get
        return cls(
            entry["n"],
            get("s", 0),
            get("cs", ""),
            get("a", ""),
            get("v", ""),
            get("t", ""),
            get("m", ""),
            get("c", 0),
            get("f", 0),
        )

    def is_cached(self) -> bool:
        """True when the object is present in the cluster."""
        return bool(self.flags & messages.ENTRY_PRESENT)

    def is_ok(self) -> bool:
        """True when the object is properly placed."""
        return self.flags & _ENTRY_STATUS_MASK == 0

    def is_dir(self) -> bool:
        """True for a virtual-directory entry of a non-recursive listing."""
        return bool(self.flags & messages.ENTRY_IS_DIR)

    def is_archive(self) -> bool:
        """True for a shard whose members an archive listing (ARCH_DIR) opened."""
        return bool(self.flags & messages.ENTRY_IS_ARCHIVE)

    def is_in_archive(self) -> bool:
        """True for a member of a shard (named `<shard>/<path in the shard>`)."""
        return bool(self.flags & messages.ENTRY_IN_ARCHIVE)

    def generate_object_props(self) -> "CaseInsensitiveDict[str]":
        """The entry's properties as object-attribute headers."""
        return CaseInsensitiveDict(
            {
                const.AIS_OBJ_NAME: self.name,
                const.AIS_CHECKSUM_VALUE: self.checksum,
                const.AIS_ACCESS_TIME: self.atime,
                const.AIS_VERSION: self.version,
                const.AIS_LOCATION: self.location,
                const.HEADER_CONTENT_LENGTH: str(self.size),
                const.AIS_MIRROR_COPIES: str(self.copies),
            }
        )


@dataclass(slots=True)
class BucketList:
    """One page of a listing: entries, the listing's uuid and the token for the next page."""

    uuid: str
    continuation_token: str
    flags: int = 0
    entries: list[BucketEntry] = field(default_factory=list)

    @classmethod
    def from_wire(cls, page: messages.LsoPage) -> "BucketList":
        """Convert the wire dataclass."""
        entries = [BucketEntry.from_wire(entry) for entry in page.entries]
        return cls(page.uuid, page.continuation_token, page.flags, entries)

    @classmethod
    def from_page(cls, data: dict[str, Any]) -> "BucketList":
        """Parse a decoded page: the msgpack map straight into entries (one object per entry, where
        the wire dataclass would make two), the JSON form through `messages.LsoPage`."""
        if "Entries" not in data and "UUID" not in data:
            return cls.from_wire(messages.LsoPage.from_wire(data))
        entries = [BucketEntry.from_msgpack(entry) for entry in data.get("Entries") or ()]
        return cls(
            str(data.get("UUID", "")),
            str(data.get("ContinuationToken", "")),
            int(data.get("Flags", 0)),
            entries,
        )


@dataclass(frozen=True, slots=True)
class JobStatus:
    """A job's terminal status, as `GET /v1/cluster?what=status` reports it."""

    uuid: str = ""
    kind: str = ""
    err: str = ""
    end_time: int = 0
    aborted: bool = False
    is_idle: bool = False

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "JobStatus":
        """Parse the status JSON."""
        return cls(
            uuid=str(data.get("uuid", "")),
            kind=str(data.get("kind", "")),
            err=str(data.get("err") or ""),
            end_time=int(data.get("end_time") or 0),
            aborted=bool(data.get("aborted", False)),
            is_idle=bool(data.get("is_idle", False)),
        )


@dataclass(frozen=True, slots=True)
class JobSnap:
    """One target's snapshot of a job."""

    id: str = ""
    kind: str = ""
    start_time: str = ""
    end_time: str = ""
    bucket: BucketModel | None = None
    source_bck: BucketModel | None = None
    destination_bck: BucketModel | None = None
    aborted: bool = False
    is_idle: bool = False
    abort_err: str = ""
    err: str = ""
    stats: Mapping[str, int] = field(default_factory=dict)
    # `glob.id`: joggers, workers and the channel-full count, packed as AIS packs them.
    packed: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "JobSnap":
        """Parse one snapshot; counters arrive as strings or numbers."""
        stats = data.get("stats") or {}
        return cls(
            id=str(data.get("id", "")),
            kind=str(data.get("kind", "")),
            start_time=str(data.get("start-time") or ""),
            end_time=str(data.get("end-time") or ""),
            bucket=_optional_bucket(data.get("bck")),
            source_bck=_optional_bucket(data.get("src-bck")),
            destination_bck=_optional_bucket(data.get("dst-bck")),
            aborted=bool(data.get("aborted", False)),
            is_idle=bool(data.get("is_idle", False)),
            abort_err=str(data.get("abort-err") or ""),
            err=str(data.get("err") or ""),
            stats={key: int(value or 0) for key, value in stats.items()},
            packed=int(data.get(const.JOB_GLOB_ID) or 0),
        )

    def unpack_glob_id(self) -> tuple[int, int, int]:
        """(mountpath joggers, workers, channel-full count) of the job on this target."""
        mask = (1 << const.JOB_GOROUTINE_BITS) - 1
        bits = const.JOB_GOROUTINE_BITS
        return self.packed & mask, self.packed >> bits & mask, self.packed >> 2 * bits

    @property
    def finished(self) -> bool:
        """True when the snapshot carries an end time."""
        return bool(self.end_time) and self.end_time != const.GO_ZERO_TIME


def _optional_bucket(data: Any) -> BucketModel | None:
    """A bucket field of a snapshot: null (or empty) means none."""
    return BucketModel.from_json(data) if isinstance(data, Mapping) and data.get("name") else None


@dataclass(frozen=True, slots=True)
class ETLInfo:
    """One entry of the ETL listing."""

    id: str = ""
    xaction_id: str = ""
    stage: str = ""
    obj_count: int = 0
    in_bytes: int = 0
    out_bytes: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ETLInfo":
        """Parse a listing entry."""
        return cls(
            id=str(data.get("id", "")),
            xaction_id=str(data.get("xaction_id", "")),
            stage=str(data.get("stage", "")),
            obj_count=int(data.get("obj_count") or 0),
            in_bytes=int(data.get("in_bytes") or 0),
            out_bytes=int(data.get("out_bytes") or 0),
        )


@dataclass(frozen=True, slots=True)
class ETLDetails:
    """An ETL's init message (as stored by the cluster) and the per-object errors it recorded."""

    init_msg: Mapping[str, Any]
    obj_errors: list[Mapping[str, Any]] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ETLDetails":
        """Parse `GET /v1/etl/<name>`."""
        return cls(dict(data.get("init_msg") or {}), list(data.get("obj_errors") or []))

    @property
    def name(self) -> str:
        """The ETL's name."""
        return str(self.init_msg.get("name", ""))

    @property
    def communication(self) -> str:
        """The communication type, e.g. `hpush://`."""
        return str(self.init_msg.get("communication", ""))


@dataclass(frozen=True, slots=True)
class ETLNodeLogs:
    """The output an ETL's transform servers wrote on one target (decoded text)."""

    target_id: str = ""
    logs: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ETLNodeLogs":
        """Parse one entry of `GET /v1/etl/<name>/logs`; the logs travel base64-encoded (Go []byte)."""
        text = base64.b64decode(str(data.get("logs") or "")).decode("utf-8", errors="replace")
        return cls(str(data.get("target_id") or ""), text)
