"""PyTorch datasets over AIStore-compatible clusters, as `aistore.pytorch` names them.

Install with the `pytorch` extra (`pip install 'pyaistore[pytorch]'`); the base SDK never imports
torch. Code written for `aistore.pytorch` runs after changing the imports:

    from pyaistore.sdk import Client
    from pyaistore.pytorch import AISIterDataset, AISShardReader

Iterable datasets split their samples across DataLoader workers and distributed ranks (each
sample once per epoch in all); `AISShardReader` streams WebDataset-style tar shards.
"""

from pyaistore.pytorch.base_iter_dataset import AISBaseIterDataset
from pyaistore.pytorch.base_map_dataset import AISBaseMapDataset
from pyaistore.pytorch.batch_iter_dataset import AISBatchIterDataset
from pyaistore.pytorch.dynamic_sampler import DynamicBatchSampler
from pyaistore.pytorch.iter_dataset import AISIterDataset
from pyaistore.pytorch.map_dataset import AISMapDataset
from pyaistore.pytorch.multishard_dataset import AISMultiShardStream, DataShard
from pyaistore.pytorch.parallel_map_dataset import AISParallelMapDataset
from pyaistore.pytorch.shard_reader import AISShardReader

__all__ = [
    "AISBaseIterDataset",
    "AISBaseMapDataset",
    "AISBatchIterDataset",
    "AISIterDataset",
    "AISMapDataset",
    "AISMultiShardStream",
    "AISParallelMapDataset",
    "AISShardReader",
    "DataShard",
    "DynamicBatchSampler",
]
