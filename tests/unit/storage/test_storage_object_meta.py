"""object_meta: compact JSON round trip; corrupt input is a ValueError."""

import json

import pytest

from pyaistore.storage.object_meta import ObjectMeta


def _meta() -> ObjectMeta:
    return ObjectMeta("d/o", 10, "xxhash2", "0123456789abcdef", "3", 1_700_000_000_000_000_000, {"k": "v, é"})


def test_round_trip_drops_the_mountpath() -> None:
    meta = _meta()
    meta.mountpath = "/disk1"
    decoded = ObjectMeta.decode(meta.encode())
    assert decoded == _meta()
    assert decoded.mountpath == ""


def test_encoding_is_compact_json() -> None:
    encoded = _meta().encode()
    assert b": " not in encoded and b", " not in encoded.replace(b"v, \xc3\xa9", b"")
    assert encoded.startswith(b'{"n":"d/o"')


def test_a_record_with_a_short_name_fits_the_first_buffer_getxattr_tries() -> None:
    # os.getxattr asks with 128 bytes first; a longer record costs a second system call per read.
    meta = ObjectMeta(
        "train/shard-000123.tar/img-0042",
        1024,
        "xxhash2",
        "0123456789abcdef",
        "12",
        1_796_535_337_610_764_629,
    )
    assert len(meta.encode()) <= 128


def test_records_with_the_long_keys_still_decode() -> None:
    old = json.dumps(_meta().to_json(), separators=(",", ":"), ensure_ascii=False).encode()
    assert old.startswith(b'{"name":') and ObjectMeta.decode(old) == _meta()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"[]",
        b'{"name":"o"}',
        b'{"name":"o","size":"1","checksum_type":"","checksum_value":"","version":"","atime_ns":0}',
        b'{"name":"o","size":true,"checksum_type":"","checksum_value":"","version":"","atime_ns":0}',
        b'{"name":"o","size":1,"checksum_type":"","checksum_value":"","version":"","atime_ns":0,"custom":{"a":1}}',
        b'{"n":"o","s":1,"ct":"","cv":"","v":""}',
        b'{"n":"o","s":1,"ct":"","cv":"","v":"","a":0,"c":{"a":1}}',
        b"\xff\xfe",
    ],
)
def test_corrupt_metadata_is_a_value_error(data: bytes) -> None:
    with pytest.raises(ValueError):
        ObjectMeta.decode(data)


@pytest.mark.parametrize(
    "name",
    [
        "plain/name.bin",
        'quote"and\\backslash',
        "tab\tnewline\ncontrol\x01\x1f",
        "ünïcødé/日本語",
        "emoji/😀",
        "\u2028\u2029",
    ],
)
@pytest.mark.parametrize("custom", [{}, {"k": 'v"\\'}])
def test_the_record_is_byte_for_byte_what_the_json_encoder_writes(name: str, custom: dict[str, str]) -> None:
    meta = ObjectMeta(name, 7, "xxhash2", 'c"\\1', "v\n2", 1_700_000_000_123_456_789, custom)
    short = {"name": "n", "size": "s", "checksum_type": "ct", "checksum_value": "cv"}
    short |= {"version": "v", "atime_ns": "a", "custom": "c"}
    record = {short[key]: value for key, value in meta.to_json().items()}
    expected = json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode()
    assert meta.encode() == expected
    assert ObjectMeta.decode(meta.encode()) == meta


def test_custom_defaults_to_empty() -> None:
    data = b'{"name":"o","size":1,"checksum_type":"none","checksum_value":"","version":"1","atime_ns":5}'
    assert ObjectMeta.decode(data).custom == {}


def test_custom_metadata_limits_name_the_limit() -> None:
    from pyaistore.storage.errors import MetadataTooLarge
    from pyaistore.storage.object_meta import check_record
    from pyaistore.wire import limits

    check_record("o", {"k": "v" * limits.MAX_CUSTOM_VALUE}, "ais://b/o")
    with pytest.raises(MetadataTooLarge, match=f"the limit is {limits.MAX_CUSTOM_VALUE} per value"):
        check_record("o", {"k": "v" * 7000}, "ais://b/o")
    with pytest.raises(MetadataTooLarge, match=f"the limit is {limits.MAX_CUSTOM_KEY} per key"):
        check_record("o", {"k" * 300: ""}, "ais://b/o")
    with pytest.raises(MetadataTooLarge, match=f"the limit is {limits.MAX_CUSTOM_TOTAL}"):
        check_record("o", {"a": "v" * 1000, "b": "v" * 1000, "c": "v" * 100}, "ais://b/o")
    with pytest.raises(MetadataTooLarge, match=f"the limit is {limits.MAX_CUSTOM_KEYS}"):
        check_record("o", {str(i): "" for i in range(limits.MAX_CUSTOM_KEYS + 1)}, "ais://b/o")
    # Within every per-key limit, but a long name full of escapes makes the record too large.
    with pytest.raises(MetadataTooLarge, match=f"the limit is {limits.MAX_OBJECT_META}"):
        check_record('"' * 1024, {"a": '"' * 1000, "b": '"' * 900}, "ais://b/o")
