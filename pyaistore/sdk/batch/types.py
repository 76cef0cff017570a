"""Get-batch request and result types, as `aistore.sdk.batch.types` names them (reference ML §4)."""

import base64
import binascii
from dataclasses import dataclass, field, replace
from typing import Any

from pyaistore.wire import get_batch as wire

__all__ = ["MossIn", "MossOut", "MossReq", "MossResp", "decode_opaque"]


@dataclass(frozen=True, slots=True)
class MossIn:
    """One requested entry: an object, a file of a shard (`archpath`), or a byte range of either.

    `opaque` is the base64 text of the caller's bytes (returned unchanged in the result).
    """

    obj_name: str
    bck: str | None = None
    provider: str | None = None
    uname: str | None = None
    opaque: str | None = None
    archpath: str | None = None
    start: int | None = None
    length: int | None = None

    def dict(self) -> dict[str, Any]:
        """The JSON shape (unset fields left out)."""
        pairs = (
            (wire.OBJNAME, self.obj_name),
            (wire.BUCKET, self.bck),
            (wire.PROVIDER, self.provider),
            (wire.UNAME, self.uname),
            (wire.OPAQUE, self.opaque),
            (wire.ARCHPATH, self.archpath),
            (wire.START, self.start),
            (wire.LENGTH, self.length),
        )
        return {key: value for key, value in pairs if value not in (None, "", 0)}


@dataclass(slots=True)
class MossOut:
    """The result of one entry: its identity, size, the caller's opaque bytes, an error if missing."""

    obj_name: str
    bucket: str
    provider: str
    archpath: str | None = None
    opaque: bytes | None = None
    err_msg: str | None = None
    size: int = 0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "MossOut":
        """Parse one entry of a reply's metadata part."""
        return cls(
            obj_name=str(data.get(wire.OBJNAME, "")),
            bucket=str(data.get(wire.BUCKET, "")),
            provider=str(data.get(wire.PROVIDER, "")),
            archpath=data.get(wire.ARCHPATH) or None,
            opaque=decode_opaque(data.get(wire.OPAQUE)),
            err_msg=data.get(wire.ERR_MSG) or None,
            size=int(data.get(wire.SIZE) or 0),
        )


@dataclass(slots=True)
class MossReq:
    """A whole request: its entries and options."""

    moss_in: list[MossIn] = field(default_factory=list)
    output_format: str | None = None
    cont_on_err: bool | None = None
    only_obj_name: bool | None = None
    streaming_get: bool | None = None
    colocation: int | None = None

    def dict(self) -> dict[str, Any]:
        """The JSON body (`coloc` only when set)."""
        body: dict[str, Any] = {
            wire.IN: [entry.dict() for entry in self.moss_in],
            wire.MIME: self.output_format,
            wire.CONTINUE_ON_ERROR: bool(self.cont_on_err),
            wire.ONLY_OBJ_NAME: bool(self.only_obj_name),
            wire.STREAMING: bool(self.streaming_get),
        }
        if self.colocation:
            body[wire.COLOCATION] = int(self.colocation)
        return body

    def add(self, moss_in: MossIn) -> "MossReq":
        """Append an entry; returns self."""
        self.moss_in.append(moss_in)
        return self

    def extend(self, moss_ins: list[MossIn]) -> "MossReq":
        """Append entries; returns self."""
        self.moss_in.extend(moss_ins)
        return self

    def model_copy(self) -> "MossReq":
        """A copy sharing the (frozen) entries."""
        return replace(self, moss_in=list(self.moss_in))


@dataclass(slots=True)
class MossResp:
    """The metadata part of a non-streamed reply: the job ID and every entry's result."""

    out: list[MossOut] = field(default_factory=list)
    uuid: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "MossResp":
        """Parse the metadata part."""
        return cls(
            [MossOut.from_json(item) for item in data.get(wire.OUT) or []], str(data.get(wire.UUID, ""))
        )


def decode_opaque(value: Any) -> bytes | None:
    """base64 (URL-safe or standard) -> bytes; None when absent or invalid."""
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return (
            base64.b64decode(value, altchars=b"-_")
            if ("-" in value or "_" in value)
            else base64.b64decode(value)
        )
    except (binascii.Error, ValueError):
        return None
