"""Listing and reading members of real tar, tgz, tar.gz, tar.lz4 and zip shards (storage/archive.py)."""

import os
import sys
import tarfile
import tracemalloc
from collections.abc import Callable

import pytest
from archive_builders import FORMATS, make_shard, make_tar

from pyaistore.storage import archive, archive_formats
from pyaistore.storage.archive_index import ArchiveIndexCache
from pyaistore.storage.errors import ArchiveError, ArchiveMemberNotFound

OpenShard = Callable[..., archive.ShardRef]  # the conftest fixture

MEMBERS = {"dir/": b"", "b.txt": b"second", "a/one.txt": b"first" * 1000, "c.jpg": b"jpg"}


def _read(shard: archive.ShardRef, read: archive.MemberRead) -> bytes:
    if read.chunks is None:
        return os.pread(shard.file.fileno(), read.size, read.section_start)
    return b"".join(read.chunks)


@pytest.mark.parametrize("ext", FORMATS)
def test_list_members_sorted_files_only(open_shard: OpenShard, ext: str) -> None:
    shard = open_shard("s" + ext, make_shard(ext, MEMBERS))
    listed = [(m.name, m.size) for m in archive.list_members(ArchiveIndexCache(), shard)]
    assert listed == [("a/one.txt", 5000), ("b.txt", 6), ("c.jpg", 3)]


@pytest.mark.parametrize("ext", FORMATS)
def test_open_member_reads_exactly_that_file(open_shard: OpenShard, ext: str) -> None:
    shard = open_shard("s" + ext, make_shard(ext, MEMBERS))
    cache = ArchiveIndexCache()
    for path in ("a/one.txt", "/a/one.txt", "b.txt"):
        read = archive.open_member(cache, shard, path)
        assert _read(shard, read) == MEMBERS[path.lstrip("/")]
        assert read.size == len(MEMBERS[path.lstrip("/")])


def test_plain_tar_member_is_a_byte_range_of_the_shard(open_shard: OpenShard) -> None:
    shard = open_shard("s.tar", make_tar(MEMBERS))
    read = archive.open_member(ArchiveIndexCache(), shard, "b.txt")
    assert read.chunks is None and read.section_start % tarfile.BLOCKSIZE == 0


@pytest.mark.parametrize("ext", FORMATS)
def test_missing_member_names_path_and_object(open_shard: OpenShard, ext: str) -> None:
    shard = open_shard("s" + ext, make_shard(ext, MEMBERS))
    with pytest.raises(ArchiveMemberNotFound, match=rf"nope.txt in ais://bkt/s{ext} does not exist"):
        archive.open_member(ArchiveIndexCache(), shard, "nope.txt")
    with pytest.raises(ArchiveMemberNotFound):
        archive.open_member(ArchiveIndexCache(), shard, "dir")  # a directory is not a file


@pytest.mark.parametrize("ext", [".tgz", ".tar.lz4", ".zip"])
def test_large_member_streams_in_bounded_chunks(open_shard: OpenShard, ext: str) -> None:
    big = os.urandom(1 << 20) * 12  # 12 MiB; random, so compression keeps it large
    shard = open_shard("big" + ext, make_shard(ext, {"small": b"x", "big.bin": big}))
    read = archive.open_member(ArchiveIndexCache(), shard, "big.bin")
    assert read.chunks is not None
    tracemalloc.start()
    try:
        total, chunks, offset = 0, 0, 0
        for chunk in read.chunks:
            assert len(chunk) <= archive.CHUNK
            assert chunk == big[offset : offset + len(chunk)]
            offset += len(chunk)
            total += len(chunk)
            chunks += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == len(big) and chunks >= 12
    assert peak < 8 << 20  # never the whole 12 MiB member


def test_long_gnu_and_pax_names(open_shard: OpenShard) -> None:
    long_name = "d" * 120 + "/" + "f" * 120 + ".txt"
    for fmt, name in ((tarfile.GNU_FORMAT, "gnu.tar"), (tarfile.PAX_FORMAT, "pax.tar")):
        shard = open_shard(name, make_tar({long_name: b"long", "é.txt": b"utf8"}, fmt=fmt))
        assert _read(shard, archive.open_member(ArchiveIndexCache(), shard, long_name)) == b"long"
        assert _read(shard, archive.open_member(ArchiveIndexCache(), shard, "é.txt")) == b"utf8"


def test_format_by_magic_when_the_name_has_no_extension(open_shard: OpenShard) -> None:
    for ext in FORMATS:
        shard = open_shard("shard-without-ext" + ext.replace(".", "_"), make_shard(ext, MEMBERS))
        assert shard.fmt in (ext, ".tar.gz" if ext == ".tgz" else ext)
        assert _read(shard, archive.open_member(ArchiveIndexCache(), shard, "b.txt")) == b"second"


def test_archmime_overrides_the_extension(open_shard: OpenShard) -> None:
    shard = open_shard("really-a-zip.tar", make_shard(".zip", MEMBERS), archmime="application/zip")
    assert shard.fmt == ".zip"
    assert _read(shard, archive.open_member(ArchiveIndexCache(), shard, "c.jpg")) == b"jpg"


def test_unknown_format_and_mime() -> None:
    with pytest.raises(ArchiveError, match="unknown mime"):
        archive_formats.normalize("application/json")
    with pytest.raises(ArchiveError, match="unknown filename extension"):
        archive_formats.resolve("x.bin", "", None)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("garbage.tar", b"not a tar at all" * 100),
        ("garbage.tgz", b"not gzip" * 100),
        ("garbage.zip", b"PK not really" * 100),
        ("garbage.tar.lz4", b"\x04\x22\x4d\x18 not lz4" * 100),
        ("empty.tar", b""),
    ],
)
def test_corrupt_shard_is_an_archive_error(open_shard: OpenShard, name: str, data: bytes) -> None:
    shard = open_shard(name, data)
    with pytest.raises(ArchiveError, match=f"ais://bkt/{name}"):
        archive.open_member(ArchiveIndexCache(), shard, "b.txt")


def test_damaged_header_after_the_first_member(open_shard: OpenShard) -> None:
    data = bytearray(make_tar({"a": b"1", "b": b"2", "c": b"3"}))
    data[2 * tarfile.BLOCKSIZE + 10] ^= 0xFF  # the second header's name: its checksum no longer matches
    shard = open_shard("damaged.tar", bytes(data))
    with pytest.raises(ArchiveError, match="invalid tar header at offset 1024"):
        archive.list_members(ArchiveIndexCache(), shard)


def test_truncated_compressed_member_fails_midway(open_shard: OpenShard) -> None:
    data = make_shard(".tgz", {"big.bin": os.urandom(3 << 20)})
    shard = open_shard("cut.tgz", data[: len(data) * 2 // 3])
    with pytest.raises(ArchiveError):
        read = archive.open_member(ArchiveIndexCache(), shard, "big.bin")
        assert read.chunks is not None
        b"".join(read.chunks)


def test_no_extension_and_no_magic_is_an_archive_error(open_shard: OpenShard) -> None:
    with pytest.raises(ArchiveError, match="unrecognized file format"):
        open_shard("s.unknown", b"\x00" * 600)


def test_lz4_missing_is_a_clear_archive_error(monkeypatch: pytest.MonkeyPatch, open_shard: OpenShard) -> None:
    shard = open_shard("s.tar.lz4", make_shard(".tar.lz4", MEMBERS))
    monkeypatch.setitem(sys.modules, "lz4.frame", None)
    with pytest.raises(ArchiveError, match="lz4 package"):
        archive.open_member(ArchiveIndexCache(), shard, "b.txt")
