"""Listing at scale: a prefix reads only its own directories; a page resumes past earlier subtrees.

The file system is the seam: os.scandir is wrapped to record which directories a listing reads.
"""

import os
from collections.abc import Iterator

import pytest

from pyaistore.storage import layout
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId

DIRS = [f"d{i:02d}" for i in range(12)]
NAMES = sorted(f"{d}/sub/o{j}" for d in DIRS for j in range(5))


@pytest.fixture
def tree(store3: ObjectStore, bucket: BucketId) -> ObjectStore:
    for name in NAMES:
        with store3.writer(bucket, name, WriteProps()) as writer:
            writer.write(name.encode())
            writer.commit()
    return store3


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The directories os.scandir is asked to read while the test runs."""
    paths: list[str] = []
    real = os.scandir

    def recording(path: str) -> "os._ScandirIterator[str]":
        paths.append(str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", recording)
    yield paths


def _relative(store: ObjectStore, bucket: BucketId, paths: list[str]) -> set[str]:
    """The scanned directories as bucket-relative names ("" for an objects dir itself)."""
    roots = [str(layout.objects_dir(mp, bucket)) for mp in store.mountpaths.all]
    found = set()
    for path in paths:
        for root in roots:
            if path == root or path.startswith(root + os.sep):
                found.add(path[len(root) + 1 :])
    return found


def test_a_prefix_reads_only_its_directories(tree: ObjectStore, bucket: BucketId, scanned: list[str]) -> None:
    names = [name for name, _ in tree.list_names(bucket, prefix="d07/")]
    assert names == [n for n in NAMES if n.startswith("d07/")]
    assert _relative(tree, bucket, scanned) <= {"d07", "d07/sub"}
    scanned.clear()
    assert [name for name, _ in tree.list_names(bucket, prefix="d07/sub/o3")] == ["d07/sub/o3"]
    assert _relative(tree, bucket, scanned) <= {"d07/sub"}


def test_a_page_skips_the_subtrees_before_its_token(
    tree: ObjectStore, bucket: BucketId, scanned: list[str]
) -> None:
    page = tree.list_entries(bucket, after="d09/sub/o4", limit=7, with_meta=True)
    assert [name for name, _, _ in page] == NAMES[NAMES.index("d09/sub/o4") + 1 :][:7]
    read = _relative(tree, bucket, scanned)
    assert not {d for d in read if d and d < "d09"}, f"subtrees before the token were read: {sorted(read)}"


def test_metadata_is_read_where_the_walk_found_the_object(any_store: ObjectStore, bucket: BucketId) -> None:
    for name in NAMES[:10]:
        with any_store.writer(bucket, name, WriteProps(custom={"k": name})) as writer:
            writer.write(name.encode())
            writer.commit()
    entries = any_store.list_entries(bucket, prefix="d0", with_meta=True)
    assert [name for name, _, _ in entries] == NAMES[:10]
    assert [meta for _, _, meta in entries] == [any_store.head(bucket, name) for name in NAMES[:10]]
    assert all(meta is not None and meta.mountpath and meta.custom for _, _, meta in entries)
