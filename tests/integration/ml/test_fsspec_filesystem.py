"""The ais:// fsspec filesystem: found by its entry point, ranged reads, listings, writes, and pandas
and pyarrow reading through it."""

import os
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest
from ml_it_support import unique_name

from pyaistore.fsspec import AISFileSystem
from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster


@pytest.fixture(scope="module")
def bucket_name(cluster: LocalCluster) -> Iterator[str]:
    bucket = Client(cluster.endpoint).bucket(unique_name("fs")).create()
    for name in ("a/1.txt", "a/2.txt", "a/b/3.txt", "top.bin"):
        bucket.object(name).get_writer().put_content(name.encode() * 3)
    yield bucket.name
    bucket.delete(missing_ok=True)


def test_entry_point_and_endpoint_from_the_environment(
    cluster: LocalCluster, bucket_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIS_ENDPOINT", cluster.endpoint)
    fs = fsspec.filesystem("ais", skip_instance_cache=True)
    assert isinstance(fs, AISFileSystem)
    with fsspec.open(f"ais://{bucket_name}/top.bin", "rb") as handle:
        assert handle.read() == b"top.bin" * 3


def test_listing_info_glob_and_ranged_reads(cluster: LocalCluster, bucket_name: str) -> None:
    fs = AISFileSystem(endpoint=cluster.endpoint, skip_instance_cache=True)
    assert bucket_name in fs.ls("", detail=False)
    top = {e["name"]: e["type"] for e in fs.ls(f"ais://{bucket_name}")}
    assert top == {f"{bucket_name}/a": "directory", f"{bucket_name}/top.bin": "file"}
    assert fs.info(f"{bucket_name}/a/1.txt") == {"name": f"{bucket_name}/a/1.txt", "size": 21, "type": "file"}
    assert fs.info(f"{bucket_name}/a")["type"] == "directory"
    assert sorted(fs.glob(f"ais://{bucket_name}/a/*.txt")) == [
        f"{bucket_name}/a/1.txt",
        f"{bucket_name}/a/2.txt",
    ]
    assert len(fs.find(f"{bucket_name}/a")) == 3
    assert fs.cat_file(f"{bucket_name}/a/b/3.txt", start=2, end=6) == b"b/3."
    with fs.open(f"{bucket_name}/a/b/3.txt", "rb", block_size=4) as handle:
        handle.seek(9)
        assert handle.read(5) == b"a/b/3"
    with pytest.raises(FileNotFoundError):
        fs.info(f"{bucket_name}/missing")
    assert not fs.exists(f"{bucket_name}/missing")


def test_writes_and_removal(cluster: LocalCluster, bucket_name: str) -> None:
    fs = AISFileSystem(endpoint=cluster.endpoint, skip_instance_cache=True)
    data = os.urandom(3 << 20)
    with fs.open(f"{bucket_name}/w/big.bin", "wb", block_size=1 << 20) as handle:
        for start in range(0, len(data), 100_000):
            handle.write(data[start : start + 100_000])
    assert fs.cat_file(f"{bucket_name}/w/big.bin") == data
    fs.pipe_file(f"{bucket_name}/w/small", b"x")
    fs.rm(f"{bucket_name}/w/small")
    assert not fs.exists(f"{bucket_name}/w/small")


def test_pandas_and_pyarrow_read_through_it(cluster: LocalCluster, bucket_name: str) -> None:
    options = {"endpoint": cluster.endpoint}
    frame = pd.DataFrame({"x": range(100), "y": [f"v{i}" for i in range(100)]})
    frame.to_csv(f"ais://{bucket_name}/tables/t.csv", index=False, storage_options=options)
    assert pd.read_csv(f"ais://{bucket_name}/tables/t.csv", storage_options=options).equals(frame)
    fs = AISFileSystem(endpoint=cluster.endpoint, skip_instance_cache=True)
    for part in range(3):
        table = pa.table({"part": [part] * 10, "value": list(range(part * 10, part * 10 + 10))})
        with fs.open(f"{bucket_name}/parquet/p{part}.parquet", "wb") as handle:
            pq.write_table(table, handle)
    dataset = pads.dataset(f"{bucket_name}/parquet", filesystem=fs, format="parquet")
    assert sorted(dataset.to_table().column("value").to_pylist()) == list(range(30))
    assert (
        pd.read_parquet(f"ais://{bucket_name}/parquet/p1.parquet", storage_options=options)["part"].tolist()
        == [1] * 10
    )


def test_hugging_face_datasets_loads_from_ais(
    cluster: LocalCluster, bucket_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    import datasets

    Client(cluster.endpoint).bucket(bucket_name).object("hf/train.csv").get_writer().put_content(
        b"a,b\n1,x\n2,y\n"
    )
    loaded = datasets.load_dataset(
        "csv",
        data_files=f"ais://{bucket_name}/hf/train.csv",
        storage_options={"endpoint": cluster.endpoint},
        cache_dir=str(tmp_path),
    )
    assert loaded["train"][:] == {"a": [1, 2], "b": ["x", "y"]}
