"""dsort (jobs reference §6): the request spec `POST /v1/sort` takes and the JobInfo its queries return.

Field names are AIS's JSON tags (`ext/dsort/request_spec.go`, `api_metrics.go`). Parsing raises
ValueError with a message fit for a 400 reply.
"""

import re
from dataclasses import dataclass, field
from typing import Any, Final

from pyaistore.wire import fields, multi_object
from pyaistore.wire.bucket_id import BucketId, InvalidProvider, normalize_provider

__all__ = ["Algorithm", "DsortSpec", "PhaseMetrics", "parse_size"]

ALPHANUMERIC: Final = "alphanumeric"
SHUFFLE: Final = "shuffle"
CONTENT: Final = "content"
NONE: Final = "none"
MD5: Final = "md5"
KINDS: Final = (ALPHANUMERIC, SHUFFLE, CONTENT, NONE, MD5)
KEY_TYPES: Final = ("int", "float", "string")
# AIS's default cap on a target's extraction memory (of the machine's memory).
DEFAULT_MEM_USAGE: Final = "80%"
DEFAULT_SHARD_SIZE: Final = 1 << 20
_SIZE: Final = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(I?B?)\s*$", re.IGNORECASE)
_UNITS: Final = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(value: Any, what: str) -> int:
    """ "10KB", "10KiB", "1.5MB", 1024 -> bytes (AIS reads KB and KiB alike, as powers of 1024)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"invalid {what}: {value}")
        return value
    text = fields.as_text(value, what, 64)
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f'invalid {what} "{text}"')
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def parse_mem_limit(value: Any, total_memory: int) -> int:
    """`max_mem_usage`: a percentage of `total_memory` ("80%") or a size ("2GB")."""
    text = str(value or DEFAULT_MEM_USAGE).strip()
    if text.endswith("%"):
        percent = float(text[:-1])
        if not 0 < percent <= 100:
            raise ValueError(f'invalid max_mem_usage "{text}"')
        return int(total_memory * percent / 100)
    return parse_size(text, "max_mem_usage")


@dataclass(frozen=True, slots=True)
class Algorithm:
    """How records are ordered."""

    kind: str = ALPHANUMERIC
    decreasing: bool = False
    seed: str = ""
    extension: str = ""
    content_key_type: str = ""
    missing_keys: bool = False

    @classmethod
    def from_json(cls, data: Any) -> "Algorithm":
        """Parse the `algorithm` section (empty: alphanumeric)."""
        body = fields.as_dict(data, "algorithm") if data else {}
        kind = fields.field_text(body, "kind") or ALPHANUMERIC
        if kind not in KINDS:
            raise ValueError(f'invalid algorithm kind "{kind}" (expecting one of {", ".join(KINDS)})')
        algorithm = cls(
            kind=kind,
            decreasing=fields.field_bool(body, "decreasing"),
            seed=str(body.get("seed") or ""),
            extension=fields.field_text(body, "extension"),
            content_key_type=fields.field_text(body, "content_key_type"),
            missing_keys=fields.field_bool(body, "missing_keys"),
        )
        if kind == CONTENT:
            if not algorithm.extension:
                raise ValueError('algorithm "content": missing extension')
            if algorithm.content_key_type not in KEY_TYPES:
                raise ValueError(
                    f'algorithm "content": invalid content_key_type "{algorithm.content_key_type}"'
                )
        return algorithm

    def to_json(self) -> dict[str, Any]:
        """The wire shape."""
        return {
            "kind": self.kind,
            "decreasing": self.decreasing,
            "seed": self.seed,
            "extension": self.extension,
            "content_key_type": self.content_key_type,
            "missing_keys": self.missing_keys,
        }


@dataclass(frozen=True, slots=True)
class DsortSpec:
    """A dsort request: which shards, how to order their records, what shards to write."""

    input_bucket: BucketId
    output_bucket: BucketId
    input_extension: str
    output_extension: str
    input_template: str = ""
    input_names: tuple[str, ...] = ()
    output_template: str = ""
    output_shard_size: int = DEFAULT_SHARD_SIZE
    algorithm: Algorithm = field(default_factory=Algorithm)
    description: str = ""
    max_mem_usage: str = DEFAULT_MEM_USAGE
    ekm_file: str = ""
    ekm_file_sep: str = ""
    dry_run: bool = False

    @classmethod
    def from_json(cls, data: Any) -> "DsortSpec":
        """Parse a spec (the JSON the SDK sends, or a JSON/YAML spec file's mapping)."""
        body = fields.as_dict(data, "dsort spec")
        input_bucket = _bucket(body.get("input_bck"), "input_bck")
        output_raw = body.get("output_bck")
        output_bucket = (
            _bucket(output_raw, "output_bck") if output_raw and output_raw.get("name") else input_bucket
        )
        input_extension = _extension(body, "input_extension")
        output_extension = _extension(body, "output_extension") or input_extension
        template, names = _input_format(body.get("input_format"))
        output_format = body.get("output_format") or ""
        if not isinstance(output_format, str):
            raise ValueError("output_format must be a template string")
        ekm_file = fields.field_text(body, "ekm_file")
        if not output_format and not ekm_file:
            raise ValueError("missing output_format")
        raw_size = body.get("output_shard_size")
        return cls(
            input_bucket=input_bucket,
            output_bucket=output_bucket,
            input_extension=input_extension,
            output_extension=output_extension,
            input_template=template,
            input_names=names,
            output_template=output_format,
            output_shard_size=parse_size(raw_size, "output_shard_size") if raw_size else DEFAULT_SHARD_SIZE,
            algorithm=Algorithm.from_json(body.get("algorithm")),
            description=fields.field_text(body, "description"),
            max_mem_usage=str(body.get("max_mem_usage") or DEFAULT_MEM_USAGE),
            ekm_file=ekm_file,
            ekm_file_sep=fields.field_text(body, "ekm_file_sep"),
            dry_run=fields.field_bool(body, "dry_run"),
        )

    def to_json(self) -> dict[str, Any]:
        """The normalized spec (what targets receive in the job's start message)."""
        return {
            "input_bck": self.input_bucket.to_json(),
            "output_bck": self.output_bucket.to_json(),
            "input_extension": self.input_extension,
            "output_extension": self.output_extension,
            "input_format": {"template": self.input_template}
            if self.input_template
            else {"objnames": list(self.input_names)},
            "output_format": self.output_template,
            "output_shard_size": self.output_shard_size,
            "algorithm": self.algorithm.to_json(),
            "description": self.description,
            "max_mem_usage": self.max_mem_usage,
            "ekm_file": self.ekm_file,
            "ekm_file_sep": self.ekm_file_sep,
            "dry_run": self.dry_run,
        }


@dataclass(slots=True)
class PhaseMetrics:
    """One phase of a dsort on one target (started/ended times, counters)."""

    started_ns: int = 0
    ended_ns: int = 0
    running: bool = False
    finished: bool = False
    counters: dict[str, int] = field(default_factory=dict)

    def start(self, now_ns: int) -> None:
        """The phase begins."""
        self.started_ns, self.running = now_ns, True

    def finish(self, now_ns: int) -> None:
        """The phase ends."""
        self.ended_ns, self.running, self.finished = now_ns, False, True

    def to_json(self) -> dict[str, Any]:
        """AIS's shape: times as RFC 3339 text, elapsed in seconds, counters as decimal strings."""
        elapsed = (self.ended_ns or self.started_ns) - self.started_ns if self.started_ns else 0
        out: dict[str, Any] = {
            "started_time": _time_text(self.started_ns),
            "end_time": _time_text(self.ended_ns),
            "elapsed": elapsed // 1_000_000_000,
            "running": self.running,
            "finished": self.finished,
        }
        out.update({key: str(value) for key, value in self.counters.items()})
        return out


def _time_text(ns: int) -> str:
    import datetime

    if not ns:
        return "0001-01-01T00:00:00Z"
    stamp = datetime.datetime.fromtimestamp(ns / 1e9, tz=datetime.UTC)
    return stamp.isoformat().replace("+00:00", "Z")


def time_text(ns: int) -> str:
    """A time as AIS's JSON shows it (RFC 3339, UTC)."""
    return _time_text(ns)


def _bucket(data: Any, what: str) -> BucketId:
    body = fields.as_dict(data, what)
    name = fields.field_text(body, "name")
    if not name:
        raise ValueError(f"{what}: missing name")
    try:
        provider = normalize_provider(fields.field_text(body, "provider") or None)
    except InvalidProvider as exc:
        raise ValueError(f"{what}: {exc}") from exc
    return BucketId(name, provider)


def _extension(body: dict[str, Any], key: str) -> str:
    value = fields.field_text(body, key)
    if not value:
        return ""
    ext = value if value.startswith(".") else "." + value
    if multi_object.format_by_extension("x" + ext) == "" or ext == multi_object.TAR_LZ4:
        raise ValueError(f'{key}: unsupported extension "{value}" (expecting .tar, .tgz, .tar.gz or .zip)')
    return ext


def _input_format(value: Any) -> tuple[str, tuple[str, ...]]:
    if isinstance(value, str) and value:
        return value, ()
    body = fields.as_dict(value, "input_format")
    template = fields.field_text(body, "template")
    if template:
        return template, ()
    names = body.get("objnames")
    if isinstance(names, list) and names and all(isinstance(n, str) for n in names):
        return "", tuple(names)
    raise ValueError('input_format: expecting "template" or "objnames"')
