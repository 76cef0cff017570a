"""AISIterDataset: (name, bytes) for every object, split among ranks and DataLoader workers."""

from collections.abc import Iterator, Sequence

from pyaistore.pytorch.base_iter_dataset import AISBaseIterDataset
from pyaistore.pytorch.sources import AISSource, PrefixMap
from pyaistore.sdk.etl.etl_config import ETLConfig

__all__ = ["AISIterDataset"]


class AISIterDataset(AISBaseIterDataset):
    """Iterable dataset of whole objects.

    Args:
        ais_source_list: a source (Bucket) or a list of them.
        prefix_map: source -> prefix or prefixes to read.
        etl_name: an ETL to transform every object with on the cluster.
        show_progress: accepted for compatibility (no progress bar is drawn).
        partition_sources_by_worker: split whole sources among readers.
        rank: this process's distributed rank.
        world_size: the number of ranks.
    """

    def __init__(
        self,
        ais_source_list: AISSource | Sequence[AISSource],
        prefix_map: PrefixMap | None = None,
        etl_name: str | None = None,
        show_progress: bool = False,
        partition_sources_by_worker: bool = False,
        *,
        rank: int | None = None,
        world_size: int | None = None,
    ) -> None:
        super().__init__(
            ais_source_list, prefix_map, partition_sources_by_worker, rank=rank, world_size=world_size
        )
        self._etl_name = etl_name
        self._show_progress = show_progress

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        objects, _ = self._objects()
        etl = ETLConfig(self._etl_name) if self._etl_name else None
        for obj in objects:
            yield obj.name, obj.get_reader(etl=etl).read_all()
