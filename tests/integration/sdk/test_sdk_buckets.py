"""Bucket members of the seed documentation against a real cluster."""

import json
from collections.abc import Callable

import pytest
from sdk_it_support import unique_name

from pyaistore.sdk import Bucket, Client, ListObjectFlag, Provider
from pyaistore.sdk.errors import AISError, ErrBckAlreadyExists, ErrBckNotFound, InvalidBckProvider


def test_properties(client: Client) -> None:
    bucket = client.bucket("sdk-props")
    assert (bucket.name, bucket.provider, bucket.namespace) == ("sdk-props", Provider.AIS, None)
    assert bucket.qparam == {"provider": "ais"}
    assert bucket.bck.get_path() == "ais/@#/sdk-props/"
    assert bucket.client is client.request_client


def test_create_head_delete(client: Client) -> None:
    bucket = client.bucket(unique_name("life"))
    assert bucket.create() is bucket
    props = json.loads(bucket.head()["Ais-Bucket-Props"])
    assert props["provider"] == "ais"
    bucket.delete()
    with pytest.raises(ErrBckNotFound):
        bucket.head()


def test_create_existing(bucket: Bucket) -> None:
    with pytest.raises(ErrBckAlreadyExists):
        bucket.create()
    assert bucket.create(exist_ok=True) is bucket


def test_delete_missing(client: Client) -> None:
    bucket = client.bucket(unique_name("gone"))
    with pytest.raises(ErrBckNotFound):
        bucket.delete()
    bucket.delete(missing_ok=True)


def test_invalid_name_is_an_ais_error(client: Client) -> None:
    with pytest.raises(AISError) as info:
        client.bucket("bad..name").create()
    assert info.value.status_code == 400


def test_remote_buckets_cannot_be_created_or_deleted(client: Client) -> None:
    with pytest.raises(InvalidBckProvider):
        client.bucket("b", "aws").create()
    with pytest.raises(InvalidBckProvider):
        client.bucket("b", "gcp").delete()
    with pytest.raises(InvalidBckProvider):
        client.bucket("b", "ais").evict()
    with pytest.raises(InvalidBckProvider):
        client.bucket("b", "no-such-provider")


def test_list_objects_pages(bucket: Bucket) -> None:
    for index in range(5):
        bucket.object(f"obj-{index}").put(content=b"z" * index)
    first = bucket.list_objects(page_size=2)
    assert [entry.name for entry in first.entries] == ["obj-0", "obj-1"]
    assert first.continuation_token
    second = bucket.list_objects(page_size=2, uuid=first.uuid, continuation_token=first.continuation_token)
    assert [entry.name for entry in second.entries] == ["obj-2", "obj-3"]
    entries = bucket.list_objects(prefix="obj-4", props="name,size,checksum,version").entries
    assert [(entry.name, entry.size, entry.version) for entry in entries] == [("obj-4", 4, "1")]
    assert entries[0].checksum and entries[0].is_ok() and entries[0].is_cached()


def test_list_objects_iter_and_all(bucket: Bucket) -> None:
    names = [f"d/{index:02}" for index in range(7)]
    for name in names:
        bucket.object(name).put(content=b"")
    assert [entry.name for entry in bucket.list_objects_iter(prefix="d/", page_size=3)] == names
    assert [entry.name for entry in bucket.list_all_objects(prefix="d/", page_size=2)] == names
    assert bucket.list_all_objects(prefix="nothing") == []


def test_list_non_recursive(bucket: Bucket) -> None:
    for name in ("top", "dir/a", "dir/sub/b"):
        bucket.object(name).put(content=b"")
    entries = bucket.list_all_objects(flags=[ListObjectFlag.NO_RECURSION])
    assert [entry.name for entry in entries] == ["dir/", "top"]
    assert entries[0].is_dir()


def test_list_missing_bucket(client: Client) -> None:
    with pytest.raises(ErrBckNotFound):
        client.bucket(unique_name("none")).list_objects()


def test_make_request(bucket: Bucket) -> None:
    response = bucket.make_request("GET", "list", value={"prefix": "", "flags": "0"})
    assert response.status_code == 200


def test_object_and_objects_factories(bucket: Bucket) -> None:
    obj = bucket.object("x")
    assert (obj.obj_name, obj.bck.name) == ("x", bucket.name)
    assert bucket.objects(obj_names=["a", "b"]).list_names() == ["a", "b"]
    with pytest.raises(ValueError):
        bucket.objects()


def test_rename(client: Client, make_bucket: Callable[[], Bucket]) -> None:
    bucket = make_bucket()
    bucket.object("o").put(content=b"data")
    old_name, new_name = bucket.name, unique_name("ren")
    job_id = bucket.rename(new_name)
    assert client.job(job_id).wait(timeout=60)
    assert bucket.name == new_name
    assert bucket.object("o").get().read_all() == b"data"
    with pytest.raises(ErrBckNotFound):
        client.bucket(old_name).head()


def test_rename_onto_existing_bucket(make_bucket: Callable[[], Bucket]) -> None:
    src, dst = make_bucket(), make_bucket()
    with pytest.raises(ErrBckAlreadyExists):
        src.rename(dst.name)


def test_copy(client: Client, make_bucket: Callable[[], Bucket]) -> None:
    src = make_bucket()
    for name in ("img/a", "img/b", "txt/c"):
        src.object(name).put(content=name.encode())
    dst = client.bucket(unique_name("copy"))
    try:
        assert client.job(src.copy(dst.name, prefix="img/")).wait(timeout=60)
        assert [entry.name for entry in dst.list_all_objects()] == ["img/a", "img/b"]
        assert client.job(src.copy(dst.name, dry_run=True)).wait(timeout=60)
        assert len(dst.list_all_objects()) == 2
    finally:
        dst.delete(missing_ok=True)


def test_transform_with_unknown_etl(bucket: Bucket) -> None:
    with pytest.raises(AISError) as info:
        bucket.transform("sdk-no-such-etl", unique_name("etl"), prefix="out/")
    assert info.value.status_code == 404


def test_evict_unknown_remote_bucket_is_quiet(client: Client) -> None:
    client.bucket(unique_name("remote"), "aws").evict(keep_md=True)
