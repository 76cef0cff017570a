"""Streaming checksums by AIS algorithm name (reference §3.4).

`xxhash` and `xxhash2` both mean XXH64 with seed 0 written as 16 lowercase hex digits; `crc32c`
is the Castagnoli CRC as 8 hex digits; `none` hashes nothing and reports "".
"""

import hashlib
from collections.abc import Iterable
from typing import Final, Protocol

import xxhash

__all__ = ["NONE", "SUPPORTED", "Hasher", "MultiHasher", "algorithm", "compute", "crc32c", "new_hasher"]

NONE: Final = "none"
SUPPORTED: Final = frozenset({NONE, "xxhash", "xxhash2", "md5", "crc32c", "sha256", "sha512"})
# Names that denote the same computation share one algorithm key, so a writer hashes once.
_ALGORITHMS: Final = {"xxhash": "xxh64", "xxhash2": "xxh64"}
_CRC32C_POLY: Final = 0x82F63B78  # Castagnoli, bit-reversed


def _crc32c_table() -> tuple[int, ...]:
    """The 256-entry lookup table of the reflected Castagnoli polynomial."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _CRC32C_POLY if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC32C_TABLE: Final = _crc32c_table()


def crc32c(data: bytes, crc: int = 0) -> int:
    """Continue the CRC-32C `crc` over `data` (table-driven; for compatibility, not speed)."""
    table = _CRC32C_TABLE
    value = crc ^ 0xFFFFFFFF
    for byte in data:
        value = table[(value ^ byte) & 0xFF] ^ (value >> 8)
    return value ^ 0xFFFFFFFF


class _Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


class _Crc32c:
    """CRC-32C with the hashlib update/hexdigest shape."""

    def __init__(self) -> None:
        self._crc = 0

    def update(self, data: bytes, /) -> None:
        self._crc = crc32c(data, self._crc)

    def hexdigest(self) -> str:
        return f"{self._crc:08x}"


class _NoDigest:
    """The `none` checksum: accepts data, reports ""."""

    def update(self, data: bytes, /) -> None:
        pass

    def hexdigest(self) -> str:
        return ""


def _new_digest(kind: str) -> _Digest:
    """A fresh digest object for a supported checksum name."""
    if kind in ("xxhash", "xxhash2"):
        return xxhash.xxh64(seed=0)
    if kind == "crc32c":
        return _Crc32c()
    if kind == NONE:
        return _NoDigest()
    return hashlib.new(kind)


class Hasher:
    """A streaming checksum of one AIS kind: update() with chunks, then hexdigest()."""

    def __init__(self, kind: str) -> None:
        if kind not in SUPPORTED:
            raise ValueError(f'unsupported checksum type "{kind}"')
        self.kind = kind
        self._digest = _new_digest(kind)

    def update(self, data: bytes) -> None:
        """Feed the next chunk."""
        self._digest.update(data)

    def hexdigest(self) -> str:
        """The checksum of everything fed so far, as AIS writes it ("" for none)."""
        return self._digest.hexdigest()


def new_hasher(kind: str) -> Hasher:
    """A fresh Hasher for `kind`; ValueError when the kind is unknown."""
    return Hasher(kind)


def compute(kind: str, data: bytes) -> str:
    """The checksum of `data` in one call."""
    hasher = Hasher(kind)
    hasher.update(data)
    return hasher.hexdigest()


def algorithm(kind: str) -> str:
    """The computation behind a checksum name: equal for names that always give equal values."""
    return _ALGORITHMS.get(kind, kind)


class MultiHasher:
    """Several checksums of one stream, each algorithm computed once (xxhash and xxhash2 share)."""

    def __init__(self, kinds: Iterable[str]) -> None:
        self._hashers: dict[str, Hasher] = {}
        for kind in kinds:
            self._hashers.setdefault(algorithm(kind), Hasher(kind))

    def update(self, data: bytes) -> None:
        """Feed the next chunk to every checksum."""
        for hasher in self._hashers.values():
            hasher.update(data)

    def hexdigest(self, kind: str) -> str:
        """The checksum of kind `kind` (KeyError unless it was asked for at construction)."""
        return self._hashers[algorithm(kind)].hexdigest()
