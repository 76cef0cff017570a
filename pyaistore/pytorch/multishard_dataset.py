"""AISMultiShardStream: tuples of members read in step from several groups of shards."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from torch.utils.data import IterableDataset

from pyaistore.sdk.archive_config import ArchiveConfig
from pyaistore.sdk.bucket import Bucket
from pyaistore.sdk.client import Client
from pyaistore.sdk.etl.etl_config import ETLConfig
from pyaistore.sdk.list_object_flag import ListObjectFlag

__all__ = ["AISMultiShardStream", "DataShard"]


@dataclass
class DataShard:
    """A group of shards: a bucket of a cluster and a prefix (`aistore.sdk.dataset.DataShard`)."""

    client_url: str
    bucket_name: str
    provider: str = "ais"
    prefix: str = ""
    etl_name: str | None = None
    bucket: Bucket = field(init=False)

    def __post_init__(self) -> None:
        self.bucket = Client(self.client_url).bucket(self.bucket_name, provider=self.provider)


class AISMultiShardStream(IterableDataset):  # type: ignore[type-arg]
    """Yields tuples (one member of each group's shards, in step), like the official class.

    Args:
        data_sources: the groups of shards.
    """

    def __init__(self, data_sources: list[DataShard]) -> None:
        self._data_sources = data_sources

    def __iter__(self) -> Iterator[tuple[bytes, ...]]:
        streams = (_members(ds.bucket, ds.prefix, ds.etl_name) for ds in self._data_sources)
        return zip(*streams, strict=False)


def _members(bucket: Bucket, prefix: str, etl_name: str | None) -> Iterator[bytes]:
    """Every member of every shard under `prefix`, one archived-file GET each."""
    etl = ETLConfig(etl_name) if etl_name else None
    for shard in bucket.list_objects_iter(prefix=prefix, props="name"):
        members = bucket.list_objects_iter(prefix=shard.name, props="name", flags=[ListObjectFlag.ARCH_DIR])
        for member in members:
            if member.name == shard.name:
                continue
            path = member.name.removeprefix(shard.name + "/")
            reader = bucket.object(shard.name).get_reader(
                archive_config=ArchiveConfig(archpath=path), etl=etl
            )
            yield reader.read_all()
