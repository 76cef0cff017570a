"""object_file: ranged reads in bounded chunks, small reads, descriptor life cycle."""

import os
from collections.abc import Callable

import pytest

from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import ObjectStore
from pyaistore.wire.bucket_id import BucketId

Put = Callable[..., ObjectMeta]
Read = Callable[[str], bytes]

DATA = bytes(range(256)) * 40


def test_read_range_chunks(any_store: ObjectStore, bucket: BucketId, put: Put) -> None:
    put("o", DATA)
    with any_store.open(bucket, "o") as obj:
        assert obj.size == len(DATA) == obj.meta.size
        chunks = list(obj.read_range(100, 5000, chunk_size=1024))
        assert b"".join(chunks) == DATA[100:5100]
        assert max(len(chunk) for chunk in chunks) == 1024
        assert b"".join(obj.read_range(len(DATA) - 10, 1000)) == DATA[-10:]
        assert list(obj.read_range(len(DATA) + 5, 10)) == []
        assert list(obj.read_range(0, 0)) == []
        with pytest.raises(ValueError):
            obj.read_range(-1, 10)


def test_read_all_small(any_store: ObjectStore, bucket: BucketId, put: Put) -> None:
    put("o", DATA)
    with any_store.open(bucket, "o") as obj:
        assert obj.read_all_small(len(DATA)) == DATA
        with pytest.raises(ValueError):
            obj.read_all_small(len(DATA) - 1)


def test_open_file_survives_overwrite(any_store: ObjectStore, bucket: BucketId, put: Put) -> None:
    first = put("o", b"first")
    with any_store.open(bucket, "o") as obj:
        put("o", b"second version")
        assert obj.read_all_small(100) == b"first"
        assert obj.meta == first


def test_fileno_and_close(any_store: ObjectStore, bucket: BucketId, put: Put) -> None:
    put("o", b"abc")
    obj = any_store.open(bucket, "o")
    assert os.pread(obj.fileno(), 3, 0) == b"abc"
    chunks = obj.read_range(0, 3)
    obj.close()
    obj.close()
    with pytest.raises(ValueError):
        obj.fileno()
    with pytest.raises(ValueError):
        next(chunks)  # a lingering iterator never reads a recycled descriptor
