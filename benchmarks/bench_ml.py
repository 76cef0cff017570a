"""The ML data path, each against a peer in the same run: DataLoader throughput, get-batch, dsort.

1. DataLoader samples/s over 64 KiB samples (2 workers): AISShardReader over 100 MiB shards,
   AISIterDataset over the same samples as single objects, and the same samples read from local
   files (goal: shards >= 0.8 of local files).
2. get-batch of 1,000 x 64 KiB vs 1,000 single GETs with our SDK (goal >= 5x); as objects and
   as shard members (archpath).
3. dsort MiB/s vs a Python script doing the same reshard on local files (goal >= 1.0).

Run: .venv/bin/python benchmarks/bench_ml.py [--quick]. Prints a table with the load average.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from pyaistore.pytorch import AISIterDataset, AISShardReader
from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster

KIB, MIB = 1024, 1024 * 1024
SAMPLE = 64 * KIB


def _tar(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class LocalFiles(IterableDataset):  # type: ignore[type-arg]
    """The peer of the DataLoader runs: the same samples as files on a local disk."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        worker = get_worker_info()
        mine = self.paths if worker is None else self.paths[worker.id :: worker.num_workers]
        for path in mine:
            yield path.name, path.read_bytes()


def _identity(batch: list[object]) -> list[object]:
    return batch


def _rate(dataset: IterableDataset, samples: int) -> float:  # type: ignore[type-arg]
    loader = DataLoader(dataset, batch_size=32, num_workers=2, collate_fn=_identity)
    started = time.perf_counter()
    count = sum(len(batch) for batch in loader)
    elapsed = time.perf_counter() - started
    assert count == samples, (count, samples)
    return count / elapsed


def _best(runs: int, measure: Callable[[], float]) -> float:
    return max(measure() for _ in range(runs))


def bench_dataloader(client: Client, work: Path, shards: int, runs: int) -> dict[str, float]:
    """Samples/s of the three sources."""
    per_shard = 100 * MIB // SAMPLE
    samples = shards * per_shard
    shard_bucket = client.bucket("bench-shards").create(exist_ok=True)
    obj_bucket = client.bucket("bench-objects").create(exist_ok=True)
    local = work / "samples"
    local.mkdir()
    payload = os.urandom(SAMPLE)
    paths = []
    for shard in range(shards):
        members = []
        for index in range(per_shard):
            key = f"{shard:03d}{index:05d}"
            data = key.encode() + payload[len(key) :]
            members.append((f"{key}.bin", data))
            obj_bucket.object(f"s/{key}.bin").get_writer().put_content(data)
            path = local / f"{key}.bin"
            path.write_bytes(data)
            paths.append(path)
        shard_bucket.object(f"shard-{shard:03d}.tar").get_writer().put_content(_tar(members))
    return {
        "shards (AISShardReader)": _best(runs, lambda: _rate(AISShardReader(shard_bucket), samples)),
        "single objects (AISIterDataset)": _best(runs, lambda: _rate(AISIterDataset(obj_bucket), samples)),
        "local files": _best(runs, lambda: _rate(LocalFiles(paths), samples)),
        "samples": samples,
    }


def bench_get_batch(client: Client, count: int, runs: int) -> dict[str, float]:
    """Seconds for `count` entries by get-batch and by single GETs (objects, then shard members)."""
    bucket = client.bucket("bench-batch").create(exist_ok=True)
    payload = os.urandom(SAMPLE)
    names = [f"o-{i:05d}" for i in range(count)]
    for name in names:
        bucket.object(name).get_writer().put_content(payload)
    per_shard = 100
    members = [(f"shard-{i // per_shard:03d}.tar", f"m-{i:05d}.bin") for i in range(count)]
    for start in range(0, count, per_shard):
        group = members[start : start + per_shard]
        bucket.object(group[0][0]).get_writer().put_content(_tar([(m, payload) for _, m in group]))

    def batch_objects() -> float:
        started = time.perf_counter()
        got = sum(len(data) for _, data in client.batch(names, bucket=bucket).get())
        assert got == count * SAMPLE
        return time.perf_counter() - started

    def single_objects() -> float:
        started = time.perf_counter()
        got = sum(len(bucket.object(name).get_reader().read_all()) for name in names)
        assert got == count * SAMPLE
        return time.perf_counter() - started

    def batch_members() -> float:
        batch = client.batch(bucket=bucket)
        for shard, member in members:
            batch.add(shard, archpath=member)
        started = time.perf_counter()
        got = sum(len(data) for _, data in batch.get())
        assert got == count * SAMPLE
        return time.perf_counter() - started

    def single_members() -> float:
        from pyaistore.sdk import ArchiveConfig

        started = time.perf_counter()
        got = sum(
            len(bucket.object(s).get_reader(archive_config=ArchiveConfig(archpath=m)).read_all())
            for s, m in members
        )
        assert got == count * SAMPLE
        return time.perf_counter() - started

    return {
        "get-batch objects": min(batch_objects() for _ in range(runs)),
        "single GETs objects": min(single_objects() for _ in range(runs)),
        "get-batch members": min(batch_members() for _ in range(runs)),
        "single GETs members": min(single_members() for _ in range(runs)),
    }


def _local_reshard(inputs: list[Path], out_dir: Path, shard_size: int) -> None:
    """The peer of dsort: the same reshard by a plain script (extract, sort by key, write shards)."""
    records: dict[str, list[tuple[str, bytes]]] = {}
    for path in inputs:
        with tarfile.open(path, mode="r|") as tar:
            for info in tar:
                reader = tar.extractfile(info)
                key = info.name.split(".", 1)[0]
                records.setdefault(key, []).append((info.name, reader.read() if reader else b""))
    shard, size, members = 0, 0, []
    for key in sorted(records):
        record = records[key]
        record_size = sum(512 + -(-len(d) // 512) * 512 for _, d in record)
        if members and size + record_size > shard_size:
            (out_dir / f"out-{shard:05d}.tar").write_bytes(_tar(members))
            shard, size, members = shard + 1, 0, []
        members += record
        size += record_size
    if members:
        (out_dir / f"out-{shard:05d}.tar").write_bytes(_tar(members))


def bench_dsort(client: Client, work: Path, shards: int, runs: int) -> dict[str, float]:
    """MiB/s of dsort and of the local script over the same input."""
    per_shard = 80  # records of 64 KiB + a class file: about 5 MiB per input shard
    bucket = client.bucket("bench-dsort-in").create(exist_ok=True)
    local_in = work / "dsort-in"
    local_in.mkdir()
    payload = os.urandom(SAMPLE)
    total = 0
    inputs = []
    for shard in range(shards):
        members = []
        for index in range(per_shard):
            key = f"{(index * 7919 + shard * 104729) % 10**7:07d}"
            members += [(f"{key}.jpg", payload), (f"{key}.cls", str(index).encode())]
        data = _tar(members)
        total += len(data)
        bucket.object(f"in-{shard:04d}.tar").get_writer().put_content(data)
        path = local_in / f"in-{shard:04d}.tar"
        path.write_bytes(data)
        inputs.append(path)
    spec = {
        "input_bck": {"name": bucket.name},
        "input_format": {"template": f"in-{{0000..{shards - 1:04d}}}"},
        "input_extension": ".tar",
        "output_bck": {"name": "bench-dsort-out"},
        "output_format": "out-{00000..99999}",
        "output_extension": ".tar",
        "output_shard_size": "16MiB",
    }
    spec_path = work / "spec.json"
    spec_path.write_text(json.dumps(spec))

    def dsort() -> float:
        started = time.perf_counter()
        job = client.dsort()
        job.start(spec_path)
        assert job.wait(timeout=600).success
        return time.perf_counter() - started

    def script() -> float:
        out = work / "dsort-out"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        started = time.perf_counter()
        _local_reshard(inputs, out, 16 * MIB)
        return time.perf_counter() - started

    mib = total / MIB
    return {
        "dsort MiB/s": mib / min(dsort() for _ in range(runs)),
        "script MiB/s": mib / min(script() for _ in range(runs)),
    }


def main() -> None:
    """Run all three and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller data, one run each")
    args = parser.parse_args()
    shards, runs, count, dsort_shards = (2, 1, 300, 8) if args.quick else (4, 2, 1000, 40)
    work = Path(tempfile.mkdtemp(prefix="bench-ml-"))
    try:
        with LocalCluster(work / "cluster", port=0, targets=2) as cluster:
            client = Client(cluster.endpoint, timeout=(5, 300))
            loader = bench_dataloader(client, work, shards, runs)
            load_1 = os.getloadavg()
            batch = bench_get_batch(client, count, runs)
            load_2 = os.getloadavg()
            sort = bench_dsort(client, work, dsort_shards, runs)
            load_3 = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    local = loader["local files"]
    print(f"DataLoader, {int(loader['samples'])} samples of 64 KiB, 2 workers (load avg {load_1[0]:.2f}):")
    for name in ("shards (AISShardReader)", "single objects (AISIterDataset)", "local files"):
        print(f"  {name:34s} {loader[name]:9.0f} samples/s  ({loader[name] / local:.2f} of local files)")
    print(f"get-batch of {count} x 64 KiB vs {count} single GETs (load avg {load_2[0]:.2f}):")
    for kind in ("objects", "members"):
        ratio = batch[f"single GETs {kind}"] / batch[f"get-batch {kind}"]
        print(
            f"  {kind:8s} get-batch {batch[f'get-batch {kind}']:.3f} s, single GETs "
            f"{batch[f'single GETs {kind}']:.3f} s: {ratio:.1f}x"
        )
    ratio = sort["dsort MiB/s"] / sort["script MiB/s"]
    print(f"dsort of {dsort_shards} shards (load avg {load_3[0]:.2f}):")
    print(
        f"  dsort {sort['dsort MiB/s']:.1f} MiB/s, local script {sort['script MiB/s']:.1f} MiB/s: {ratio:.2f}"
    )


if __name__ == "__main__":
    main()
