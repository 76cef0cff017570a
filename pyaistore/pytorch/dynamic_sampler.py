"""DynamicBatchSampler: batches of indices whose objects add up to at most `max_batch_size` bytes."""

import logging
from collections.abc import Iterator
from typing import Final

import torch
from torch.utils.data import Sampler

from pyaistore.pytorch.base_map_dataset import AISBaseMapDataset

__all__ = ["DynamicBatchSampler"]

SATURATION_FACTOR: Final = 0.8
log = logging.getLogger(__name__)


class DynamicBatchSampler(Sampler[list[int]]):
    """Batches by total size, from the sizes the dataset's listing returned.

    Args:
        data_source: a map-style dataset (its objects' listed sizes are used).
        max_batch_size: bytes per batch.
        drop_last: drop a last batch filled below `saturation_factor`.
        allow_oversized_samples: a sample larger than a batch becomes a batch of its own.
        saturation_factor: how full a last batch must be to be kept with `drop_last`.
        shuffle: visit the samples in random order.
    """

    def __init__(
        self,
        data_source: AISBaseMapDataset,
        max_batch_size: float,
        drop_last: bool = False,
        allow_oversized_samples: bool = False,
        saturation_factor: float = SATURATION_FACTOR,
        shuffle: bool = False,
    ) -> None:
        if not 0 <= saturation_factor <= 1:
            raise ValueError("`saturation_factor` must be between 0 and 1")
        self._samples = data_source.get_obj_list()
        self._max = max_batch_size
        self._drop_last = drop_last
        self._oversized = allow_oversized_samples
        self._saturation = saturation_factor
        self._shuffle = shuffle

    def __len__(self) -> int:
        return len(self._samples)

    def __iter__(self) -> Iterator[list[int]]:
        order = torch.randperm(len(self._samples)).tolist() if self._shuffle else range(len(self._samples))
        batch: list[int] = []
        total = 0
        for index in order:
            props = self._samples[index].props_cached
            size = props.size if props is not None else 0
            if size == 0:
                log.warning(
                    "Sample %s cannot be processed as it has a size of 0 bytes", self._samples[index].name
                )
                continue
            if size > self._max:
                if self._oversized:
                    yield [index]
                else:
                    log.warning("Sample %s is larger than the max batch size", self._samples[index].name)
                continue
            if total + size > self._max:
                yield batch
                batch, total = [], 0
            batch.append(index)
            total += size
            if total == self._max:
                yield batch
                batch, total = [], 0
        if batch and (not self._drop_last or total / self._max > self._saturation):
            yield batch
