"""Which samples this process reads: a split across distributed ranks and DataLoader workers.

Every (rank, worker) pair takes every N-th item of one shared order, offset by its position, so
each sample is read exactly once per epoch by all ranks and workers together. The rank comes from
the dataset's arguments, else from an initialised torch.distributed, else from the RANK and
WORLD_SIZE environment variables (torchrun sets them), else one rank.
"""

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

import torch.distributed as dist
import torch.utils.data as torch_data

__all__ = ["Slot", "current_slot", "take_share"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Slot:
    """This reader's position among `count` readers (ranks times workers)."""

    index: int
    count: int
    name: str = ""


def _rank(rank: int | None, world_size: int | None) -> tuple[int, int]:
    if rank is not None and world_size is not None:
        if not 0 <= rank < world_size:
            raise ValueError(f"rank {rank} is outside world size {world_size}")
        return rank, world_size
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return int(os.environ.get("RANK", "0")), int(os.environ.get("WORLD_SIZE", "1"))


def current_slot(rank: int | None = None, world_size: int | None = None) -> Slot:
    """This process's slot: rank * workers + worker."""
    rank_index, ranks = _rank(rank, world_size)
    worker = torch_data.get_worker_info()
    workers, worker_id = (worker.num_workers, worker.id) if worker is not None else (1, 0)
    name = f" (Worker {worker_id})" if workers > 1 else ""
    return Slot(rank_index * workers + worker_id, ranks * workers, name)


def take_share(items: Iterable[T], slot: Slot) -> Iterator[T]:
    """Every `slot.count`-th item, starting at `slot.index`."""
    if slot.count == 1:
        return iter(items)
    return islice(items, slot.index, None, slot.count)
