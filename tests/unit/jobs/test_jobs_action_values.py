"""Values of copy, multi-object and archive actions (wire/multi_object.py), as AIS parses them."""

import pytest

from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.multi_object import ArchiveMsg, CopyOptions, ListRange, MultiObjectMsg, strict_format


def test_destination_names() -> None:
    options = CopyOptions(prepend="bk/", ext={"jpg": "png", "txt": ".md"})
    assert options.destination_name("a/b.jpg") == "bk/a/b.png"
    assert options.destination_name("notes.txt") == "bk/notes.md"
    assert options.destination_name("c.jpeg") == "bk/c.jpeg"
    assert options.destination_name("noext") == "bk/noext"
    assert CopyOptions().destination_name("x.jpg") == "x.jpg"


def test_copy_options_from_the_sdk_shape() -> None:
    value = {
        "prefix": "imgs/*",
        "prepend": "",
        "dry_run": False,
        "force": True,
        "latest-ver": False,
        "synchronize": False,
        "ext": {"jpg": "png"},
        "num-workers": 4,
        "id": "my-etl",
        "pipeline": ["second"],
        "request_timeout": "5m",
        "coer": True,
    }
    options = CopyOptions.from_json(value, "etl-bck")
    assert options.prefix == "imgs/" and options.force and options.num_workers == 4
    assert options.etl_names == ("my-etl", "second") and options.continue_on_error
    with pytest.raises(ValueError, match="synchronize"):
        CopyOptions.from_json({"prepend": "p/", "synchronize": True}, "copy-bck")
    with pytest.raises(ValueError):
        CopyOptions.from_json({"dry_run": "yes"}, "copy-bck")
    assert CopyOptions.from_json(None, "copy-bck") == CopyOptions()


def test_selection() -> None:
    assert ListRange.from_json({"objnames": ["a", "b"]}) == ListRange(names=("a", "b"))
    assert ListRange.from_json({"template": "x-{1..3}"}) == ListRange(template="x-{1..3}")
    assert ListRange.from_json({}) == ListRange()
    assert ListRange.from_json({"objnames": []}) == ListRange(names=())
    assert ListRange.from_json({"objnames": None, "template": "t"}) == ListRange(template="t")
    with pytest.raises(ValueError):
        ListRange.from_json({"objnames": "a"})
    msg = MultiObjectMsg.from_json(
        {"objnames": ["a"], "tobck": {"name": "dst", "provider": "ais", "namespace": None}, "coer": True},
        "copy-listrange",
    )
    assert msg.to_bucket == BucketId("dst") and msg.selection.is_list and msg.continue_on_error


@pytest.mark.parametrize(
    ("mime", "name", "expected"),
    [
        ("", "a.tar", ".tar"),
        ("", "a.tgz", ".tgz"),
        ("", "a.tar.gz", ".tgz"),
        ("", "a.zip", ".zip"),
        ("", "a.tar.lz4", ".tar.lz4"),
        ("application/zip", "a.zip", ".zip"),
        ("tar.gz", "a.tgz", ".tgz"),
        (".tar", "a.tar", ".tar"),
    ],
)
def test_archive_formats(mime: str, name: str, expected: str) -> None:
    assert strict_format(mime, name) == expected


@pytest.mark.parametrize(
    ("mime", "name"), [("", "a.rar"), ("", "a.gz"), ("zip", "a.tar"), ("bogus", "a.tar")]
)
def test_archive_format_refusals(mime: str, name: str) -> None:
    with pytest.raises(ValueError):
        strict_format(mime, name)


def test_archive_entry_names() -> None:
    msg = ArchiveMsg.from_json({"objnames": ["d/x"], "archname": "s.tar", "isbn": True}, "archive")
    assert msg.entry_name(BucketId("src"), "d/x") == "src/d/x"
    base = ArchiveMsg.from_json({"template": "", "archname": "s.zip", "bnonly": True}, "archive")
    assert base.entry_name(BucketId("src"), "d/x") == "x" and base.archive_format == ".zip"
