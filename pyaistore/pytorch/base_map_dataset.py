"""The base of the map-style datasets: the objects of the sources, listed once."""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from torch.utils.data import Dataset

from pyaistore.pytorch import sources
from pyaistore.pytorch.sources import AISSource, PrefixMap
from pyaistore.sdk.obj.object import Object

__all__ = ["AISBaseMapDataset"]


class AISBaseMapDataset(ABC, Dataset):  # type: ignore[type-arg]
    """Map-style dataset over the objects of one or more sources, listed at construction.

    Args:
        ais_source_list: a source (Bucket) or a list of them.
        prefix_map: source -> prefix or prefixes to read.
    """

    def __init__(
        self, ais_source_list: AISSource | Sequence[AISSource], prefix_map: PrefixMap | None = None
    ) -> None:
        self._ais_source_list = sources.as_list(ais_source_list, type(self).__name__)
        self._prefix_map: PrefixMap = prefix_map or {}
        self._obj_list: list[Object] = list(sources.list_objects(self._ais_source_list, self._prefix_map))

    def get_obj_list(self) -> list[Object]:
        """The listed objects, in order."""
        return self._obj_list

    def __len__(self) -> int:
        return len(self._obj_list)

    @abstractmethod
    def __getitem__(self, index: int) -> Any:
        """The sample at `index`."""

    def __getitems__(self, indices: list[int]) -> list[Any]:
        """Several samples (DataLoader's batched fetch)."""
        return [self.__getitem__(index) for index in indices]
