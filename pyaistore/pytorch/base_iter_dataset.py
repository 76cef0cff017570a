"""The base of the iterable datasets: list the sources, split the objects among readers."""

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any

import torch.utils.data as torch_data

from pyaistore.pytorch import sharding, sources
from pyaistore.pytorch.sources import AISSource, PrefixMap
from pyaistore.sdk.obj.object import Object

__all__ = ["AISBaseIterDataset"]


class AISBaseIterDataset(ABC, torch_data.IterableDataset):  # type: ignore[type-arg]
    """Iterable dataset over the objects of one or more sources (Buckets).

    Args:
        ais_source_list: a source or a list of sources.
        prefix_map: source -> prefix or prefixes to read (default: all of the source).
        partition_sources_by_worker: give each reader whole sources instead of every N-th object
            (each lists only its own sources; best with at least as many sources as readers).
        rank: this process's distributed rank (default: torch.distributed, else $RANK).
        world_size: the number of ranks (default: torch.distributed, else $WORLD_SIZE).
    """

    def __init__(
        self,
        ais_source_list: AISSource | Sequence[AISSource],
        prefix_map: PrefixMap | None = None,
        partition_sources_by_worker: bool = False,
        *,
        rank: int | None = None,
        world_size: int | None = None,
    ) -> None:
        self._ais_source_list = sources.as_list(ais_source_list, type(self).__name__)
        self._prefix_map: PrefixMap = prefix_map or {}
        self._partition_sources_by_worker = partition_sources_by_worker
        self._rank = rank
        self._world_size = world_size

    def _objects(self) -> tuple[Iterator[Object], str]:
        """This reader's objects (and its name for progress displays)."""
        slot = sharding.current_slot(self._rank, self._world_size)
        if self._partition_sources_by_worker:
            mine = self._ais_source_list[slot.index :: slot.count]
            return sources.list_objects(mine, self._prefix_map), slot.name
        everything = sources.list_objects(self._ais_source_list, self._prefix_map)
        return sharding.take_share(everything, slot), slot.name

    @abstractmethod
    def __iter__(self) -> Iterator[Any]:
        """The samples of this reader."""

    def __len__(self) -> int:
        """Objects in all sources (lists them: O(N))."""
        return sum(1 for _ in sources.list_objects(self._ais_source_list, self._prefix_map))
