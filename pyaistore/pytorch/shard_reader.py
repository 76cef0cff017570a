"""AISShardReader: the samples of WebDataset-style tar shards, streamed shard by shard.

A shard's members are grouped into samples by basename (the file name up to its first dot,
without directories, as the official reader names them): `0001.jpg` and `0001.cls` make sample
`0001` = {"jpg": ..., "cls": ...}. The shard is read as a stream, one sample at a time, so a
100 MiB shard never sits in memory; members of a sample are expected next to each other (the
WebDataset convention). Every sample carries every key seen in the shards so far (b"" where it
has none), as the official reader does; each shard's keys are taken from its listing first.
"""

import io
import tarfile
from collections.abc import Iterator, Sequence
from typing import IO, cast

from pyaistore.pytorch import sources
from pyaistore.pytorch.base_iter_dataset import AISBaseIterDataset
from pyaistore.pytorch.sources import PrefixMap
from pyaistore.sdk.bucket import Bucket
from pyaistore.sdk.etl.etl_config import ETLConfig
from pyaistore.sdk.list_object_flag import ListObjectFlag
from pyaistore.sdk.obj.object import Object

__all__ = ["AISShardReader", "ZeroDict", "get_basename", "get_extension", "samples_of"]


def get_basename(name: str) -> str:
    """The sample key of a member: its file name up to the first dot, without directories."""
    return name.split("/")[-1].split(".")[0]


def get_extension(name: str) -> str:
    """The field of a member: its file name's last extension ("" when none)."""
    _, separator, extension = name.rsplit("/", 1)[-1].rpartition(".")
    return extension if separator else ""


class ZeroDict(dict[str, bytes]):
    """A sample's fields, with b"" for every expected key it lacks."""

    def __init__(self, fields: dict[str, bytes], keys: set[str]) -> None:
        super().__init__(fields)
        for key in keys:
            self.setdefault(key, b"")


def samples_of(stream: IO[bytes], buffer_size: int = 1 << 20) -> Iterator[tuple[str, dict[str, bytes]]]:
    """(key, {extension: bytes}) of a tar stream, one sample at a time."""
    current, fields = "", dict[str, bytes]()
    for name, data in tar_members(io.BufferedReader(_Raw(stream), buffer_size)):
        extension = get_extension(name)
        if not extension:
            continue
        key = get_basename(name)
        if key != current and fields:
            yield current, fields
            fields = {}
        current = key
        fields[extension] = data
    if fields:
        yield current, fields


def tar_members(reader: IO[bytes]) -> Iterator[tuple[str, bytes]]:
    """The regular files of a tar stream: (name, bytes), read straight from a buffered reader.

    tarfile's stream mode re-slices its whole read buffer on every read (a copy per member of up
    to the buffer's size); reading headers and data directly keeps one copy per byte. USTAR, GNU
    long names and PAX `path`/`size` records are understood.
    """
    long_name: str | None = None
    pax: dict[str, str] = {}
    while True:
        header = reader.read(tarfile.BLOCKSIZE)
        if len(header) < tarfile.BLOCKSIZE or header == bytes(tarfile.BLOCKSIZE):
            return
        try:
            info = tarfile.TarInfo.frombuf(header, "utf-8", "surrogateescape")
        except tarfile.HeaderError as exc:
            raise tarfile.TarError(f"<AISShardReader> Error opening tar file: {exc}") from exc
        size = int(pax.get("size", info.size))
        data = _exact(reader, size)
        _exact(reader, -size % tarfile.BLOCKSIZE)
        if info.type == tarfile.GNUTYPE_LONGNAME:
            long_name = data.rstrip(b"\0").decode("utf-8", "surrogateescape")
            continue
        if info.type in (tarfile.XHDTYPE, tarfile.SOLARIS_XHDTYPE):
            pax = _pax_records(data)
            continue
        if info.type == tarfile.XGLTYPE:
            continue
        name = pax.get("path") or long_name or info.name
        long_name, pax = None, {}
        if info.type in tarfile.REGULAR_TYPES:
            yield name, data


def _exact(reader: IO[bytes], size: int) -> bytes:
    data = reader.read(size) if size else b""
    if len(data) != size:
        raise tarfile.TarError("<AISShardReader> Error opening tar file: unexpected end of data")
    return data


def _pax_records(data: bytes) -> dict[str, str]:
    records, offset = {}, 0
    while offset < len(data):
        length_text, _, _ = data[offset : offset + 20].partition(b" ")
        if not length_text.isdigit():
            break
        length = int(length_text)
        record = data[offset : offset + length].decode("utf-8", "surrogateescape")
        key, _, value = record.partition(" ")[2].rstrip("\n").partition("=")
        records[key] = value
        offset += length
    return records


class _Raw(io.RawIOBase):
    """A response stream as a raw stream (so BufferedReader can fill its buffer from it)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def readable(self) -> bool:
        """Always readable."""
        return True

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        """Fill from the stream."""
        data = self._stream.read(len(buffer))
        count = len(data)
        memoryview(buffer).cast("B")[:count] = data
        return count


class AISShardReader(AISBaseIterDataset):
    """Iterable dataset of the samples in tar shards, shards split among ranks and workers.

    Args:
        bucket_list: a Bucket of shards, or a list of them.
        prefix_map: bucket -> prefix or prefixes of the shards to read.
        etl_name: an ETL to transform every shard with on the cluster.
        show_progress: accepted for compatibility (no progress bar is drawn).
        partition_sources_by_worker: split whole buckets among readers.
        rank: this process's distributed rank.
        world_size: the number of ranks.
    """

    def __init__(
        self,
        bucket_list: Bucket | Sequence[Bucket],
        prefix_map: PrefixMap | None = None,
        etl_name: str | None = None,
        show_progress: bool = False,
        partition_sources_by_worker: bool = False,
        *,
        rank: int | None = None,
        world_size: int | None = None,
    ) -> None:
        super().__init__(
            bucket_list, prefix_map, partition_sources_by_worker, rank=rank, world_size=world_size
        )
        self._etl_name = etl_name
        self._show_progress = show_progress
        self._observed_keys: set[str] = set()

    def __len__(self) -> int:
        """Samples in all shards (lists every shard's members)."""
        objects = sources.list_objects(self._ais_source_list, self._prefix_map)
        return sum(len({get_basename(n) for n in self._member_names(shard)}) for shard in objects)

    def __iter__(self) -> Iterator[tuple[str, ZeroDict]]:
        objects, _ = self._objects()
        etl = ETLConfig(self._etl_name) if self._etl_name else None
        for shard in objects:
            self._observed_keys.update(filter(None, map(get_extension, self._member_names(shard))))
            response = shard.get_reader(etl=etl).raw()
            try:
                for key, fields in samples_of(cast(IO[bytes], response)):
                    yield key, ZeroDict(fields, self._observed_keys)
            finally:
                response.close()

    def _member_names(self, shard: Object) -> list[str]:
        """The paths inside a shard, from its listing."""
        bucket = next(
            source
            for source in self._ais_source_list
            if isinstance(source, Bucket)
            and (source.name, source.provider) == (shard.bucket_name, shard.bucket_provider)
        )
        entries = bucket.list_objects_iter(prefix=shard.name, props="name", flags=[ListObjectFlag.ARCH_DIR])
        prefix = shard.name + "/"
        return [entry.name[len(prefix) :] for entry in entries if entry.name.startswith(prefix)]
