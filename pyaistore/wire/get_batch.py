"""Get-batch (AIS's MOSS, reference ML §4): the request, each entry, and the per-entry result.

`GET /v1/ml/moss[/<bucket>]?provider=..[&coloc=N]` with a JSON `MossReq` body returns one archive
holding every requested object or archived file, in request order. Field names are AIS's JSON
tags (`api/apc/ml.go`). Parsing raises ValueError with a message fit for a 400 reply, except a
malformed byte range, which is RangeError (416, as AIS answers).
"""

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Final

from pyaistore.wire import fields, limits, multi_object
from pyaistore.wire.bucket_id import BucketId, InvalidProvider, Namespace, normalize_provider

__all__ = [
    "ARCHIVE_PART",
    "COLOC_NONE",
    "COLOC_SHARD",
    "COLOC_TARGET",
    "CONTENT_TYPES",
    "METADATA_PART",
    "MISSING_DIR",
    "MossIn",
    "MossOut",
    "MossReq",
    "RangeError",
    "entry_name",
    "missing_name",
]

# JSON keys of a request entry, the request and a result.
OBJNAME: Final = "objname"
BUCKET: Final = "bucket"
PROVIDER: Final = "provider"
UNAME: Final = "uname"
ARCHPATH: Final = "archpath"
OPAQUE: Final = "opaque"
START: Final = "start"
LENGTH: Final = "length"
IN: Final = "in"
MIME: Final = "mime"
CONTINUE_ON_ERROR: Final = "coer"
ONLY_OBJ_NAME: Final = "onob"
STREAMING: Final = "strm"
COLOCATION: Final = "coloc"
ERR_MSG: Final = "err_msg"
SIZE: Final = "size"
OUT: Final = "out"
UUID: Final = "uuid"

# Missing entries (continue-on-error) are named under this directory of the archive.
MISSING_DIR: Final = "__404__"
# The two parts of a non-streamed (multipart) reply: the results, then the archive.
METADATA_PART: Final = "metadata"
ARCHIVE_PART: Final = "archive"

# Colocation hints: none (random designated target), target-aware, shard-aware (not implemented
# in AIS; refused by the official SDK).
COLOC_NONE: Final = 0
COLOC_TARGET: Final = 1
COLOC_SHARD: Final = 2

# Content-Type of each output format (jobs reference §3.1).
CONTENT_TYPES: Final = {
    multi_object.TAR: "application/x-tar",
    multi_object.TGZ: "application/gzip",
    multi_object.TAR_LZ4: "application/x-lz4",
    multi_object.ZIP: "application/zip",
}
# Entries one request may name (a JSON body of at most MAX_CONTROL_BODY holds fewer anyway).
MAX_ENTRIES: Final = 1_000_000


class RangeError(ValueError):
    """A byte range AIS refuses with 416 (negative start, length < -1, start without a length)."""


@dataclass(frozen=True, slots=True)
class MossIn:
    """One requested object, or one file of a shard (`archpath`), or a byte range of either."""

    objname: str
    bucket: str = ""
    provider: str = ""
    namespace: str = ""
    archpath: str = ""
    opaque: bytes = b""
    start: int = 0
    length: int = 0

    @classmethod
    def from_json(cls, data: Any) -> "MossIn":
        """Parse one entry of `in`."""
        body = fields.as_dict(data, "get-batch entry")
        uname = fields.field_text(body, UNAME)
        bucket, provider, namespace = "", fields.field_text(body, PROVIDER), ""
        objname = fields.field_text(body, OBJNAME)
        if uname:
            bucket, provider, namespace, objname = _split_uname(uname)
        else:
            bucket = fields.field_text(body, BUCKET)
        if not objname:
            raise ValueError("get-batch entry: missing objname")
        start = fields.field_int(body, START, low=-limits.MAX_INT)
        length = fields.field_int(body, LENGTH, low=-limits.MAX_INT)
        if start < 0 or length < -1 or (start and not length):
            raise RangeError(f"invalid range (start={start}, length={length}) for {objname!r}")
        return cls(
            objname=objname,
            bucket=bucket,
            provider=provider,
            namespace=namespace,
            archpath=fields.field_text(body, ARCHPATH).removeprefix("/") if body.get(ARCHPATH) else "",
            opaque=_opaque(body.get(OPAQUE)),
            start=start,
            length=length,
        )

    def to_json(self) -> dict[str, Any]:
        """The wire shape (zero fields left out, as the SDKs send it)."""
        out: dict[str, Any] = {OBJNAME: self.objname}
        for key, value in (
            (BUCKET, self.bucket),
            (PROVIDER, self.provider),
            (ARCHPATH, self.archpath),
            (START, self.start),
            (LENGTH, self.length),
        ):
            if value:
                out[key] = value
        if self.opaque:
            out[OPAQUE] = base64.b64encode(self.opaque).decode()
        return out

    def bucket_id(self, default: BucketId | None) -> BucketId:
        """The entry's bucket: its own bucket/provider, else the request's; ValueError if neither."""
        if self.bucket:
            try:
                provider = normalize_provider(self.provider or (default.provider if default else ""))
            except InvalidProvider as exc:
                raise ValueError(str(exc)) from exc
            return BucketId(self.bucket, provider, Namespace.parse(self.namespace or None))
        if default is None:
            raise ValueError(
                f"get-batch entry {self.objname!r}: no bucket (neither in the entry nor the path)"
            )
        return default

    @property
    def is_ranged(self) -> bool:
        """True when only part of the object (or archived file) is asked for."""
        return bool(self.start) or self.length > 0


@dataclass(frozen=True, slots=True)
class MossReq:
    """A whole get-batch request."""

    entries: tuple[MossIn, ...]
    mime: str = multi_object.TAR
    continue_on_error: bool = False
    only_obj_name: bool = False
    streaming: bool = False
    colocation: int = COLOC_NONE

    @classmethod
    def from_json(cls, data: Any) -> "MossReq":
        """Parse a MossReq body; ValueError for an empty or malformed one."""
        body = fields.as_dict(data, "get-batch request")
        raw = body.get(IN)
        if raw is None or (isinstance(raw, list) and not raw):
            raise ValueError("moss: empty input")
        if not isinstance(raw, list):
            raise ValueError("moss: 'in' must be a list")
        if len(raw) > MAX_ENTRIES:
            raise ValueError(f"moss: too many entries ({len(raw)} > {MAX_ENTRIES})")
        mime = fields.field_text(body, MIME)
        try:
            fmt = multi_object.normalize_mime(mime) if mime else multi_object.TAR
        except ValueError as exc:
            raise ValueError(f"moss: {exc}") from exc
        return cls(
            entries=tuple(MossIn.from_json(entry) for entry in raw),
            mime=fmt,
            continue_on_error=fields.field_bool(body, CONTINUE_ON_ERROR),
            only_obj_name=fields.field_bool(body, ONLY_OBJ_NAME),
            streaming=fields.field_bool(body, STREAMING),
            colocation=fields.field_int(body, COLOCATION, high=255),
        )

    def to_json(self) -> dict[str, Any]:
        """The wire shape."""
        out: dict[str, Any] = {
            IN: [entry.to_json() for entry in self.entries],
            MIME: self.mime,
            CONTINUE_ON_ERROR: self.continue_on_error,
            ONLY_OBJ_NAME: self.only_obj_name,
            STREAMING: self.streaming,
        }
        if self.colocation:
            out[COLOCATION] = self.colocation
        return out


@dataclass(frozen=True, slots=True)
class MossOut:
    """The result of one entry, as the non-streamed reply's metadata part lists it."""

    objname: str
    bucket: str
    provider: str
    size: int
    archpath: str = ""
    opaque: bytes = b""
    err_msg: str = ""

    def to_json(self) -> dict[str, Any]:
        """The wire shape (Go's omitempty on archpath, err_msg and opaque)."""
        out: dict[str, Any] = {OBJNAME: self.objname, BUCKET: self.bucket, PROVIDER: self.provider}
        if self.archpath:
            out[ARCHPATH] = self.archpath
        if self.err_msg:
            out[ERR_MSG] = self.err_msg
        if self.opaque:
            out[OPAQUE] = base64.b64encode(self.opaque).decode()
        out[SIZE] = self.size
        return out


def entry_name(entry: MossIn, bucket: str, only_obj_name: bool) -> str:
    """The name of an entry inside the output archive: `[<bucket>/]<objname>[/<archpath>]`."""
    name = entry.objname if only_obj_name else f"{bucket}/{entry.objname}"
    return f"{name}/{entry.archpath}" if entry.archpath else name


def missing_name(entry: MossIn, bucket: str, only_obj_name: bool) -> str:
    """The name of a missing entry (continue-on-error): under `__404__/`."""
    return f"{MISSING_DIR}/{entry_name(entry, bucket, only_obj_name)}"


def _opaque(value: Any) -> bytes:
    """Go's []byte travels as standard base64 (URL-safe accepted too)."""
    if value is None or value == "":
        return b""
    text = fields.as_text(value, OPAQUE, limits.MAX_TEXT_FIELD)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        try:
            return base64.urlsafe_b64decode(text)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"get-batch entry: opaque is not base64: {exc}") from exc


def _split_uname(uname: str) -> tuple[str, str, str, str]:
    """`provider/@ns/bucket/object` (AIS's uname) -> (bucket, provider, namespace, object)."""
    parts = uname.split("/", 3)
    if len(parts) != 4 or not parts[2] or not parts[3]:
        raise ValueError(f"get-batch entry: invalid uname {uname!r}")
    provider, namespace, bucket, objname = parts
    return bucket, provider, "" if namespace == "@#" else namespace, objname
