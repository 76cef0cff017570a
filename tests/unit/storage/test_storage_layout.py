"""layout: the documented tree, tokens, and containment of every path built from a name."""

from pathlib import Path

import pytest

from pyaistore.storage import layout
from pyaistore.storage.errors import InvalidName
from pyaistore.storage.mountpaths import Mountpath
from pyaistore.wire.bucket_id import BucketId, Namespace


@pytest.fixture
def mp(tmp_path: Path) -> Mountpath:
    return Mountpath(tmp_path)


def test_documented_paths(mp: Mountpath) -> None:
    bucket = BucketId("photos")
    assert layout.bucket_dir(mp, bucket) == mp.root / "ais" / "@#" / "photos"
    assert layout.object_path(mp, bucket, "a/b.jpg") == mp.root / "ais/@#/photos/obj/a/b.jpg"
    assert layout.sidecar_path(mp, bucket, "a/b.jpg") == mp.root / "ais/@#/photos/meta/a/b.jpg"
    assert layout.work_path(mp, "abcdefgh") == mp.root / ".work" / "abcdefgh"
    assert layout.trash_dir(mp) == mp.root / ".trash"


def test_namespaced_and_remote_buckets(mp: Mountpath) -> None:
    bucket = BucketId("b", "aws", Namespace("uuid", "ns"))
    assert layout.bucket_dir(mp, bucket) == mp.root / "aws" / "@uuid#ns" / "b"


def test_locate_bundles_both_paths(mp: Mountpath) -> None:
    location = layout.locate(mp, BucketId("b"), "x/y")
    assert location.data == layout.object_path(mp, BucketId("b"), "x/y")
    assert location.sidecar == layout.sidecar_path(mp, BucketId("b"), "x/y")
    assert location.cname == "ais://b/x/y"


def test_ec_content_sits_beside_the_objects(mp: Mountpath) -> None:
    bucket = BucketId("photos")
    location = layout.locate_slice(mp, bucket, "a/b.jpg")
    assert location.data == mp.root / "ais/@#/photos/ec/a/b.jpg"
    assert location.sidecar == mp.root / "ais/@#/photos/ec-sidecar/a/b.jpg"
    assert layout.ec_record_path(mp, bucket, "a/b.jpg") == mp.root / "ais/@#/photos/ec-main/a/b.jpg"
    assert not location.data.is_relative_to(layout.objects_dir(mp, bucket))


@pytest.mark.parametrize("name", ["../../../etc/passwd", "/etc/passwd", "a/../../b", "..", "a\x00"])
def test_escaping_object_names_are_rejected(mp: Mountpath, name: str) -> None:
    with pytest.raises(InvalidName):
        layout.object_path(mp, BucketId("b"), name)
    with pytest.raises(InvalidName):
        layout.sidecar_path(mp, BucketId("b"), name)
    with pytest.raises(InvalidName):
        layout.locate_slice(mp, BucketId("b"), name)
    with pytest.raises(InvalidName):
        layout.ec_record_path(mp, BucketId("b"), name)


@pytest.mark.parametrize(
    "bucket",
    [
        BucketId(".."),
        BucketId("a/b"),
        BucketId("b", "ais", Namespace("", "/../../x")),
        BucketId("b", "ais", Namespace("../..", "")),
        BucketId("b", "nope"),
    ],
)
def test_escaping_buckets_and_namespaces_are_rejected(mp: Mountpath, bucket: BucketId) -> None:
    with pytest.raises(InvalidName):
        layout.bucket_dir(mp, bucket)


def test_tokens() -> None:
    tokens = {layout.new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(layout.is_valid_token(token) and len(token) == 22 for token in tokens)


@pytest.mark.parametrize("token", ["short", "../../etc", "a" * 65, "abc/defgh", "abcdefg.h"])
def test_bad_tokens_are_rejected(mp: Mountpath, token: str) -> None:
    assert not layout.is_valid_token(token)
    with pytest.raises(ValueError):
        layout.work_path(mp, token)


def test_work_tokens_are_valid_and_unique_per_store_and_across_stores() -> None:
    first, second = layout.WorkTokens(), layout.WorkTokens()
    tokens = [first.next() for _ in range(1000)] + [second.next() for _ in range(1000)]
    assert len(set(tokens)) == 2000
    assert all(layout.is_valid_token(token) for token in tokens)
