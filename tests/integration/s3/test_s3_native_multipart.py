"""The official SDK's multipart API (AIS's native mpt-upload) on the same engine S3 uses."""

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import tenacity
from aistore.sdk import Client
from aistore.sdk.errors import AISError
from aistore.sdk.retry_config import RetryConfig
from s3_it_support import unique_bucket, work_areas
from urllib3.util.retry import Retry


@pytest.fixture(scope="module")
def official(cluster: Any) -> Client:
    """The official SDK, never retrying (a test must see the first answer)."""
    retry = RetryConfig(
        http_retry=Retry(total=0, connect=0, read=0, redirect=None, status_forcelist=[]),
        network_retry=tenacity.Retrying(retry=tenacity.retry_never, reraise=True),
    )
    return Client(cluster.endpoint, retry_config=retry, timeout=(5, 60))


@pytest.fixture()
def native_bucket(official: Client) -> Iterator[Any]:
    bucket = official.bucket(unique_bucket("mpt")).create()
    yield bucket
    bucket.delete(missing_ok=True)


def test_parts_in_any_order_then_complete(native_bucket: Any, s3: Any) -> None:
    obj = native_bucket.object("assembled")
    upload = obj.multipart_upload().create()
    parts = {3: b"c" * 1000, 1: os.urandom(3 << 20), 2: b"b"}
    for number, data in parts.items():
        upload.add_part(number).put_content(data)
    assert upload.complete().status_code == 200
    expected = b"".join(parts[n] for n in (1, 2, 3))
    assert obj.get_reader().read_all() == expected
    etag = s3.head_object(Bucket=native_bucket.name, Key="assembled")["ETag"]
    assert etag.endswith('-3"')  # an S3 ETag, the same engine


def test_parallel_parts_and_file_parts(native_bucket: Any, tmp_path: Path) -> None:
    obj = native_bucket.object("parallel")
    upload = obj.multipart_upload().create()
    chunks = [bytes([n]) * 100_000 for n in range(1, 6)]
    files = []
    for number, data in enumerate(chunks, start=1):
        path = tmp_path / f"p{number}"
        path.write_bytes(data)
        files.append((number, path))
    with ThreadPoolExecutor(5) as pool:
        list(pool.map(lambda item: upload.add_part(item[0]).put_file(str(item[1])), files))
    upload.complete()
    assert obj.get_reader().read_all() == b"".join(chunks)


def test_refusals(native_bucket: Any) -> None:
    obj = native_bucket.object("refused")
    empty = obj.multipart_upload().create()
    with pytest.raises(AISError, match=r"invalid size \(0\)"):
        empty.add_part(1).put_content(b"")
    with pytest.raises(AISError, match="no chunks"):
        empty.complete()
    twice = obj.multipart_upload().create()
    twice.add_part(1).put_content(b"first")
    twice.add_part(1).put_content(b"second")
    with pytest.raises(AISError, match="partial completion"):
        twice.complete()
    empty.abort()
    twice.abort()


def test_abort_and_completed_uploads_do_not_exist(native_bucket: Any, cluster: Any) -> None:
    obj = native_bucket.object("aborted")
    upload = obj.multipart_upload().create()
    upload.add_part(1).put_content(b"data")
    assert upload.abort().status_code == 200
    with pytest.raises(AISError, match="does not exist"):
        upload.complete()
    assert work_areas(cluster, upload.upload_id) == []
    done = obj.multipart_upload().create()
    done.add_part(1).put_content(b"data")
    done.complete()
    with pytest.raises(AISError, match="does not exist"):
        done.complete()
