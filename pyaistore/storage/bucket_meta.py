"""Bucket properties (Bprops, reference §3.4) and the versioned bucket table (BMD).

Props are plain JSON-shaped dicts with the exact keys AIS uses. `default_props` gives the full
shape; `apply_patch` deep-merges a sparse BpropsToSet patch and rejects unknown, read-only or
mistyped keys. A BucketTable is never changed in place: every change returns a new table with
the next version, so a reader holding a table never sees half an update.
"""

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pyaistore.storage import layout
from pyaistore.storage.checksums import SUPPORTED
from pyaistore.storage.errors import CorruptMeta, InvalidName, InvalidProps
from pyaistore.storage.meta_store import save_file
from pyaistore.wire.bucket_id import (
    AIS,
    BucketId,
    InvalidProvider,
    Namespace,
    normalize_provider,
    parse_uname,
)

__all__ = [
    "EC_DEFAULT_SLICES",
    "EC_MAX_SLICES",
    "EC_REPLICATE_ALL",
    "READ_ONLY",
    "BucketTable",
    "apply_patch",
    "backend_bucket",
    "bucket_from_uname",
    "default_props",
    "mirror_copies",
    "remote_props",
]

READ_ONLY: Final = frozenset({"provider", "bid", "created"})
# AIS's mirror rules (MirrorConf.Validate): when enabled, copies in [2, 32], 0 meaning the default.
MIRROR_MIN_COPIES: Final = 2
MIRROR_MAX_COPIES: Final = 32
MIRROR_DEFAULT_COPIES: Final = 2
MIRROR_DEFAULT_BURST: Final = 512
_UINT64_MAX: Final = 2**64 - 1
_WRITE_POLICIES: Final = frozenset({"", "immediate", "delayed", "never"})
_GO_DURATION: Final = re.compile(r"0|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+")
_DURATIONS: Final = (
    "lru.dont_evict_time",
    "lru.capacity_upd_time",
    "rate_limit.backend.interval",
    "rate_limit.frontend.interval",
)
_DECIMAL_STRINGS: Final = ("access", "features")
EC_REPLICATE_ALL: Final = -1  # ec.objsize_limit: never slice, keep P+1 full copies
EC_MAX_SLICES: Final = 32
EC_DEFAULT_SLICES: Final = 2  # D or P given as 0


def default_props(bucket: BucketId, created_ns: int, bid: int) -> dict[str, Any]:
    """The full Bprops of a new bucket, in AIS's JSON shape and key order."""
    return {
        "provider": bucket.provider,
        "backend_bck": {"name": "", "provider": "", "namespace": {"uuid": "", "name": ""}},
        "checksum": {
            "type": "xxhash2",
            "validate_cold_get": True,
            "validate_warm_get": False,
            "validate_obj_move": False,
            "enable_read_range": False,
        },
        "versioning": {"enabled": True, "validate_warm_get": False, "synchronize": False},
        "mirror": {"enabled": False, "copies": 1, "burst_buffer": 128},
        "ec": {
            "enabled": False,
            "data_slices": 0,
            "parity_slices": 0,
            "objsize_limit": 0,
            "disk_only": False,
            "compression": "never",
            "bundle_multiplier": 0,
            "burst_buffer": 0,
        },
        "lru": {"enabled": True, "dont_evict_time": "2h0m", "capacity_upd_time": "10m"},
        "chunks": {
            "objsize_limit": "0",
            "max_monolithic_size": "0",
            "chunk_size": "1GiB",
            "checkpoint_every": 0,
        },
        "write_policy": {"data": "", "md": ""},
        "rate_limit": {
            "backend": {"enabled": False, "interval": "1m", "max_tokens": 1000, "num_retries": 3},
            "frontend": {"enabled": False, "interval": "1m", "max_tokens": 1000, "burst_size": 375},
        },
        "extra": {
            "aws": {
                "cloud_region": "",
                "endpoint": "",
                "profile": "",
                "max_pagesize": 0,
                "multipart_size": "",
            },
            "gcp": {"application_creds": ""},
            "oci": {"region": ""},
            # The origin of an ht:// bucket (AIS's legacy key): <origin>/<object name> is read.
            "http": {"original_url": ""},
            "custom": "",
        },
        "access": "0",
        "features": "0",
        "bid": str(bid),
        "created": str(created_ns),
    }


def remote_props(
    bucket: BucketId, created_ns: int, bid: int, versioning: bool, region: str = ""
) -> dict[str, Any]:
    """The Bprops of a remote bucket entering the table: the defaults with what its backend says
    (versioning, and the region of an aws bucket)."""
    props = default_props(bucket, created_ns, bid)
    props["versioning"]["enabled"] = versioning
    if region and not props["extra"]["aws"]["cloud_region"]:
        props["extra"]["aws"]["cloud_region"] = region
    return props


# The shape every patch is checked against: keys and value types (never mutated).
_SCHEMA: Final[Mapping[str, Any]] = default_props(BucketId("schema"), 0, 0)


def apply_patch(props: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of `props` with the sparse `patch` merged in; InvalidProps names any bad key."""
    if not isinstance(patch, dict):
        raise InvalidProps("bucket properties patch must be a JSON object")
    result = copy.deepcopy(props)
    _merge(result, patch, _SCHEMA, "")
    _validate(result)
    return result


def backend_bucket(bucket: BucketId, props: Mapping[str, Any] | None) -> BucketId | None:
    """The remote bucket holding `bucket`'s objects: itself (a remote bucket), its `backend_bck`
    (an ais bucket in front of a remote one), or None (a plain ais bucket)."""
    if bucket.is_remote:
        return bucket
    backend = props.get("backend_bck") if props is not None else None
    if isinstance(backend, Mapping) and backend.get("name"):
        namespace = backend.get("namespace") or {}
        return BucketId(
            str(backend["name"]),
            str(backend.get("provider") or AIS),
            Namespace(str(namespace.get("uuid") or ""), str(namespace.get("name") or "")),
        )
    return None


def mirror_copies(props: Mapping[str, Any]) -> int:
    """How many copies of each object the bucket keeps: mirror.copies when mirroring is on, else 1."""
    mirror = props.get("mirror")
    if not isinstance(mirror, Mapping) or not mirror.get("enabled"):
        return 1
    copies = mirror.get("copies")
    return copies if type(copies) is int and copies > 1 else 1


def bucket_from_uname(uname: str) -> BucketId:
    """The BucketId of a bucket uname such as "ais/@#/photos/"."""
    try:
        bucket, _ = parse_uname(uname)
    except ValueError as exc:
        raise InvalidName(f'invalid bucket uname "{uname}"') from exc
    return bucket


@dataclass(frozen=True)
class BucketTable:
    """The versioned table of buckets and their props, keyed by bucket uname. Treat as read-only."""

    version: int = 0
    buckets: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Attached AIS clusters, by alias: {"url": ..., "uuid": ...}. They travel with the bucket table
    # because the buckets of namespace @uuid live there (every target needs the URL to reach them).
    remote_clusters: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, bucket: BucketId) -> dict[str, Any] | None:
        """A copy of the bucket's props, or None when the bucket is not in the table."""
        props = self.buckets.get(bucket.uname)
        return None if props is None else copy.deepcopy(props)

    def view(self, bucket: BucketId) -> Mapping[str, Any] | None:
        """The bucket's props without copying (hot path: callers must not mutate them)."""
        return self.buckets.get(bucket.uname)

    def __contains__(self, bucket: object) -> bool:
        return isinstance(bucket, BucketId) and bucket.uname in self.buckets

    def bucket_ids(self) -> list[BucketId]:
        """Every bucket in the table, sorted by uname."""
        return [bucket_from_uname(uname) for uname in sorted(self.buckets)]

    def with_bucket(self, bucket: BucketId, props: dict[str, Any]) -> "BucketTable":
        """A new table (next version) where the bucket has `props`."""
        buckets = dict(self.buckets)
        buckets[bucket.uname] = copy.deepcopy(props)
        return BucketTable(self.version + 1, buckets, self.remote_clusters)

    def without(self, bucket: BucketId) -> "BucketTable":
        """A new table (next version) without the bucket; this table itself if it is absent."""
        if bucket.uname not in self.buckets:
            return self
        buckets = {uname: props for uname, props in self.buckets.items() if uname != bucket.uname}
        return BucketTable(self.version + 1, buckets, self.remote_clusters)

    def with_remote_clusters(self, clusters: dict[str, dict[str, str]]) -> "BucketTable":
        """A new table (next version) with these attached AIS clusters (alias -> url, uuid)."""
        return BucketTable(self.version + 1, self.buckets, copy.deepcopy(clusters))

    def remote_cluster(self, alias_or_uuid: str) -> tuple[str, dict[str, str]] | None:
        """(alias, {"url", "uuid"}) of an attached cluster named by alias or UUID, or None."""
        found = self.remote_clusters.get(alias_or_uuid)
        if found is not None:
            return alias_or_uuid, found
        for alias, item in self.remote_clusters.items():
            if item.get("uuid") == alias_or_uuid:
                return alias, item
        return None

    def canonical(self, bucket: BucketId) -> BucketId:
        """`bucket` with a remote cluster's alias in its namespace replaced by that cluster's UUID."""
        found = self.remote_clusters.get(bucket.namespace.uuid) if bucket.namespace.uuid else None
        if found is None or not found.get("uuid"):
            return bucket
        return BucketId(bucket.name, bucket.provider, Namespace(found["uuid"], bucket.namespace.name))

    def to_json(self) -> dict[str, Any]:
        """{"version": N, "buckets": {uname: props}} (and "remote_ais" when clusters are attached)."""
        data: dict[str, Any] = {"version": self.version, "buckets": copy.deepcopy(self.buckets)}
        if self.remote_clusters:
            data["remote_ais"] = copy.deepcopy(self.remote_clusters)
        return data

    @classmethod
    def from_json(cls, data: Any) -> "BucketTable":
        """Rebuild from to_json() output; CorruptMeta when the shape is wrong."""
        if not isinstance(data, dict):
            raise CorruptMeta("bucket table is not a JSON object")
        version, buckets = data.get("version"), data.get("buckets")
        if type(version) is not int or version < 0:
            raise CorruptMeta("bucket table has no valid version")
        if not isinstance(buckets, dict) or not all(
            isinstance(uname, str) and isinstance(props, dict) for uname, props in buckets.items()
        ):
            raise CorruptMeta("bucket table has no valid bucket map")
        clusters = data.get("remote_ais") or {}
        if not isinstance(clusters, dict) or not all(
            isinstance(alias, str) and isinstance(item, dict) for alias, item in clusters.items()
        ):
            raise CorruptMeta("bucket table has no valid remote cluster map")
        remote = {alias: {str(k): str(v) for k, v in item.items()} for alias, item in clusters.items()}
        return cls(version, copy.deepcopy(buckets), remote)

    def save(self, path: Path) -> None:
        """Write atomically: temp file, fsync, rename over `path`, fsync the directory."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{layout.new_token()}.tmp")
        save_file(path, json.dumps(self.to_json(), separators=(",", ":")).encode(), temp)

    @classmethod
    def load(cls, path: Path) -> "BucketTable":
        """The table saved at `path`; an empty version-0 table when there is none."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return cls()
        try:
            parsed = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CorruptMeta(f"bucket table {path} is not valid JSON") from exc
        return cls.from_json(parsed)


def _merge(target: dict[str, Any], patch: dict[str, Any], schema: Mapping[str, Any], path: str) -> None:
    """Merge `patch` into `target`, key by key, checking each against `schema`."""
    for key, value in patch.items():
        where = path + str(key)
        if where in READ_ONLY:
            raise InvalidProps(f'bucket property "{where}" is read-only')
        if key not in schema:
            raise InvalidProps(f'unknown bucket property "{where}"')
        expected = schema[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise InvalidProps(f'bucket property "{where}" must be a JSON object')
            current = target.get(key)
            if not isinstance(current, dict):
                current = target[key] = copy.deepcopy(expected)
            _merge(current, value, expected, where + ".")
        else:
            target[key] = _typed(where, expected, value)


def _typed(where: str, expected: Any, value: Any) -> Any:
    """`value` if it has the type of `expected` (bool, int, str); InvalidProps otherwise."""
    if where in _DECIMAL_STRINGS and type(value) is int:
        value = str(value)  # a uint64 sent as a number: keep AIS's decimal-string form
    if type(expected) is bool and type(value) is not bool:
        raise InvalidProps(f'bucket property "{where}" must be a boolean')
    if type(expected) is int and type(value) is not int:
        raise InvalidProps(f'bucket property "{where}" must be an integer')
    if type(expected) is str and not isinstance(value, str):
        raise InvalidProps(f'bucket property "{where}" must be a string')
    return value


def _validate(props: dict[str, Any]) -> None:
    """Check the values that have a constrained domain."""
    if props["checksum"]["type"] not in SUPPORTED:
        raise InvalidProps(
            f'bucket property "checksum.type": unsupported checksum type "{props["checksum"]["type"]}"'
        )
    _validate_mirror(props["mirror"])
    for key in ("data_slices", "parity_slices", "bundle_multiplier", "burst_buffer"):
        if props["ec"][key] < 0:
            raise InvalidProps(f'bucket property "ec.{key}" must not be negative')
    _validate_ec(props["ec"])
    for key in ("data", "md"):
        if props["write_policy"][key] not in _WRITE_POLICIES:
            raise InvalidProps(
                f'bucket property "write_policy.{key}" must be one of immediate, delayed, never'
            )
    for where in _DURATIONS:
        if not _GO_DURATION.fullmatch(_lookup(props, where)):
            raise InvalidProps(f'bucket property "{where}" must be a duration such as "2h0m" or "10m"')
    for where in _DECIMAL_STRINGS:
        text = props[where]
        if not (text.isascii() and text.isdigit() and int(text) <= _UINT64_MAX):
            raise InvalidProps(f'bucket property "{where}" must be a decimal uint64')
    _validate_backend(props)


def _validate_mirror(mirror: dict[str, Any]) -> None:
    """AIS's rules, only when mirroring is on: copies in [2, 32] (0: 2), burst_buffer >= 0 (0: 512)."""
    if not mirror["enabled"]:
        return
    copies = mirror["copies"]
    if copies == 0:
        mirror["copies"] = MIRROR_DEFAULT_COPIES
    elif not MIRROR_MIN_COPIES <= copies <= MIRROR_MAX_COPIES:
        raise InvalidProps(
            f"invalid mirror.copies: {copies} (expected value in range "
            f"[{MIRROR_MIN_COPIES}, {MIRROR_MAX_COPIES}] or zero for default)"
        )
    burst = mirror["burst_buffer"]
    if burst == 0:
        mirror["burst_buffer"] = MIRROR_DEFAULT_BURST
    elif burst < 0:
        raise InvalidProps(
            f"invalid mirror.burst_buffer: {burst} (expected a positive integer or zero for default)"
        )


def _validate_ec(ec: dict[str, Any]) -> None:
    """AIS's checks of an enabled EC section (cmn.ECConf.Validate), with its messages."""
    if ec["compression"] not in ("", "never", "always"):
        raise InvalidProps(
            f'bucket property "ec.compression" must be "never" or "always", not "{ec["compression"]}"'
        )
    if not ec["enabled"]:
        return
    limit = ec["objsize_limit"]
    if limit < EC_REPLICATE_ALL:
        raise InvalidProps(
            f"invalid ec.objsize_limit: {limit} (expecting an integer greater than or equal to -1)"
        )
    for key in ("data_slices", "parity_slices"):
        if not 0 <= ec[key] <= EC_MAX_SLICES:
            raise InvalidProps(f"invalid ec.{key}: {ec[key]} (expected value in range [1, {EC_MAX_SLICES}])")
        if ec[key] == 0:
            ec[key] = EC_DEFAULT_SLICES


def _validate_backend(props: dict[str, Any]) -> None:
    """A backend bucket is only for ais buckets and must name a remote provider."""
    backend = props["backend_bck"]
    if not backend["name"]:
        return
    if props["provider"] != AIS:
        raise InvalidProps('bucket property "backend_bck": only ais buckets can have a backend bucket')
    try:
        provider = normalize_provider(backend["provider"])
    except InvalidProvider as exc:
        raise InvalidProps(f'bucket property "backend_bck.provider": {exc}') from exc
    if provider == AIS:
        raise InvalidProps('bucket property "backend_bck.provider" must name a remote provider')
    backend["provider"] = provider


def _lookup(props: dict[str, Any], where: str) -> Any:
    """The value at a dotted key path."""
    value: Any = props
    for key in where.split("."):
        value = value[key]
    return value
