"""slice_store writer: a piece written chunk by chunk appears only on commit; abort leaves nothing."""

from pathlib import Path

import pytest

from pyaistore.storage import checksums
from pyaistore.storage.errors import SliceNotFound, SliceSizeMismatch
from pyaistore.storage.mountpaths import MountpathSet
from pyaistore.storage.slice_store import SliceStore
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.erasure_code import SliceMeta

BUCKET = BucketId("w")
DATA = bytes(range(256)) * 40


def _replica(generation: int = 5) -> SliceMeta:
    return SliceMeta(len(DATA), generation, "xxhash2", checksums.compute("xxhash2", DATA), "1", 2, 1, 1, 0)


def test_commit_publishes_and_abort_leaves_nothing(tmp_path: Path) -> None:
    store = SliceStore(MountpathSet([tmp_path / "d"]))
    writer = store.writer(BUCKET, "obj", _replica())
    for start in range(0, len(DATA), 1000):
        writer.write(DATA[start : start + 1000])
        with pytest.raises(SliceNotFound):
            store.head(BUCKET, "obj")
    kept = writer.commit()
    assert kept.slice_checksum_value == checksums.compute("xxhash2", DATA)
    with store.open(BUCKET, "obj") as piece:
        assert piece.read(len(DATA) + 1) == DATA
    aborted = store.writer(BUCKET, "other", _replica())
    aborted.write(DATA)
    aborted.abort()
    with pytest.raises(SliceNotFound):
        store.head(BUCKET, "other")
    assert list((tmp_path / "d" / ".work").iterdir()) == []


def test_a_short_piece_is_refused_on_commit(tmp_path: Path) -> None:
    store = SliceStore(MountpathSet([tmp_path / "d"]))
    writer = store.writer(BUCKET, "obj", _replica())
    writer.write(DATA[:-1])
    with pytest.raises(SliceSizeMismatch):
        writer.commit()
    with pytest.raises(SliceNotFound):
        store.head(BUCKET, "obj")
