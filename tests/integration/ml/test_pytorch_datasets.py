"""Real torch DataLoaders (2 workers) over a cluster: every sample once per epoch, across workers and
two simulated ranks; WebDataset pipelines over our shard reader and through ais:// URLs."""

from collections import Counter
from collections.abc import Iterator

import pytest
import webdataset as wds
from ml_it_support import make_tar, unique_name
from torch.utils.data import DataLoader

from pyaistore.pytorch import (
    AISBatchIterDataset,
    AISIterDataset,
    AISMapDataset,
    AISShardReader,
    DynamicBatchSampler,
)
from pyaistore.pytorch.webdataset_io import install_gopen, wds_samples
from pyaistore.sdk import Bucket, Client
from pyaistore.server.local_cluster import LocalCluster

OBJECTS = 2000
SHARDS = 20
PER_SHARD = 25


def _identity(batch: list[object]) -> list[object]:
    return batch


@pytest.fixture(scope="module")
def objects(cluster: LocalCluster) -> Iterator[Bucket]:
    """2,000 small objects (their names are their content)."""
    bucket = Client(cluster.endpoint).bucket(unique_name("torch-objs")).create()
    for index in range(OBJECTS):
        name = f"obj-{index:04d}"
        bucket.object(name).get_writer().put_content(name.encode())
    yield bucket
    bucket.delete(missing_ok=True)


@pytest.fixture(scope="module")
def shards(cluster: LocalCluster) -> Iterator[Bucket]:
    """20 WebDataset-style shards of 25 samples, each a .txt and a .cls member."""
    bucket = Client(cluster.endpoint).bucket(unique_name("torch-shards")).create()
    for shard in range(SHARDS):
        members: dict[str, bytes] = {}
        for sample in range(PER_SHARD):
            key = f"{shard:02d}{sample:03d}"
            members[f"{key}.txt"] = f"text of {key}".encode()
            members[f"{key}.cls"] = str(sample % 10).encode()
        bucket.object(f"shard-{shard:03d}.tar").get_writer().put_content(make_tar(members))
    yield bucket
    bucket.delete(missing_ok=True)


def _names(loader: DataLoader) -> Counter[str]:  # type: ignore[type-arg]
    seen: Counter[str] = Counter()
    for batch in loader:
        for name, _ in batch:
            seen[name] += 1
    return seen


def test_iter_dataset_two_workers_two_ranks_every_object_once(objects: Bucket) -> None:
    union: Counter[str] = Counter()
    for rank in (0, 1):
        dataset = AISIterDataset(objects, rank=rank, world_size=2)
        loader = DataLoader(dataset, batch_size=64, num_workers=2, collate_fn=_identity)
        seen = _names(loader)
        assert 900 < sum(seen.values()) < 1100  # about half each
        union.update(seen)
    assert len(union) == OBJECTS and set(union.values()) == {1}


def test_batch_iter_dataset_and_content(objects: Bucket, cluster: LocalCluster) -> None:
    dataset = AISBatchIterDataset(objects, Client(cluster.endpoint), max_batch_size=100)
    loader = DataLoader(dataset, batch_size=50, num_workers=2, collate_fn=_identity)
    seen = {name: data for batch in loader for name, data in batch}
    assert len(seen) == OBJECTS and all(data == name.encode() for name, data in seen.items())


def test_map_dataset_and_dynamic_sampler(objects: Bucket) -> None:
    dataset = AISMapDataset(objects, prefix_map={objects: ["obj-00", "obj-01"]})
    assert len(dataset) == 200
    sampler = DynamicBatchSampler(dataset, max_batch_size=80)  # 8-byte objects: 10 per batch
    loader = DataLoader(dataset, batch_sampler=sampler, num_workers=2, collate_fn=_identity)
    batches = list(loader)
    assert [len(b) for b in batches] == [10] * 20
    assert sorted(name for b in batches for name, _ in b) == [f"obj-{i:04d}" for i in range(200)]


def test_shard_reader_samples_once_across_workers_and_ranks(shards: Bucket) -> None:
    union: Counter[str] = Counter()
    for rank in (0, 1):
        reader = AISShardReader(shards, rank=rank, world_size=2)
        loader = DataLoader(reader, batch_size=25, num_workers=2, collate_fn=_identity)
        for batch in loader:
            for key, fields in batch:
                assert fields["txt"] == f"text of {key}".encode()
                assert fields["cls"] == str(int(key[2:]) % 10).encode()
                union[key] += 1
    assert len(union) == SHARDS * PER_SHARD and set(union.values()) == {1}
    assert len(AISShardReader(shards)) == SHARDS * PER_SHARD


def test_webdataset_pipeline_over_the_shard_reader(shards: Bucket) -> None:
    pipeline = wds.DataPipeline(
        lambda: wds_samples(AISShardReader(shards)),
        wds.decode(),
        wds.to_tuple("txt", "cls"),
        wds.batched(25),
    )
    batches = list(pipeline)
    assert len(batches) == SHARDS
    texts, classes = batches[0]
    assert texts[0] == "text of 00000" and list(classes[:3]) == [0, 1, 2]


def test_webdataset_reads_ais_urls_through_the_sdk(shards: Bucket, cluster: LocalCluster) -> None:
    install_gopen(Client(cluster.endpoint))
    urls = f"ais://{shards.name}/shard-{{000..{SHARDS - 1:03d}}}.tar"
    dataset = wds.WebDataset(urls, shardshuffle=False).decode().to_tuple("__key__", "cls")
    loader = DataLoader(dataset, batch_size=None, num_workers=2)
    keys = [key for key, _ in loader]
    assert sorted(keys) == sorted(f"{s:02d}{i:03d}" for s in range(SHARDS) for i in range(PER_SHARD))
