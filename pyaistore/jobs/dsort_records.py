"""dsort records, HTTP-free: extract them from shards, keep them within a memory limit, order them,
and cut the ordered records into output shards.

A record is every file of a shard sharing one key: the member name up to the first dot of its
last path component (WebDataset's convention: `a/0001.jpg` and `a/0001.cls` are record
`a/0001`). Members of a record are expected next to each other in the shard. A record travels and
is stored as one blob: per member, a header (name length, size), the name and the bytes.

`RecordStore` keeps blobs in memory while their total stays within the limit, and appends the
rest to a spill file on a local disk: a target never holds more record bytes in memory than the
configured limit, whatever the dataset's size. Blocking; call from worker threads.
"""

import hashlib
import io
import os
import random
import struct
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from pyaistore.jobs import templates
from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.wire import dsort as wire
from pyaistore.wire import multi_object

__all__ = [
    "OutputShard",
    "RecordMeta",
    "RecordStore",
    "decode_blob",
    "encode_blob",
    "order",
    "plan_shards",
    "plan_shards_ekm",
    "record_key",
    "records_of",
]

_MEMBER: Final = struct.Struct(">IQ")
TAR_BLOCK: Final = 512

Member = tuple[str, bytes]


def record_key(name: str) -> str:
    """The record a member belongs to: its name up to the first dot of its last component."""
    head, _, last = name.rpartition("/")
    stem = last.split(".", 1)[0]
    return f"{head}/{stem}" if head else stem


def encode_blob(members: list[Member]) -> bytes:
    """One record as bytes."""
    parts: list[bytes] = []
    for name, data in members:
        raw = name.encode("utf-8", "surrogateescape")
        parts += (_MEMBER.pack(len(raw), len(data)), raw, data)
    return b"".join(parts)


def decode_blob(blob: bytes) -> list[Member]:
    """The members of a record blob; ValueError when it is damaged (a record has a member at least)."""
    if not blob:
        raise ValueError("dsort record is empty")
    members, offset, view = [], 0, memoryview(blob)
    while offset < len(view):
        if offset + _MEMBER.size > len(view):
            raise ValueError("dsort record truncated")
        name_length, size = _MEMBER.unpack_from(view, offset)
        offset += _MEMBER.size
        end = offset + name_length + size
        if end > len(view):
            raise ValueError("dsort record truncated")
        name = bytes(view[offset : offset + name_length]).decode("utf-8", "surrogateescape")
        members.append((name, bytes(view[offset + name_length : end])))
        offset = end
    return members


def tar_size(members: Iterable[tuple[str, int]]) -> int:
    """Bytes the members take in a tar: a header block each, data padded to whole blocks."""
    return sum(TAR_BLOCK + -(-size // TAR_BLOCK) * TAR_BLOCK for _, size in members)


@dataclass(frozen=True, slots=True)
class RecordMeta:
    """What the sort needs of a record: where it is, its key, size and sort key."""

    owner: str
    record_id: int
    key: str
    size: int
    sort_key: Any = None
    position: int = 0

    def to_json(self) -> list[Any]:
        """Compact wire form (the owner is known from who sent it)."""
        return [self.record_id, self.key, self.size, self.sort_key, self.position]

    @classmethod
    def from_json(cls, owner: str, data: Any) -> "RecordMeta":
        """Parse the compact form."""
        record_id, key, size, sort_key, position = data
        return cls(owner, int(record_id), str(key), int(size), sort_key, int(position))


class RecordStore:
    """Record blobs on one target: in memory up to `mem_limit` bytes, the rest in a spill file."""

    def __init__(self, work_dir: Path, mem_limit: int) -> None:
        self._dir = work_dir
        self._limit = mem_limit
        self._memory: dict[int, bytes] = {}
        self._spilled: dict[int, tuple[int, int]] = {}
        self._spill: IO[bytes] | None = None
        self.mem_bytes = 0
        self.disk_count = 0
        self.disk_bytes = 0

    def add(self, record_id: int, blob: bytes) -> None:
        """Keep a record."""
        if self.mem_bytes + len(blob) <= self._limit:
            self._memory[record_id] = blob
            self.mem_bytes += len(blob)
            return
        if self._spill is None:
            # Not parents: the parent is a mountpath's work dir, and a vanished disk stays vanished.
            self._dir.mkdir(exist_ok=True)
            self._spill = open(self._dir / "spill", "w+b", buffering=0)
        offset = self._spill.seek(0, os.SEEK_END)
        self._spill.write(blob)
        self._spilled[record_id] = (offset, len(blob))
        self.disk_count += 1
        self.disk_bytes += len(blob)

    def read(self, record_id: int) -> bytes:
        """A record's blob; KeyError when it is not here."""
        blob = self._memory.get(record_id)
        if blob is not None:
            return blob
        offset, length = self._spilled[record_id]
        assert self._spill is not None
        return os.pread(self._spill.fileno(), length, offset)

    def close(self) -> None:
        """Drop everything (the spill file too)."""
        self._memory.clear()
        self._spilled.clear()
        if self._spill is not None:
            self._spill.close()
            self._spill = None
            (self._dir / "spill").unlink(missing_ok=True)
        self.mem_bytes = 0


def records_of(source: IO[bytes], fmt: str, cname: str) -> Iterator[list[Member]]:
    """The records of a shard, in order, each as its members (adjacent members sharing a key)."""
    current, members = "", list[Member]()
    for name, data in _members(source, fmt, cname):
        key = record_key(name)
        if members and key != current:
            yield members
            members = []
        current = key
        members.append((name, data))
    if members:
        yield members


def _members(source: IO[bytes], fmt: str, cname: str) -> Iterator[Member]:
    try:
        if fmt == multi_object.ZIP:
            with zipfile.ZipFile(source) as archive:
                for entry in archive.infolist():
                    if not entry.is_dir():
                        yield entry.filename, archive.read(entry)
            return
        with tarfile.open(fileobj=source, mode="r|*") as tar:
            for info in tar:
                if info.isfile():
                    reader = tar.extractfile(info)
                    yield info.name, reader.read() if reader is not None else b""
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as exc:
        raise InvalidJobRequest(f"dsort: {cname} is not a valid {fmt} shard: {exc}") from exc


def content_key(members: list[Member], algorithm: wire.Algorithm, cname: str) -> Any:
    """The sort key read from the record's member with the algorithm's extension."""
    for name, data in members:
        if name.endswith(algorithm.extension):
            text = data.decode("utf-8", "replace").strip()
            try:
                if algorithm.content_key_type == "int":
                    return int(text)
                if algorithm.content_key_type == "float":
                    return float(text)
            except ValueError as exc:
                raise InvalidJobRequest(
                    f"dsort: {cname}/{name}: invalid {algorithm.content_key_type} key"
                ) from exc
            return text
    if algorithm.missing_keys:
        return None
    raise InvalidJobRequest(
        f"dsort: record {record_key(members[0][0])} of {cname} has no {algorithm.extension} key"
    )


def order(records: list[RecordMeta], algorithm: wire.Algorithm) -> list[RecordMeta]:
    """The records in the requested order."""
    by_key = sorted(records, key=lambda r: (r.key, r.owner, r.record_id))
    if algorithm.kind == wire.NONE:
        return sorted(records, key=lambda r: (r.position, r.owner, r.record_id))
    if algorithm.kind == wire.SHUFFLE:
        generator = random.Random(algorithm.seed) if algorithm.seed else random.Random()
        generator.shuffle(by_key)
        return by_key
    if algorithm.kind == wire.MD5:
        ranked = sorted(by_key, key=lambda r: hashlib.md5(r.key.encode()).hexdigest())
    elif algorithm.kind == wire.CONTENT:
        present = [r for r in by_key if r.sort_key is not None]
        missing = [r for r in by_key if r.sort_key is None]
        ranked = sorted(present, key=lambda r: r.sort_key) + missing
    else:
        ranked = by_key
    return ranked[::-1] if algorithm.decreasing else ranked


@dataclass(slots=True)
class OutputShard:
    """One shard to create: its name and its records in order."""

    name: str
    records: list[RecordMeta]

    @property
    def size(self) -> int:
        """Record bytes in the shard."""
        return sum(r.size for r in self.records)


def _cut(records: Iterable[RecordMeta], shard_size: int) -> Iterator[list[RecordMeta]]:
    """Consecutive groups of whole records, each as large as fits in `shard_size` (at least one)."""
    group: list[RecordMeta] = []
    total = 0
    for record in records:
        if group and total + record.size > shard_size:
            yield group
            group, total = [], 0
        group.append(record)
        total += record.size
    if group:
        yield group


def plan_shards(
    records: list[RecordMeta], shard_size: int, template: str, extension: str
) -> list[OutputShard]:
    """Ordered records cut into shards named by the output template (plus the extension)."""
    parsed = templates.parse(template)
    names = parsed.names() if parsed.is_range else iter([parsed.prefix])
    shards = []
    for group in _cut(records, shard_size):
        name = next(names, None)
        if name is None:
            raise InvalidJobRequest(
                f'dsort: output template "{template}" has too few names for the output shards'
            )
        shards.append(OutputShard(name if name.endswith(extension) else name + extension, group))
    return shards


def plan_shards_ekm(
    records: list[RecordMeta], shard_size: int, key_map: dict[str, list[str]], extension: str
) -> list[OutputShard]:
    """External key map: each record goes to the shards of its format (`%d` numbers them)."""
    format_of: dict[str, str] = {}
    for shard_format, names in key_map.items():
        for name in names:
            format_of[record_key(name)] = shard_format
            format_of[name] = shard_format
    groups: dict[str, list[RecordMeta]] = {}
    for record in records:
        found = format_of.get(record.key)
        if found is None:
            raise InvalidJobRequest(f"dsort: record {record.key} is not in the external key map")
        groups.setdefault(found, []).append(record)
    shards = []
    for shard_format, members in groups.items():
        for index, group in enumerate(_cut(members, shard_size)):
            name = (
                shard_format.replace("%d", str(index)) if "%d" in shard_format else f"{shard_format}{index}"
            )
            shards.append(OutputShard(name if name.endswith(extension) else name + extension, group))
    return shards


def parse_key_map(data: bytes) -> dict[str, list[str]]:
    """The EKM file: {"<shard format>": ["<record or member name>", ...]}."""
    try:
        import json

        value = json.loads(io.BytesIO(data).read())
    except ValueError as exc:
        raise InvalidJobRequest(f"dsort: invalid external key map: {exc}") from exc
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise InvalidJobRequest("dsort: the external key map must map shard formats to lists of names")
    return {str(k): [str(n) for n in v] for k, v in value.items()}
