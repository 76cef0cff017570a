"""Single-object copy (object_to) and rename (rename-obj), on one target and across targets."""

from collections.abc import Callable

import pytest
import requests
from aistore.sdk import Client
from aistore.sdk.bucket import Bucket
from aistore.sdk.errors import AISError, ErrObjNotFound
from official_sdk import unique_bucket_name
from raw_protocol import assert_client_error, object_url, owner_url, xxhash2

DATA = b"copy me " * 5000


def name_owned(endpoint: str, bucket: str, source_owner: str, same: bool, stem: str) -> str:
    """A name in `bucket` whose owner is (or is not) `source_owner`."""
    for i in range(200):
        name = f"{stem}/{i}"
        if (owner_url(endpoint, bucket, name) == source_owner) == same:
            return name
    raise AssertionError("no such name in 200 tries")


def copy_raw(http: requests.Session, endpoint: str, src: Bucket, name: str, uname: str) -> requests.Response:
    """PUT ...?object_to=<uname>, as the SDK's Object.copy sends it."""
    params = {"provider": "ais", "object_to": uname, "latest-ver": "false", "synchronize": "false"}
    return http.put(object_url(endpoint, src.name, name), params=params)


@pytest.mark.parametrize("same_target", [True, False], ids=["same-target", "cross-target"])
def test_copy_to_another_bucket(
    make_bucket: Callable[[], Bucket], http: requests.Session, endpoint: str, same_target: bool
) -> None:
    src, dst = make_bucket(), make_bucket()
    src.object("orig").get_writer().put_content(DATA)
    src.object("orig").get_writer().set_custom_props({"origin": "src"})
    source_owner = owner_url(endpoint, src.name, "orig")
    dst_name = name_owned(endpoint, dst.name, source_owner, same_target, "copies")
    reply = copy_raw(http, endpoint, src, "orig", f"ais/@#/{dst.name}/{dst_name}")
    assert reply.status_code == 200, reply.text
    reader = dst.object(dst_name).get_reader()
    assert reader.read_all() == DATA
    assert reader.attributes.checksum_value == xxhash2(DATA)
    assert reader.attributes.custom_metadata == {"origin": "src"}
    assert src.object("orig").get_reader().read_all() == DATA, "the source stays"


def test_sdk_copy_within_bucket(bucket: Bucket) -> None:
    bucket.object("a").get_writer().put_content(DATA)
    bucket.object("a").copy(bucket.object("b/copy-of-a"))
    assert bucket.object("b/copy-of-a").get_reader().read_all() == DATA
    assert sorted(e.name for e in bucket.list_all_objects()) == ["a", "b/copy-of-a"]


def test_copy_errors(ais_client: Client, bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    bucket.object("a").get_writer().put_content(DATA)
    missing_bucket = unique_bucket_name("nodst")
    reply = copy_raw(http, endpoint, bucket, "a", f"ais/@#/{missing_bucket}/x")
    assert assert_client_error(reply, 404)["tcode"] == "ErrBckNotFound"
    with pytest.raises(AISError):
        bucket.object("a").copy(ais_client.bucket(missing_bucket).object("x"))
    reply = copy_raw(http, endpoint, bucket, "no-such-source", f"ais/@#/{bucket.name}/x")
    assert assert_client_error(reply, 404)["tcode"] == "ErrObjNotFound"
    reply = copy_raw(http, endpoint, bucket, "a", f"ais/@#/{bucket.name}/bad//name")
    assert_client_error(reply, 400)
    assert [e.name for e in bucket.list_all_objects()] == ["a"]


def rename(http: requests.Session, endpoint: str, bucket: Bucket, name: str, new: str) -> requests.Response:
    """POST rename-obj (SDK 2.0.0 has no method for it)."""
    body = {"action": "rename-obj", "name": new, "value": None}
    return http.post(object_url(endpoint, bucket.name, name), params={"provider": "ais"}, json=body)


@pytest.mark.parametrize("same_target", [True, False], ids=["same-target", "cross-target"])
def test_rename(bucket: Bucket, http: requests.Session, endpoint: str, same_target: bool) -> None:
    bucket.object("old/name").get_writer().put_content(DATA)
    bucket.object("old/name").get_writer().set_custom_props({"k": "v"})
    source_owner = owner_url(endpoint, bucket.name, "old/name")
    new = name_owned(endpoint, bucket.name, source_owner, same_target, "new")
    reply = rename(http, endpoint, bucket, "old/name", new)
    assert reply.status_code == 200, reply.text
    reader = bucket.object(new).get_reader()
    assert reader.read_all() == DATA
    assert reader.attributes.custom_metadata == {"k": "v"}
    with pytest.raises(ErrObjNotFound):
        bucket.object("old/name").get_reader().read_all()
    assert [e.name for e in bucket.list_all_objects()] == [new]


def test_rename_errors(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    bucket.object("a").get_writer().put_content(DATA)
    assert_client_error(rename(http, endpoint, bucket, "a", "a"), 400)
    assert_client_error(rename(http, endpoint, bucket, "a", ""), 400)
    assert_client_error(rename(http, endpoint, bucket, "a", "../escape"), 400)
    reply = rename(http, endpoint, bucket, "missing", "b")
    assert assert_client_error(reply, 404)["tcode"] == "ErrObjNotFound"
    assert bucket.object("a").get_reader().read_all() == DATA
    assert [e.name for e in bucket.list_all_objects()] == ["a"]


def test_conflict_on_another_target_is_409(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    """A destination that clashes with an object on its (other) target is refused, never a 5xx."""
    bucket.object("src").get_writer().put_content(DATA)
    source_owner = owner_url(endpoint, bucket.name, "src")
    clash = next(
        f"clash{i}"
        for i in range(500)
        if owner_url(endpoint, bucket.name, f"clash{i}") != source_owner
        and owner_url(endpoint, bucket.name, f"clash{i}/y") != source_owner
    )
    bucket.object(clash).get_writer().put_content(b"a file where a directory would go")
    assert_client_error(rename(http, endpoint, bucket, "src", f"{clash}/y"), 409)
    assert_client_error(copy_raw(http, endpoint, bucket, "src", f"ais/@#/{bucket.name}/{clash}/y"), 409)
    assert bucket.object("src").get_reader().read_all() == DATA
    assert sorted(e.name for e in bucket.list_all_objects()) == sorted([clash, "src"])
