"""Fixtures for storage tests: real stores on real directories (tmp_path), real xattrs."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pyaistore.storage import archive, archive_formats
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.object_meta import ObjectMeta
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId

Put = Callable[..., ObjectMeta]
Read = Callable[[str], bytes]
OpenShard = Callable[..., archive.ShardRef]


@pytest.fixture
def bucket() -> BucketId:
    return BucketId("bkt")


def _make_store(tmp_path: Path, bucket: BucketId, disks: int, use_xattrs: bool) -> ObjectStore:
    store = ObjectStore(MountpathSet([tmp_path / f"disk{i}" for i in range(disks)]), use_xattrs=use_xattrs)
    store.ensure_bucket(bucket)
    return store


@pytest.fixture
def store(tmp_path: Path, bucket: BucketId) -> ObjectStore:
    return _make_store(tmp_path, bucket, 1, True)


@pytest.fixture
def store3(tmp_path: Path, bucket: BucketId) -> ObjectStore:
    return _make_store(tmp_path, bucket, 3, True)


@pytest.fixture(params=[True, False], ids=["xattr", "sidecar"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path, bucket: BucketId) -> ObjectStore:
    """The same store twice: metadata in xattrs, and forced into the sidecar fallback."""
    return _make_store(tmp_path, bucket, 2, bool(request.param))


@pytest.fixture
def put(any_store: ObjectStore, bucket: BucketId) -> Put:
    def _put(name: str, data: bytes, **props: object) -> ObjectMeta:
        with any_store.writer(bucket, name, WriteProps(**props)) as writer:  # type: ignore[arg-type]
            writer.write(data)
            return writer.commit()

    return _put


@pytest.fixture
def read(any_store: ObjectStore, bucket: BucketId) -> Read:
    def _read(name: str) -> bytes:
        with any_store.open(bucket, name) as obj:
            return b"".join(obj.read_range(0, obj.size))

    return _read


@pytest.fixture
def open_shard(store: ObjectStore, bucket: BucketId) -> Iterator[OpenShard]:
    """Store bytes as an object and open it as a shard (format by archmime, name or magic)."""
    opened: list[archive.ShardRef] = []

    def _open(name: str, data: bytes, archmime: str = "") -> archive.ShardRef:
        with store.writer(bucket, name, WriteProps()) as writer:
            writer.write(data)
            writer.commit()
        file = store.open(bucket, name)
        try:
            fmt = archive_formats.resolve(name, archmime, file)
        except BaseException:
            file.close()
            raise
        opened.append(archive.ShardRef(bucket, name, file, fmt))
        return opened[-1]

    yield _open
    for shard in opened:
        shard.file.close()
