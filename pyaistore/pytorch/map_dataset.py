"""AISMapDataset: (name, bytes) of the object at an index."""

from collections.abc import Sequence

from pyaistore.pytorch.base_map_dataset import AISBaseMapDataset
from pyaistore.pytorch.sources import AISSource, PrefixMap
from pyaistore.sdk.etl.etl_config import ETLConfig

__all__ = ["AISMapDataset"]


class AISMapDataset(AISBaseMapDataset):
    """Map-style dataset of whole objects (one GET per item).

    Args:
        ais_source_list: a source (Bucket) or a list of them.
        prefix_map: source -> prefix or prefixes to read.
        etl_name: an ETL to transform every object with on the cluster.
    """

    def __init__(
        self,
        ais_source_list: AISSource | Sequence[AISSource] = (),
        prefix_map: PrefixMap | None = None,
        etl_name: str | None = None,
    ) -> None:
        super().__init__(ais_source_list, prefix_map)
        self._etl_name = etl_name

    def __getitem__(self, index: int) -> tuple[str, bytes]:
        try:
            obj = self._obj_list[index]
        except IndexError:
            raise IndexError(f"<{type(self).__name__}> index must be in bounds of dataset") from None
        etl = ETLConfig(self._etl_name) if self._etl_name else None
        return obj.name, obj.get_reader(etl=etl).read_all()
