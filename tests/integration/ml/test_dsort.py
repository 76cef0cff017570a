"""dsort against a real cluster: 100 shards resharded, every record once and whole, in the order
asked; tgz and zip; a content key; spill past the memory limit; abort; the official SDK's API."""

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import aistore.sdk as official
import pytest
from aistore.sdk.dsort import DsortAlgorithm, DsortFramework, DsortShardsGroup
from aistore.sdk.multiobj import ObjectRange
from ml_it_support import make_tar, read_tar, unique_name

from pyaistore.sdk import Bucket, Client
from pyaistore.server.local_cluster import LocalCluster

SHARDS = 100
RECORDS = 10


def _record(shard: int, index: int) -> dict[str, bytes]:
    key = f"rec-{(index * 7919 + shard * 31) % 100000:05d}-{shard:03d}"
    return {f"{key}.txt": f"text {key}".encode() * 5, f"{key}.cls": str(index).encode()}


@pytest.fixture(scope="module")
def source(cluster: LocalCluster) -> Iterator[Bucket]:
    """100 tar shards of 10 records (a .txt and a .cls member each)."""
    bucket = Client(cluster.endpoint).bucket(unique_name("ds-in")).create()
    for shard in range(SHARDS):
        members: dict[str, bytes] = {}
        for index in range(RECORDS):
            members.update(_record(shard, index))
        bucket.object(f"in-{shard:03d}.tar").get_writer().put_content(make_tar(members))
    yield bucket
    bucket.delete(missing_ok=True)


def _expected() -> dict[str, bytes]:
    return {name: data for s in range(SHARDS) for i in range(RECORDS) for name, data in _record(s, i).items()}


def _members_in_order(bucket: Bucket, prefix: str = "") -> list[list[tuple[str, bytes]]]:
    shards = []
    for entry in bucket.list_objects_iter(prefix=prefix):
        data = bucket.object(entry.name).get_reader().read_all()
        if entry.name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                shards.append([(i.filename, archive.read(i)) for i in archive.infolist()])
        else:
            shards.append(read_tar(data))
    return shards


def _spec(source: Bucket, out: str, **extra: object) -> dict[str, object]:
    spec: dict[str, object] = {
        "input_bck": {"name": source.name, "provider": "ais"},
        "output_bck": {"name": out, "provider": "ais"},
        "input_format": {"template": "in-{000..099}"},
        "input_extension": ".tar",
        "output_format": "out-{0000..9999}",
        "output_extension": ".tar",
        "output_shard_size": "8KiB",
        "description": "pyaistore test",
    }
    spec.update(extra)
    return spec


def _run(cluster: LocalCluster, spec: dict[str, object], tmp_path: Path) -> str:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    dsort = Client(cluster.endpoint).dsort()
    job_id = dsort.start(path)
    result = dsort.wait(timeout=120)
    assert result.success, result.error
    return job_id


def _check_whole_records(shards: list[list[tuple[str, bytes]]], shard_size: int) -> list[str]:
    """Every record whole in one shard, shards within the size (unless one record alone); keys in order."""
    keys: list[str] = []
    for members in shards:
        shard_keys = [name.split(".", 1)[0] for name, _ in members]
        assert len(members) == 2 * len(set(shard_keys))
        assert (
            sum(512 + -(-len(d) // 512) * 512 for _, d in members) <= shard_size or len(set(shard_keys)) == 1
        )
        keys += list(dict.fromkeys(shard_keys))
    assert len(keys) == len(set(keys))
    return keys


def test_alphanumeric_reshard_with_spill(cluster: LocalCluster, source: Bucket, tmp_path: Path) -> None:
    out = unique_name("ds-out")
    job_id = _run(cluster, _spec(source, out, max_mem_usage="20KB"), tmp_path)
    client = Client(cluster.endpoint)
    shards = _members_in_order(client.bucket(out))
    found = {name: data for members in shards for name, data in members}
    assert found == _expected()
    keys = _check_whole_records(shards, 8 << 10)
    assert keys == sorted(keys)
    infos = client.dsort(job_id).get_job_info()
    spilled = sum(int(i.metrics.local_extraction.counters["extracted_to_disk_count"]) for i in infos.values())
    assert spilled > 0  # 20 KB per target cannot hold 1,000 records: the rest went to disk
    assert sum(int(i.metrics.shard_creation.counters["created_count"]) for i in infos.values()) == len(shards)
    client.bucket(out).delete()


@pytest.mark.parametrize("extension", [".tgz", ".zip"])
def test_shuffle_into_other_formats(
    cluster: LocalCluster, source: Bucket, tmp_path: Path, extension: str
) -> None:
    out = unique_name("ds-shuf")
    spec = _spec(source, out, output_extension=extension, algorithm={"kind": "shuffle", "seed": "7"})
    _run(cluster, spec, tmp_path)
    bucket = Client(cluster.endpoint).bucket(out)
    shards = _members_in_order(bucket)
    assert all(entry.name.endswith(extension) for entry in bucket.list_objects_iter())
    assert {n: d for members in shards for n, d in members} == _expected()
    keys = _check_whole_records(shards, 8 << 10)
    assert keys != sorted(keys)
    bucket.delete()


def test_content_key_decreasing(cluster: LocalCluster, source: Bucket, tmp_path: Path) -> None:
    out = unique_name("ds-key")
    algorithm = {"kind": "content", "extension": ".cls", "content_key_type": "int", "decreasing": True}
    _run(cluster, _spec(source, out, algorithm=algorithm, output_shard_size="64KiB"), tmp_path)
    bucket = Client(cluster.endpoint).bucket(out)
    values = [int(d) for members in _members_in_order(bucket) for n, d in members if n.endswith(".cls")]
    assert len(values) == SHARDS * RECORDS and values == sorted(values, reverse=True)
    bucket.delete()


def test_official_sdk_framework_and_abort(cluster: LocalCluster, source: Bucket) -> None:
    client = official.Client(cluster.endpoint)
    out = client.bucket(unique_name("ds-off"))
    framework = DsortFramework(
        input_shards=DsortShardsGroup(
            bck=client.bucket(source.name).as_model(),
            role="input",
            format=ObjectRange.from_string("in-{000..049}"),
            extension=".tar",
        ),
        output_shards=DsortShardsGroup(
            bck=out.as_model(),
            role="output",
            format=ObjectRange.from_string("o-{000..999}"),
            extension=".tar",
        ),
        algorithm=DsortAlgorithm(kind="alphanumeric"),
        output_shard_size="16KiB",
        description="official",
    )
    dsort = client.dsort()
    dsort.start(framework)
    assert dsort.wait(timeout=120).success
    names = [n for e in out.list_all_objects_iter() for n, _ in read_tar(e.get_reader().read_all())]
    keys = [name.split(".", 1)[0] for name in names]
    assert len(names) == 50 * RECORDS * 2 and keys == sorted(keys)
    aborted = client.dsort()
    aborted.start(framework)
    aborted.abort()
    assert not aborted.wait(timeout=120).success
    with pytest.raises(Exception) as unknown:
        client.dsort("no-such-job").get_job_info()
    assert "404" in str(unknown.value) or getattr(unknown.value, "status_code", 0) == 404
    out.delete(missing_ok=True)
