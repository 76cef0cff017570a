"""checksums: known vectors for every supported algorithm, streaming equals one-shot."""

import hashlib

import pytest
import xxhash

from pyaistore.storage import checksums

DATA = b"The quick brown fox jumps over the lazy dog"


def test_supported_set() -> None:
    assert checksums.SUPPORTED == {"none", "xxhash", "xxhash2", "md5", "crc32c", "sha256", "sha512"}


def test_crc32c_check_value() -> None:
    # The standard check value of CRC-32C (iSCSI, RFC 3720 appendix B.4).
    assert checksums.compute("crc32c", b"123456789") == "e3069283"
    assert checksums.compute("crc32c", b"") == "00000000"
    assert checksums.compute("crc32c", b"\x00" * 32) == "8a9136aa"


@pytest.mark.parametrize("kind", ["xxhash", "xxhash2"])
def test_xxhash_kinds_are_xxh64_seed_0(kind: str) -> None:
    assert checksums.compute(kind, DATA) == xxhash.xxh64(DATA, seed=0).hexdigest()
    assert len(checksums.compute(kind, b"")) == 16


@pytest.mark.parametrize("kind", ["md5", "sha256", "sha512"])
def test_hashlib_kinds(kind: str) -> None:
    assert checksums.compute(kind, DATA) == hashlib.new(kind, DATA).hexdigest()


def test_none_is_empty() -> None:
    assert checksums.compute("none", DATA) == ""


@pytest.mark.parametrize("kind", sorted(checksums.SUPPORTED))
def test_streaming_equals_one_shot(kind: str) -> None:
    hasher = checksums.new_hasher(kind)
    for start in range(0, len(DATA), 7):
        hasher.update(DATA[start : start + 7])
    assert hasher.hexdigest() == checksums.compute(kind, DATA)


def test_unknown_kind_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="blake3"):
        checksums.new_hasher("blake3")


def test_multi_hasher_computes_each_algorithm_once() -> None:
    multi = checksums.MultiHasher(["xxhash2", "xxhash", "md5"])
    multi.update(DATA)
    assert multi.hexdigest("xxhash") == multi.hexdigest("xxhash2") == checksums.compute("xxhash", DATA)
    assert multi.hexdigest("md5") == hashlib.md5(DATA).hexdigest()
    with pytest.raises(KeyError):
        multi.hexdigest("sha256")
