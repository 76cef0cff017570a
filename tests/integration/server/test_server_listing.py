"""List objects: prefix, property selection, msgpack and JSON forms, directories, start_after."""

import pytest
import requests
from aistore.sdk import Client
from aistore.sdk.bucket import Bucket
from aistore.sdk.errors import ErrBckNotFound
from aistore.sdk.list_object_flag import ListObjectFlag
from official_sdk import unique_bucket_name
from raw_protocol import assert_client_error, bucket_url, list_json, xxhash2

TREE = {
    "p/a": b"1",
    "p/b": b"22",
    "p/s/x": b"333",
    "p/s/d/y": b"4444",
    "p/t/z": b"55555",
    "q": b"666666",
    "r/deep/er/est": b"7777777",
}
DIRECTORY_FLAG = 256
PRESENT_FLAG = 64
NO_RECURSION = 2048


@pytest.fixture()
def tree(bucket: Bucket) -> Bucket:
    """A bucket holding TREE."""
    for name, data in TREE.items():
        bucket.object(name).get_writer().put_content(data)
    return bucket


def test_default_listing_is_sorted_names_and_sizes(tree: Bucket) -> None:
    entries = tree.list_objects().entries
    assert [e.name for e in entries] == sorted(TREE)
    for entry in entries:
        assert entry.size == len(TREE[entry.name])
        assert entry.flags & PRESENT_FLAG and entry.is_cached() and entry.is_ok()


@pytest.mark.parametrize(
    ("prefix", "expected"), [("p/", 5), ("p/s", 2), ("p/s/", 2), ("r/deep/er/e", 1), ("zz", 0)]
)
def test_prefix(tree: Bucket, prefix: str, expected: int) -> None:
    names = [e.name for e in tree.list_all_objects(prefix=prefix)]
    assert names == sorted(n for n in TREE if n.startswith(prefix))
    assert len(names) == expected


def test_props_selection_msgpack(tree: Bucket) -> None:
    only_names = tree.list_objects(props="name").entries
    assert [e.name for e in only_names] == sorted(TREE)
    assert all(e.size == 0 and e.checksum == "" and e.version == "" for e in only_names)
    with_size = tree.list_objects(props="name,size").entries
    assert all(e.size == len(TREE[e.name]) and e.checksum == "" for e in with_size)
    full = tree.list_objects(props="name,size,checksum,version,atime").entries
    for entry in full:
        assert entry.checksum == xxhash2(TREE[entry.name])
        assert entry.version == "1"
        assert entry.atime
        assert entry.size == len(TREE[entry.name])


def test_json_form(tree: Bucket, http: requests.Session, endpoint: str) -> None:
    page = list_json(http, endpoint, tree.name, props="name,size,checksum,version")
    assert set(page) >= {"uuid", "continuation_token", "entries", "flags"}
    assert page["continuation_token"] == ""
    assert [e["name"] for e in page["entries"]] == sorted(TREE)
    for entry in page["entries"]:
        assert entry["size"] == str(len(TREE[entry["name"]])), "JSON sizes are strings"
        assert entry["checksum"] == xxhash2(TREE[entry["name"]])
        assert entry["version"] == "1"
        assert entry["flags"] & PRESENT_FLAG
    names_only = list_json(http, endpoint, tree.name, props="name")["entries"]
    assert all(set(e) <= {"name", "flags"} for e in names_only), names_only[0]


def test_non_recursive_lists_directories(tree: Bucket, http: requests.Session, endpoint: str) -> None:
    flags = [ListObjectFlag.NO_RECURSION]
    top = tree.list_objects(flags=flags).entries
    assert [e.name for e in top] == ["p/", "q", "r/"]
    assert [bool(e.flags & DIRECTORY_FLAG) for e in top] == [True, False, True]
    level = tree.list_objects(prefix="p/", flags=flags).entries
    assert [e.name for e in level] == ["p/a", "p/b", "p/s/", "p/t/"]
    for entry in level:
        assert bool(entry.flags & DIRECTORY_FLAG) == entry.name.endswith("/")
    page = list_json(http, endpoint, tree.name, prefix="p/s/", flags=str(NO_RECURSION))
    assert [(e["name"], e["flags"] & DIRECTORY_FLAG) for e in page["entries"]] == [
        ("p/s/d/", DIRECTORY_FLAG),
        ("p/s/x", 0),
    ]


def test_start_after(tree: Bucket) -> None:
    names = [e.name for e in tree.list_objects(start_after="p/s/d/y").entries]
    assert names == [n for n in sorted(TREE) if n > "p/s/d/y"]
    assert [e.name for e in tree.list_objects(start_after="zzz").entries] == []


def test_empty_bucket_lists_nothing(bucket: Bucket, http: requests.Session, endpoint: str) -> None:
    listing = bucket.list_objects()
    assert listing.entries == [] and listing.continuation_token == ""
    assert list_json(http, endpoint, bucket.name)["entries"] in ([], None)


def test_missing_bucket_is_404(ais_client: Client, http: requests.Session, endpoint: str) -> None:
    name = unique_bucket_name("nolist")
    with pytest.raises(ErrBckNotFound) as info:
        ais_client.bucket(name).list_objects()
    assert info.value.status_code == 404
    body = {"action": "list", "name": "", "value": {"prefix": ""}}
    reply = http.get(bucket_url(endpoint, name), params={"provider": "ais"}, json=body)
    error = assert_client_error(reply, 404)
    assert error["tcode"] == "ErrBckNotFound"
    assert f'"ais://{name}"' in error["message"]


@pytest.mark.parametrize(
    "value", [{"flags": "512"}, {"flags": "not-a-number"}, {"pagesize": "x"}, "not an object"]
)
def test_bad_list_requests_are_400(
    bucket: Bucket, http: requests.Session, endpoint: str, value: object
) -> None:
    """not-cached is for remote buckets only; the targets' refusal must reach the client as a 400."""
    body = {"action": "list", "name": "", "value": value}
    reply = http.get(bucket_url(endpoint, bucket.name), params={"provider": "ais"}, json=body)
    assert_client_error(reply, 400)
