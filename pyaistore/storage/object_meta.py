"""ObjectMeta: what the store knows about an object besides its bytes."""

import json
from dataclasses import dataclass, field
from typing import Any, Final

from pyaistore.storage.errors import MetadataTooLarge
from pyaistore.wire import limits

__all__ = ["ObjectMeta", "check_custom", "check_record"]

# Persisted keys; `mountpath` is derived from where the object was found and never stored.
_INT_FIELDS: Final = ("size", "atime_ns")
_STR_FIELDS: Final = ("name", "checksum_type", "checksum_value", "version")
# One encoder for every record: json.dumps with arguments builds a new one per call.
_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
# The record's keys on disk. Short, so that the record of an object whose name has up to about 30
# characters fits the 128 bytes os.getxattr asks for first: a longer one costs every read a second
# system call (the first fails with ERANGE), 2.5 µs instead of 0.5. Records with the long keys
# (to_json's, as written before) still decode.
_RECORD_KEYS: Final = {
    "name": "n",
    "size": "s",
    "checksum_type": "ct",
    "checksum_value": "cv",
    "version": "v",
    "atime_ns": "a",
    "custom": "c",
}
_FROM_RECORD: Final = {short: key for key, short in _RECORD_KEYS.items()}
# What _ENCODER writes for a str (ensure_ascii off), and its output for a record without custom
# metadata, filled in directly: the bytes are the same, in a third of the time (every PUT writes one).
_STRING: Final = json.encoder.encode_basestring
_PLAIN_RECORD: Final = '{"n":%s,"s":%d,"ct":%s,"cv":%s,"v":%s,"a":%d,"c":{}}'


@dataclass
class ObjectMeta:
    """Size, checksum, version, access time and custom metadata of one object."""

    name: str
    size: int
    checksum_type: str
    checksum_value: str
    version: str
    atime_ns: int
    custom: dict[str, str] = field(default_factory=dict)
    mountpath: str = ""

    def to_json(self) -> dict[str, Any]:
        """The persisted fields as a JSON-ready dict (everything but `mountpath`)."""
        return {
            "name": self.name,
            "size": self.size,
            "checksum_type": self.checksum_type,
            "checksum_value": self.checksum_value,
            "version": self.version,
            "atime_ns": self.atime_ns,
            "custom": dict(self.custom),
        }

    @classmethod
    def from_json(cls, data: Any) -> "ObjectMeta":
        """Rebuild from `to_json()` output; ValueError when a field is missing or mistyped."""
        if not isinstance(data, dict):
            raise ValueError("object metadata is not a JSON object")
        for key in _INT_FIELDS:
            if type(data.get(key)) is not int:
                raise ValueError(f'object metadata field "{key}" is not an integer')
        for key in _STR_FIELDS:
            if not isinstance(data.get(key), str):
                raise ValueError(f'object metadata field "{key}" is not a string')
        custom = data.get("custom", {})
        if not isinstance(custom, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in custom.items()
        ):
            raise ValueError('object metadata field "custom" is not a string map')
        return cls(
            name=data["name"],
            size=data["size"],
            checksum_type=data["checksum_type"],
            checksum_value=data["checksum_value"],
            version=data["version"],
            atime_ns=data["atime_ns"],
            custom=dict(custom),
        )

    def encode(self) -> bytes:
        """Compact UTF-8 JSON of the persisted fields, under their short record keys."""
        if self.custom or type(self.size) is not int or type(self.atime_ns) is not int:
            record = {_RECORD_KEYS[key]: value for key, value in self.to_json().items()}
            return _ENCODER.encode(record).encode()
        return (
            _PLAIN_RECORD
            % (
                _STRING(self.name),
                self.size,
                _STRING(self.checksum_type),
                _STRING(self.checksum_value),
                _STRING(self.version),
                self.atime_ns,
            )
        ).encode()

    @classmethod
    def decode(cls, data: bytes) -> "ObjectMeta":
        """Parse `encode()` output; ValueError when it is not valid metadata."""
        try:
            parsed = json.loads(data.decode())  # str: json skips sniffing the bytes' encoding
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"object metadata is not valid JSON: {exc}") from exc
        if isinstance(parsed, dict) and "n" in parsed:
            parsed = {_FROM_RECORD.get(key, key): value for key, value in parsed.items()}
        return cls.from_json(parsed)


def check_custom(custom: dict[str, str], where: str) -> None:
    """MetadataTooLarge naming the limit when custom metadata exceeds one (sizes in UTF-8 bytes)."""
    if len(custom) > limits.MAX_CUSTOM_KEYS:
        raise MetadataTooLarge(
            f"custom metadata of {where}: {len(custom)} keys, the limit is {limits.MAX_CUSTOM_KEYS}"
        )
    total = 0
    for key, value in custom.items():
        key_size, value_size = _utf8_size(key), _utf8_size(value)
        if key_size > limits.MAX_CUSTOM_KEY:
            raise MetadataTooLarge(
                f"custom metadata of {where}: key {key[:32]!r}... is {key_size} bytes, "
                f"the limit is {limits.MAX_CUSTOM_KEY} per key"
            )
        if value_size > limits.MAX_CUSTOM_VALUE:
            raise MetadataTooLarge(
                f"custom metadata of {where}: the value of {key[:64]!r} is {value_size} bytes, "
                f"the limit is {limits.MAX_CUSTOM_VALUE} per value"
            )
        total += key_size + value_size
    if total > limits.MAX_CUSTOM_TOTAL:
        raise MetadataTooLarge(
            f"custom metadata of {where}: {total} bytes in all, the limit is {limits.MAX_CUSTOM_TOTAL}"
        )


def check_record(name: str, custom: dict[str, str], where: str) -> None:
    """Both checks before anything is written: custom metadata within its limits, and the record
    (name and custom metadata, with the largest checksum, version and times it may later get)
    within MAX_OBJECT_META."""
    check_custom(custom, where)
    most = limits.MAX_INT
    size = len(ObjectMeta(name, most, "sha512", "f" * 128, str(most), most, custom).encode())
    if size > limits.MAX_OBJECT_META:
        raise MetadataTooLarge(
            f"metadata of {where}: the object name and custom metadata make a {size}-byte record, "
            f"the limit is {limits.MAX_OBJECT_META}"
        )


def _utf8_size(text: str) -> int:
    return len(text.encode(errors="surrogatepass"))
