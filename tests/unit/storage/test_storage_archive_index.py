"""Member tables and their cache (archive_index.py): keyed by the data file, bounded, never stale."""

import os
import tarfile
from collections.abc import Callable

from archive_builders import make_tar

from pyaistore.storage import archive
from pyaistore.storage.archive_index import ArchiveIndexCache, scan, strip_root

OpenShard = Callable[..., archive.ShardRef]  # the conftest fixture


def test_table_is_cached_per_version(open_shard: OpenShard) -> None:
    cache = ArchiveIndexCache()
    first = open_shard("s.tar", make_tar({"a": b"1"}))
    table = cache.table(first.file, first.fmt, first.cname)
    assert cache.table(first.file, first.fmt, first.cname) is table
    second = open_shard("s.tar", make_tar({"a": b"1", "b": b"2"}))  # a new version: a new inode
    assert [m.name for m in cache.table(second.file, second.fmt, second.cname).members] == ["a", "b"]
    assert [m.name for m in cache.table(first.file, first.fmt, first.cname).members] == ["a"]


def test_cache_is_bounded_by_shards_and_members(open_shard: OpenShard) -> None:
    cache = ArchiveIndexCache(max_shards=2, max_members=5)
    shards = [open_shard(f"s{i}.tar", make_tar({f"m{j}": b"x" for j in range(2)})) for i in range(3)]
    tables = [cache.table(s.file, s.fmt, s.cname) for s in shards]
    assert cache.table(shards[2].file, ".tar", shards[2].cname) is tables[2]
    assert cache.table(shards[0].file, ".tar", shards[0].cname) is not tables[0]  # evicted, rescanned
    huge = open_shard("huge.tar", make_tar({f"m{j}": b"" for j in range(6)}))
    assert cache.table(huge.file, ".tar", huge.cname) is not cache.table(huge.file, ".tar", huge.cname)


def test_end_offset_is_where_the_end_blocks_start(open_shard: OpenShard) -> None:
    shard = open_shard("s.tar", make_tar({"a": b"x" * 700}))
    table = scan(shard.file, shard.fmt, shard.cname)
    assert table.end_offset == 512 + 1024  # one header block, 700 bytes padded to two blocks


def test_strip_root_removes_one_leading_slash() -> None:
    assert strip_root("/a/b") == "a/b" and strip_root("a") == "a"


def _entry(name: str, data: bytes) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info.tobuf() + data + bytes(-len(data) % tarfile.BLOCKSIZE)


def test_duplicate_names_read_the_first_as_ais_does(open_shard: OpenShard) -> None:
    shard = open_shard("dup.tar", _entry("a", b"old") + _entry("/a", b"new") + bytes(1024))
    table = scan(shard.file, shard.fmt, shard.cname)
    assert [m.name for m in table.members] == ["a", "/a"]
    read = archive.open_member(ArchiveIndexCache(), shard, "/a")
    assert os.pread(shard.file.fileno(), read.size, read.section_start) == b"old"
