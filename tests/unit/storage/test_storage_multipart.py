"""The multipart engine on a real store: parts in any order, atomic completion, abort, expiry."""

import hashlib
import os
import threading
from pathlib import Path

import pytest

from pyaistore.storage import layout
from pyaistore.storage.errors import (
    InvalidPart,
    InvalidPartList,
    ObjectNotFound,
    PartialCompletion,
    UploadNotFound,
)
from pyaistore.storage.multipart import UPLOADS_DIR, Uploads, s3_etag
from pyaistore.storage.object_store import ObjectStore, WriteProps
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.multipart import PartInfo


def _start(uploads: Uploads, bucket: BucketId, name: str = "big.bin") -> tuple[str, str]:
    token = layout.new_token()
    upload_id = "t1-" + token
    uploads.create(bucket, name, upload_id, token, {"k": "v"})
    return token, upload_id


def _put_part(uploads: Uploads, bucket: BucketId, ids: tuple[str, str], number: int, data: bytes) -> str:
    writer = uploads.part_writer(ids[0], bucket, "big.bin", ids[1], number)
    for offset in range(0, len(data), 7):
        writer.write(data[offset : offset + 7])
    return writer.commit().md5


def _read(store: ObjectStore, bucket: BucketId, name: str) -> bytes:
    with store.open(bucket, name) as obj:
        return b"".join(obj.read_range(0, obj.size))


def _leftovers(store: ObjectStore) -> list[str]:
    return [str(p) for mp in store.mountpaths.all for p in (mp.root / UPLOADS_DIR).glob("*")]


def test_parts_in_any_order_complete_into_one_object(store3: ObjectStore, bucket: BucketId) -> None:
    uploads = Uploads(store3)
    ids = _start(uploads, bucket)
    chunks = [os.urandom(1000 + i) for i in range(3)]
    md5s = {n: _put_part(uploads, bucket, ids, n, chunks[n - 1]) for n in (3, 1, 2)}
    meta, etag = uploads.complete(
        *ids[:1], bucket, "big.bin", ids[1], [(1, ""), (2, ""), (3, "")], WriteProps()
    )
    assert _read(store3, bucket, "big.bin") == b"".join(chunks)
    binary = b"".join(bytes.fromhex(md5s[n]) for n in (1, 2, 3))
    assert etag == hashlib.md5(binary).hexdigest() + "-3"
    assert meta.custom == {"k": "v", "ETag": etag} and meta.size == sum(map(len, chunks))
    assert _leftovers(store3) == []


def test_a_part_uploaded_again_replaces_the_first(store: ObjectStore, bucket: BucketId) -> None:
    uploads = Uploads(store)
    ids = _start(uploads, bucket)
    _put_part(uploads, bucket, ids, 1, b"first")
    md5 = _put_part(uploads, bucket, ids, 1, b"second!")
    _, parts = uploads.parts(ids[0], bucket, "big.bin", ids[1])
    assert [(p.number, p.size, p.md5) for p in parts] == [(1, 7, md5)]
    uploads.complete(ids[0], bucket, "big.bin", ids[1], [(1, f'"{md5}"')], WriteProps())
    assert _read(store, bucket, "big.bin") == b"second!"


def test_nothing_is_visible_before_completion(store: ObjectStore, bucket: BucketId) -> None:
    uploads = Uploads(store)
    ids = _start(uploads, bucket)
    _put_part(uploads, bucket, ids, 1, b"data")
    with pytest.raises(ObjectNotFound):
        store.head(bucket, "big.bin")
    assert list(store.list_names(bucket)) == []


@pytest.mark.parametrize(
    ("requested", "error", "text"),
    [
        ([(1, "")], PartialCompletion, "partial completion"),
        ([(1, ""), (2, ""), (3, "")], PartialCompletion, "partial completion"),
        ([(1, ""), (1, "")], InvalidPartList, "exactly 1..2"),
        ([(1, ""), (3, "")], InvalidPartList, "exactly 1..2"),
        ([(1, '"0000"'), (2, "")], InvalidPart, "does not match"),
    ],
)
def test_completion_checks_the_part_list(
    store: ObjectStore, bucket: BucketId, requested: list[tuple[int, str]], error: type[Exception], text: str
) -> None:
    uploads = Uploads(store)
    ids = _start(uploads, bucket)
    _put_part(uploads, bucket, ids, 1, b"one")
    _put_part(uploads, bucket, ids, 2, b"two")
    with pytest.raises(error, match=text):
        uploads.complete(ids[0], bucket, "big.bin", ids[1], requested, WriteProps())
    uploads.complete(ids[0], bucket, "big.bin", ids[1], [(2, ""), (1, "")], WriteProps())
    assert _read(store, bucket, "big.bin") == b"onetwo"


def test_no_parts_and_empty_parts_are_refused(store: ObjectStore, bucket: BucketId) -> None:
    uploads = Uploads(store)
    ids = _start(uploads, bucket)
    with pytest.raises(InvalidPartList, match="no chunks"):
        uploads.complete(ids[0], bucket, "big.bin", ids[1], [], WriteProps())
    writer = uploads.part_writer(ids[0], bucket, "big.bin", ids[1], 1)
    with pytest.raises(InvalidPart, match=r"invalid size \(0\)"):
        writer.commit()


def test_abort_and_completion_leave_nothing_and_forget_the_id(store: ObjectStore, bucket: BucketId) -> None:
    uploads = Uploads(store)
    ids = _start(uploads, bucket)
    _put_part(uploads, bucket, ids, 1, b"x" * 100)
    uploads.abort(ids[0], bucket, "big.bin", ids[1])
    assert _leftovers(store) == []
    for call in (
        lambda: uploads.abort(ids[0], bucket, "big.bin", ids[1]),
        lambda: uploads.part_writer(ids[0], bucket, "big.bin", ids[1], 1),
        lambda: uploads.complete(ids[0], bucket, "big.bin", ids[1], [(1, "")], WriteProps()),
    ):
        with pytest.raises(UploadNotFound, match="does not exist"):
            call()


def test_an_upload_belongs_to_its_object(store: ObjectStore, bucket: BucketId) -> None:
    uploads = Uploads(store)
    ids = _start(uploads, bucket)
    with pytest.raises(UploadNotFound):
        uploads.part_writer(ids[0], bucket, "other.bin", ids[1], 1)
    with pytest.raises(UploadNotFound):
        uploads.part_writer("../../etc", bucket, "big.bin", ids[1], 1)


def test_a_part_racing_an_abort_is_dropped(store: ObjectStore, bucket: BucketId) -> None:
    uploads = Uploads(store)
    ids = _start(uploads, bucket)
    writer = uploads.part_writer(ids[0], bucket, "big.bin", ids[1], 1)
    writer.write(b"late")
    uploads.abort(ids[0], bucket, "big.bin", ids[1])
    with pytest.raises(UploadNotFound):
        writer.commit()
    assert _leftovers(store) == []


def test_concurrent_parts(store3: ObjectStore, bucket: BucketId) -> None:
    uploads = Uploads(store3)
    ids = _start(uploads, bucket)
    chunks = {n: bytes([n]) * 5000 for n in range(1, 9)}
    threads = [threading.Thread(target=_put_part, args=(uploads, bucket, ids, n, chunks[n])) for n in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _, parts = uploads.parts(ids[0], bucket, "big.bin", ids[1])
    assert [p.number for p in parts] == list(range(1, 9))
    uploads.complete(ids[0], bucket, "big.bin", ids[1], [(n, "") for n in chunks], WriteProps())
    assert _read(store3, bucket, "big.bin") == b"".join(chunks[n] for n in sorted(chunks))


def test_listing_uploads(store3: ObjectStore, bucket: BucketId) -> None:
    uploads = Uploads(store3)
    first, second = _start(uploads, bucket, "a"), _start(uploads, bucket, "b")
    other = BucketId("other")
    store3.ensure_bucket(other)
    _start(uploads, other, "c")
    assert [u.upload_id for u in uploads.uploads(bucket)] == [first[1], second[1]]
    assert len(uploads.uploads()) == 3


def test_sweep_expires_idle_uploads_and_those_of_gone_buckets(store: ObjectStore, bucket: BucketId) -> None:
    uploads = Uploads(store)
    idle = _start(uploads, bucket, "idle")
    busy = _start(uploads, bucket, "busy")
    doomed = _start(uploads, BucketId("gone"), "x")
    later = uploads.uploads()[-1].initiated_ns + int(3600e9)
    for path in (store.mountpaths.all[0].root / UPLOADS_DIR / idle[0]).iterdir():
        os.utime(path, ns=(1, 1))
    fresh = store.mountpaths.all[0].root / UPLOADS_DIR / busy[0] / "part.1.00"
    fresh.write_bytes(b"new")
    os.utime(fresh, ns=(later, later))  # a part stored just now
    removed = uploads.sweep(1800, keep=lambda info: info.bucket == bucket, now_ns=later)
    assert removed == 2  # the idle one, and the one whose bucket is gone
    assert [u.upload_id for u in uploads.uploads()] == [busy[1]]
    assert doomed[1] not in {u.upload_id for u in uploads.uploads()}


def test_s3_etag_of_known_parts() -> None:
    part = PartInfo(1, 3, hashlib.md5(b"abc").hexdigest(), 0)
    assert s3_etag([part]) == hashlib.md5(hashlib.md5(b"abc").digest()).hexdigest() + "-1"


def test_uploads_survive_cleanup_of_work_files(store: ObjectStore, bucket: BucketId, tmp_path: Path) -> None:
    uploads = Uploads(store)
    ids = _start(uploads, bucket)
    _put_part(uploads, bucket, ids, 1, b"kept")
    store.cleanup_work()
    assert uploads.parts(ids[0], bucket, "big.bin", ids[1])[1][0].size == 4
