"""Other S3 clients, unchanged: s3fs (fsspec, pandas + pyarrow) and the aws CLI."""

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
import pytest
import s3fs

MiB = 1 << 20


@pytest.fixture()
def storage_options(cluster: Any) -> dict[str, Any]:
    return {"key": "any", "secret": "any", "client_kwargs": {"endpoint_url": cluster.endpoint + "/s3"}}


def test_s3fs_and_pandas_read_parquet(bucket: str, storage_options: dict[str, Any]) -> None:
    frame = pd.DataFrame({"id": range(1000), "name": [f"row-{i}" for i in range(1000)]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer, engine="pyarrow")
    fs = s3fs.S3FileSystem(**storage_options)
    with fs.open(f"{bucket}/tables/frame.parquet", "wb") as out:  # written through s3fs
        out.write(buffer.getvalue())
    assert fs.ls(f"{bucket}/tables") == [f"{bucket}/tables/frame.parquet"]
    assert fs.info(f"{bucket}/tables/frame.parquet")["size"] == len(buffer.getvalue())
    back = pd.read_parquet(f"s3://{bucket}/tables/frame.parquet", storage_options=storage_options)
    pd.testing.assert_frame_equal(back, frame)


def test_fsspec_open_large_file_in_blocks(bucket: str, storage_options: dict[str, Any]) -> None:
    data = os.urandom(12 * MiB)
    with fsspec.open(f"s3://{bucket}/blob.bin", "wb", **storage_options) as out:  # s3fs uploads in parts
        for offset in range(0, len(data), MiB):
            out.write(data[offset : offset + MiB])
    with fsspec.open(f"s3://{bucket}/blob.bin", "rb", **storage_options, default_block_size=MiB) as source:
        source.seek(5 * MiB + 7)
        assert source.read(1000) == data[5 * MiB + 7 : 5 * MiB + 1007]
        source.seek(0)
        assert source.read() == data
    fs = s3fs.S3FileSystem(**storage_options)
    fs.rm(f"{bucket}/blob.bin")
    assert not fs.exists(f"{bucket}/blob.bin")


def _aws(cluster: Any, *args: str, empty_ok: bool = False) -> str:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "any",
        "AWS_SECRET_ACCESS_KEY": "any",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    env.pop("AWS_PROFILE", None)
    aws = str(Path(sys.executable).parent / "aws")
    done = subprocess.run(
        [aws, "--endpoint-url", cluster.endpoint + "/s3", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # `aws s3 ls` that finds nothing exits with 1 (and prints nothing).
    assert done.returncode == 0 or (empty_ok and done.returncode == 1 and not done.stdout), done.stderr
    return done.stdout


def test_aws_cli_cp_ls_sync(cluster: Any, bucket: str, tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_text("alpha")
    (source / "sub" / "b.bin").write_bytes(os.urandom(9 * MiB))  # above the CLI's 8 MiB multipart threshold
    _aws(cluster, "s3", "cp", str(source / "a.txt"), f"s3://{bucket}/one/a.txt")
    listing = _aws(cluster, "s3", "ls", f"s3://{bucket}/one/")
    assert "a.txt" in listing and " 5 " in listing
    _aws(cluster, "s3", "sync", str(source), f"s3://{bucket}/tree")
    listed = _aws(cluster, "s3", "ls", "--recursive", f"s3://{bucket}/tree")
    assert "tree/a.txt" in listed and "tree/sub/b.bin" in listed
    again = _aws(cluster, "s3", "sync", str(source), f"s3://{bucket}/tree")
    assert again.strip() == ""  # nothing changed: sizes and times match
    back = tmp_path / "back"
    _aws(cluster, "s3", "sync", f"s3://{bucket}/tree", str(back))
    assert (back / "sub" / "b.bin").read_bytes() == (source / "sub" / "b.bin").read_bytes()
    assert (back / "a.txt").read_text() == "alpha"
    _aws(cluster, "s3", "rm", "--recursive", f"s3://{bucket}/tree")
    assert _aws(cluster, "s3", "ls", "--recursive", f"s3://{bucket}/tree", empty_ok=True).strip() == ""
