"""bucket_meta: the Bprops shape, patch validation, and the versioned, persisted table."""

import json
from pathlib import Path
from typing import Any

import pytest

from pyaistore.storage.bucket_meta import (
    BucketTable,
    apply_patch,
    bucket_from_uname,
    default_props,
    mirror_copies,
)
from pyaistore.storage.errors import CorruptMeta, InvalidName, InvalidProps
from pyaistore.wire.bucket_id import BucketId, Namespace

BUCKET = BucketId("b")


def _props() -> dict[str, Any]:
    return default_props(BUCKET, 1_700_000_000_000_000_000, 42)


def test_default_shape() -> None:
    props = _props()
    assert props["provider"] == "ais"
    assert props["backend_bck"]["name"] == ""
    assert props["checksum"] == {
        "type": "xxhash2",
        "validate_cold_get": True,
        "validate_warm_get": False,
        "validate_obj_move": False,
        "enable_read_range": False,
    }
    assert props["versioning"] == {"enabled": True, "validate_warm_get": False, "synchronize": False}
    assert props["mirror"] == {"enabled": False, "copies": 1, "burst_buffer": 128}
    assert props["ec"]["enabled"] is False
    assert props["lru"] == {"enabled": True, "dont_evict_time": "2h0m", "capacity_upd_time": "10m"}
    assert props["write_policy"] == {"data": "", "md": ""}
    assert (props["access"], props["features"]) == ("0", "0")
    assert (props["bid"], props["created"]) == ("42", "1700000000000000000")
    json.dumps(props)  # plain JSON all the way down


def test_patch_deep_merges_and_copies() -> None:
    props = _props()
    patched = apply_patch(props, {"mirror": {"enabled": True, "copies": 2}, "checksum": {"type": "md5"}})
    assert patched["mirror"] == {"enabled": True, "copies": 2, "burst_buffer": 128}
    assert patched["checksum"]["type"] == "md5" and patched["checksum"]["validate_cold_get"] is True
    assert props == _props()  # the input is untouched


def test_mirror_is_validated_only_when_enabled_as_ais_does() -> None:
    enabled = apply_patch(_props(), {"mirror": {"enabled": True, "copies": 0, "burst_buffer": 0}})
    assert enabled["mirror"] == {"enabled": True, "copies": 2, "burst_buffer": 512}
    assert mirror_copies(enabled) == 2
    disabled = apply_patch(_props(), {"mirror": {"copies": 0}})
    assert disabled["mirror"]["copies"] == 0 and mirror_copies(disabled) == 1
    assert mirror_copies(apply_patch(_props(), {"mirror": {"copies": 5}})) == 1


def test_patch_accepts_access_as_number_or_string() -> None:
    assert apply_patch(_props(), {"access": 255})["access"] == "255"
    assert apply_patch(_props(), {"features": "4096"})["features"] == "4096"


@pytest.mark.parametrize(
    ("patch", "key"),
    [
        ({"nope": 1}, '"nope"'),
        ({"mirror": {"nope": 1}}, '"mirror.nope"'),
        ({"provider": "aws"}, '"provider"'),
        ({"bid": "1"}, '"bid"'),
        ({"created": "1"}, '"created"'),
        ({"mirror": {"enabled": 1}}, '"mirror.enabled"'),
        ({"mirror": {"copies": True}}, '"mirror.copies"'),
        ({"mirror": {"copies": "2"}}, '"mirror.copies"'),
        ({"mirror": {"enabled": True, "copies": 1}}, "invalid mirror.copies: 1 (expected value in range"),
        ({"mirror": {"enabled": True, "copies": 33}}, "[2, 32] or zero for default"),
        ({"mirror": {"enabled": True, "copies": 2, "burst_buffer": -1}}, "invalid mirror.burst_buffer: -1"),
        ({"mirror": True}, '"mirror"'),
        ({"checksum": {"type": "blake3"}}, '"checksum.type"'),
        ({"lru": {"dont_evict_time": "soon"}}, '"lru.dont_evict_time"'),
        ({"write_policy": {"md": "sometimes"}}, '"write_policy.md"'),
        ({"access": "-1"}, '"access"'),
        ({"access": str(2**64)}, '"access"'),
        ({"backend_bck": {"name": "x", "provider": "ais"}}, '"backend_bck.provider"'),
        ({"backend_bck": {"name": "x", "provider": "nope"}}, '"backend_bck.provider"'),
    ],
)
def test_bad_patches_name_the_key(patch: dict[str, Any], key: str) -> None:
    with pytest.raises(InvalidProps) as info:
        apply_patch(_props(), patch)
    assert key in info.value.message


def test_backend_bucket_is_normalised() -> None:
    patched = apply_patch(_props(), {"backend_bck": {"name": "remote", "provider": "s3"}})
    assert patched["backend_bck"]["provider"] == "aws"
    remote = default_props(BucketId("r", "gcp"), 0, 1)
    with pytest.raises(InvalidProps, match="only ais buckets"):
        apply_patch(remote, {"backend_bck": {"name": "x", "provider": "aws"}})


def test_table_changes_return_new_versions() -> None:
    empty = BucketTable()
    one = empty.with_bucket(BUCKET, _props())
    two = one.with_bucket(BucketId("c", "aws"), default_props(BucketId("c", "aws"), 0, 2))
    three = two.without(BUCKET)
    assert [t.version for t in (empty, one, two, three)] == [0, 1, 2, 3]
    assert empty.get(BUCKET) is None and BUCKET not in empty
    assert one.get(BUCKET) == _props() and BUCKET in one
    assert three.get(BUCKET) is None
    assert three.without(BUCKET) is three
    assert two.bucket_ids() == [BUCKET, BucketId("c", "aws")]  # by uname: "ais/..." < "aws/..."


def test_table_readers_cannot_mutate_it() -> None:
    table = BucketTable().with_bucket(BUCKET, _props())
    props = table.get(BUCKET)
    assert props is not None
    props["mirror"]["copies"] = 9
    assert table.get(BUCKET) == _props()


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "meta" / "bmd.json"
    assert BucketTable.load(path) == BucketTable()
    bucket = BucketId("n", "ais", Namespace("u", "ns"))
    table = BucketTable().with_bucket(BUCKET, _props()).with_bucket(bucket, default_props(bucket, 5, 6))
    table.save(path)
    table.save(path)  # overwrite
    assert BucketTable.load(path) == table
    assert BucketTable.from_json(table.to_json()) == table
    assert [p.name for p in path.parent.iterdir()] == ["bmd.json"]  # no temp files left


@pytest.mark.parametrize(
    "content", [b"{", b"[]", b'{"version":-1,"buckets":{}}', b'{"version":1,"buckets":[]}']
)
def test_corrupt_tables(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bmd.json"
    path.write_bytes(content)
    with pytest.raises(CorruptMeta):
        BucketTable.load(path)


def test_bucket_from_uname() -> None:
    assert bucket_from_uname("ais/@#/b/") == BUCKET
    assert bucket_from_uname("aws/@u#n/x/") == BucketId("x", "aws", Namespace("u", "n"))
    with pytest.raises(InvalidName):
        bucket_from_uname("nope")
    with pytest.raises(InvalidName):
        bucket_from_uname("zzz/@#/b/")
