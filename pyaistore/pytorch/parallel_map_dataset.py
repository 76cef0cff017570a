"""AISParallelMapDataset: a large object read as byte ranges in parallel."""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Final

from pyaistore.pytorch.base_map_dataset import AISBaseMapDataset
from pyaistore.pytorch.sources import AISSource, PrefixMap
from pyaistore.sdk.obj.object import Object

__all__ = ["AISParallelMapDataset"]

# Objects smaller than this are read with one GET.
MIN_PART: Final = 4 << 20


class AISParallelMapDataset(AISBaseMapDataset):
    """Map-style dataset whose items are fetched as `num_workers` concurrent Range GETs.

    Args:
        ais_source_list: a source (Bucket) or a list of them.
        prefix_map: source -> prefix or prefixes to read.
        num_workers: concurrent range requests per item.
    """

    def __init__(
        self,
        ais_source_list: AISSource | Sequence[AISSource] | None = None,
        prefix_map: PrefixMap | None = None,
        num_workers: int = 16,
    ) -> None:
        super().__init__(ais_source_list or [], prefix_map)
        if num_workers < 1:
            raise ValueError("num_workers must be at least 1")
        self._num_workers = num_workers

    @property
    def num_workers(self) -> int:
        """Concurrent range requests per item."""
        return self._num_workers

    def __getitem__(self, index: int) -> tuple[str, bytes]:
        obj = self._obj_list[index]
        size = obj.head().size
        if size < MIN_PART or self._num_workers == 1:
            return obj.name, obj.get_reader().read_all()
        part = -(-size // self._num_workers)
        ranges = [(start, min(start + part, size) - 1) for start in range(0, size, part)]
        with ThreadPoolExecutor(len(ranges)) as pool:
            pieces = list(pool.map(lambda pair: _range(obj, *pair), ranges))
        return obj.name, b"".join(pieces)


def _range(obj: Object, first: int, last: int) -> bytes:
    return obj.get_reader(byte_range=f"bytes={first}-{last}").read_all()
