"""Selecting archived files by pattern, and repacking the selection as a tar (archive.matching_tar)."""

import os
import tarfile
from collections.abc import Callable

import pytest
from archive_builders import FORMATS, make_shard, tar_members

from pyaistore.storage import archive
from pyaistore.storage.archive_match import Matcher, validate_mode, wds_key
from pyaistore.storage.errors import ArchiveError, ArchiveMemberNotFound

OpenShard = Callable[..., archive.ShardRef]  # the conftest fixture

NAMES = ["sub/aaa.jpg", "sub/aaa.json", "sub/aaab.jpg", "bbb.cls", "/abs/ccc.txt", "x.tar.gz"]


@pytest.mark.parametrize(
    ("pattern", "mode", "expected"),
    [
        ("sub/aaa", "prefix", ["sub/aaa.jpg", "sub/aaa.json", "sub/aaab.jpg"]),
        (".jpg", "suffix", ["sub/aaa.jpg", "sub/aaab.jpg"]),
        ("aa", "substr", ["sub/aaa.jpg", "sub/aaa.json", "sub/aaab.jpg"]),
        (r"a{3}\.js", "regexp", ["sub/aaa.json"]),
        (r"^b", "regexp", ["bbb.cls"]),
        ("sub/aaa", "wdskey", ["sub/aaa.jpg", "sub/aaa.json"]),
        ("abs/ccc", "wdskey", ["/abs/ccc.txt"]),
        ("x.tar", "wdskey", ["x.tar.gz"]),
        ("", "regexp", NAMES),
        ("*", "suffix", NAMES),
    ],
)
def test_modes(pattern: str, mode: str, expected: list[str]) -> None:
    matcher = Matcher(pattern, mode)
    assert [n for n in NAMES if matcher.matches(n)] == expected


def test_wds_key_is_go_filepath_ext_semantics() -> None:
    assert wds_key("subdir/aaa.jpg") == "subdir/aaa"
    assert wds_key("a.b/c") == "a.b/c"
    assert wds_key("/lead.txt") == "lead"
    assert wds_key(".hidden") == ""
    assert wds_key("noext") == "noext"


def test_invalid_mode_and_regex() -> None:
    with pytest.raises(ArchiveError, match='invalid matching mode "glob"'):
        Matcher("x", "glob")
    with pytest.raises(ArchiveError, match="invalid archregx"):
        Matcher("(", "regexp")
    assert validate_mode("") == "prefix"


MEMBERS = {"sub/": b"", "sub/aaa.jpg": b"J" * 700, "sub/aaa.json": b"{}", "sub/b.jpg": b"B", "top": b"t"}


@pytest.mark.parametrize("ext", FORMATS)
def test_matching_tar_holds_the_matches(open_shard: OpenShard, ext: str) -> None:
    shard = open_shard("s" + ext, make_shard(ext, MEMBERS))
    out = b"".join(archive.matching_tar(shard, Matcher("sub/aaa", "wdskey")))
    assert tar_members(out) == {"sub/aaa.jpg": b"J" * 700, "sub/aaa.json": b"{}"}
    assert len(out) % tarfile.BLOCKSIZE == 0 and out.endswith(bytes(2 * tarfile.BLOCKSIZE))


@pytest.mark.parametrize("ext", FORMATS)
def test_no_match_raises_before_any_byte(open_shard: OpenShard, ext: str) -> None:
    shard = open_shard("s" + ext, make_shard(ext, MEMBERS))
    chunks = archive.matching_tar(shard, Matcher("zzz", "prefix"))
    with pytest.raises(ArchiveMemberNotFound, match=r"\(archregx=zzz, archmode=prefix\) in ais://bkt/s"):
        next(chunks)


def test_selection_streams_large_members_in_chunks(open_shard: OpenShard) -> None:
    big = os.urandom(5 << 20)
    shard = open_shard("big.tgz", make_shard(".tgz", {"a.bin": big, "b.bin": b"small"}))
    chunks = list(archive.matching_tar(shard, Matcher(".bin", "suffix")))
    assert max(len(c) for c in chunks) <= archive.CHUNK + 2 * tarfile.BLOCKSIZE
    assert tar_members(b"".join(chunks)) == {"a.bin": big, "b.bin": b"small"}


def test_selection_of_a_corrupt_shard_is_an_archive_error(open_shard: OpenShard) -> None:
    shard = open_shard("bad.tgz", b"\x1f\x8b" + b"garbage" * 100)
    with pytest.raises(ArchiveError):
        next(archive.matching_tar(shard, Matcher("", "prefix")))


def test_patterns_run_in_linear_time_with_go_syntax() -> None:
    import time

    import pytest

    from pyaistore.storage.archive_match import Matcher
    from pyaistore.storage.errors import ArchiveError

    matcher = Matcher("(a+)+$", "regexp")
    started = time.monotonic()
    assert not matcher.matches("r/" + "a" * 100_000 + "!")
    assert time.monotonic() - started < 0.5
    with pytest.raises(ArchiveError, match="archregx"):
        Matcher(r"(a)\1", "regexp")  # backreferences: not RE2 (nor Go) syntax
    with pytest.raises(ArchiveError, match="1024"):
        Matcher("a" * 2000, "regexp")
