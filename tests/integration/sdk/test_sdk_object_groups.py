"""ObjectGroup (delete, evict, prefetch, copy, archive) and Job waiting against a real cluster."""

from collections.abc import Callable

import pytest

from pyaistore.sdk import Bucket, Client, ObjectRange
from pyaistore.sdk.errors import AISError, InvalidBckProvider


def _fill(bucket: Bucket, count: int) -> list[str]:
    names = [f"obj-{index:03}" for index in range(count)]
    for name in names:
        bucket.object(name).put(content=name.encode())
    return names


def _names(bucket: Bucket) -> list[str]:
    return [entry.name for entry in bucket.list_all_objects()]


def test_evict_and_prefetch_need_a_remote_bucket(bucket: Bucket) -> None:
    group = bucket.objects(obj_names=["a"])
    with pytest.raises(InvalidBckProvider):
        group.evict()
    with pytest.raises(InvalidBckProvider):
        group.prefetch()


def test_status_of_unknown_job(client: Client) -> None:
    with pytest.raises(AISError):
        client.job("sdk-no-such-job").status()
    with pytest.raises(ValueError):
        client.job().status()


def test_delete_by_names(client: Client, bucket: Bucket) -> None:
    _fill(bucket, 4)
    job_id = bucket.objects(obj_names=["obj-000", "obj-002"]).delete()
    assert client.job(job_id).wait(timeout=60)
    assert _names(bucket) == ["obj-001", "obj-003"]


def test_delete_by_range_and_template(client: Client, bucket: Bucket) -> None:
    _fill(bucket, 10)
    rng = ObjectRange("obj-", 0, 4, pad_width=3)
    assert client.job(bucket.objects(obj_range=rng).delete()).wait(timeout=60)
    assert client.job(bucket.objects(obj_template="obj-{005..007}").delete()).wait(timeout=60)
    assert _names(bucket) == ["obj-008", "obj-009"]


def test_copy_selection(client: Client, make_bucket: Callable[[], Bucket]) -> None:
    src, dst = make_bucket(), make_bucket()
    _fill(src, 3)
    for job_id in src.objects(obj_names=["obj-000", "obj-001"]).copy(dst, prepend="c/"):
        assert client.job(job_id).wait(timeout=60)
    assert _names(dst) == ["c/obj-000", "c/obj-001"]


def test_archive_selection(client: Client, bucket: Bucket) -> None:
    _fill(bucket, 3)
    for job_id in bucket.objects(obj_template="obj-{000..002}").archive("all.tar"):
        assert client.job(job_id).wait(timeout=60)
    assert bucket.object("all.tar").get(archpath="obj-001").read_all() == b"obj-001"
