"""Object HEAD (selective and full) and DELETE."""

import pytest
import requests
from aistore.sdk.bucket import Bucket
from aistore.sdk.errors import AISError, ErrObjNotFound
from raw_protocol import assert_client_error, object_url, owner_url, smap_json, xxhash2

ATTRIBUTE_HEADERS = (
    "Ais-Checksum-Type",
    "Ais-Checksum-Value",
    "Ais-Atime",
    "Ais-Version",
    "Ais-Custom-Md",
    "Ais-Location",
    "Ais-Mirror-Copies",
)


def head(
    http: requests.Session, endpoint: str, bucket: Bucket, name: str, props: str | None
) -> requests.Response:
    """A raw HEAD that follows the proxy's redirect."""
    params = {"provider": "ais"} if props is None else {"provider": "ais", "props": props}
    return http.head(object_url(endpoint, bucket.name, name), params=params, allow_redirects=True)


@pytest.mark.parametrize("data", [b"", b"twelve bytes"], ids=["empty", "small"])
def test_selective_head_size_and_presence_only(
    bucket: Bucket, http: requests.Session, endpoint: str, data: bytes
) -> None:
    bucket.object("o").get_writer().put_content(data)
    reply = head(http, endpoint, bucket, "o", "name,size")
    assert reply.status_code == 200
    assert reply.headers["Content-Length"] == str(len(data))
    assert reply.headers["Ais-Present"] == "true"
    assert not [h for h in ATTRIBUTE_HEADERS if h in reply.headers]
    assert bucket.object("o").head().size == len(data)


def test_selective_head_returns_only_requested(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    data = b"some bytes"
    bucket.object("o").get_writer().put_content(data)
    bucket.object("o").get_writer().set_custom_props({"k": "v"})
    reply = head(http, endpoint, bucket, "o", "checksum,version")
    assert reply.headers["Ais-Checksum-Type"] == "xxhash2"
    assert reply.headers["Ais-Checksum-Value"] == xxhash2(data)
    assert reply.headers["Ais-Version"] == "1"
    assert reply.headers["Content-Length"] == str(len(data))
    for absent in ("Ais-Atime", "Ais-Custom-Md", "Ais-Location", "Ais-Mirror-Copies"):
        assert absent not in reply.headers
    reply = head(http, endpoint, bucket, "o", "atime,custom")
    assert int(reply.headers["Ais-Atime"]) > 10**18
    assert reply.headers["Ais-Custom-Md"] == "k=v"
    assert "Ais-Checksum-Value" not in reply.headers and "Ais-Version" not in reply.headers


def test_sdk_props_read_every_attribute(bucket: Bucket) -> None:
    data = b"attributes"
    bucket.object("o").get_writer().put_content(data)
    props = bucket.object("o").props
    assert (props.checksum_type, props.checksum_value) == ("xxhash2", xxhash2(data))
    assert props.obj_version == "1"
    assert props.present is True
    assert props.mirror_copies == 1
    assert props.location.startswith("t[")


@pytest.mark.parametrize("props", ["cached", "size,bogus", "status"])
def test_unknown_head_prop_is_400(bucket: Bucket, http: requests.Session, endpoint: str, props: str) -> None:
    bucket.object("o").get_writer().put_content(b"x")
    body = assert_client_error(head(http, endpoint, bucket, "o", props), 400)
    assert "invalid property" in body["message"]
    with pytest.raises(AISError) as info:
        bucket.object("o").head(props=props)
    assert info.value.status_code == 400


def test_full_head_has_identity_and_location(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    data = b"full head"
    bucket.object("dir/o").get_writer().put_content(data)
    reply = head(http, endpoint, bucket, "dir/o", None)
    assert reply.status_code == 200
    assert reply.headers["Content-Length"] == str(len(data))
    assert reply.headers["Ais-Name"] == "dir/o"
    assert reply.headers["Ais-Bucket-Name"] == bucket.name
    assert reply.headers["Ais-Bucket-Provider"] == "ais"
    assert reply.headers["Ais-Present"] == "true"
    assert reply.headers["Ais-Mirror-Copies"] == "1"
    assert reply.headers["Ais-Checksum-Value"] == xxhash2(data)
    assert reply.headers["Ais-Version"] == "1"
    owner = owner_url(endpoint, bucket.name, "dir/o")
    owner_id = next(
        i for i, t in smap_json(endpoint)["tmap"].items() if t["public_net"]["direct_url"] == owner
    )
    assert reply.headers["Ais-Location"].startswith(f"t[{owner_id}]:")


def test_head_missing_object_is_404(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    reply = head(http, endpoint, bucket, "nothing", "name,size")
    body = assert_client_error(reply, 404)
    assert body["tcode"] == "ErrObjNotFound"
    assert f"ais://{bucket.name}/nothing" in body["message"]
    assert reply.content == b""
    with pytest.raises(AISError) as info:
        bucket.object("nothing").head()
    assert info.value.status_code == 404


def test_delete_then_404(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    obj = bucket.object("doomed")
    obj.get_writer().put_content(b"bye")
    other = bucket.object("survivor")
    other.get_writer().put_content(b"stay")
    assert obj.delete().status_code == 200
    with pytest.raises(ErrObjNotFound):
        obj.get_reader().read_all()
    with pytest.raises(ErrObjNotFound):
        obj.delete()
    reply = http.delete(object_url(endpoint, bucket.name, "doomed"))
    assert assert_client_error(reply, 404)["tcode"] == "ErrObjNotFound"
    assert other.get_reader().read_all() == b"stay"
    assert [e.name for e in bucket.list_all_objects()] == ["survivor"]
