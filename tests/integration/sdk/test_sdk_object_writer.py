"""ObjectWriter (seed 000) against a real cluster."""

from pathlib import Path

import pytest

from pyaistore.sdk import Bucket
from pyaistore.sdk.errors import ErrObjNotFound


def test_put_content(bucket: Bucket) -> None:
    response = bucket.object("c").get_writer().put_content(b"content")
    assert response.status_code == 200
    assert bucket.object("c").get_reader().read_all() == b"content"


def test_put_file(bucket: Bucket, tmp_path: Path) -> None:
    source = tmp_path / "f.bin"
    source.write_bytes(b"file-bytes" * 100)
    bucket.object("f").get_writer().put_file(source)
    assert bucket.object("f").get_reader().read_all() == source.read_bytes()


def test_put_file_rejects_non_files(bucket: Bucket, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        bucket.object("f").get_writer().put_file(tmp_path)
    with pytest.raises(ValueError):
        bucket.object("f").get_writer().put_file(tmp_path / "missing")


def test_append_is_invisible_until_flush(bucket: Bucket) -> None:
    writer = bucket.object("a").get_writer()
    handle = writer.append_content(b"one-")
    assert handle
    handle = writer.append_content(b"two", handle=handle)
    with pytest.raises(ErrObjNotFound):
        bucket.object("a").get_reader().read_all()
    assert writer.append_content(b"", handle=handle, flush=True) == ""
    assert bucket.object("a").get_reader().read_all() == b"one-two"


def test_append_extends_existing_object(bucket: Bucket) -> None:
    bucket.object("e").put(content=b"base-")
    writer = bucket.object("e").get_writer()
    handle = writer.append_content(b"more")
    writer.append_content(b"", handle=handle, flush=True)
    assert bucket.object("e").get_reader().read_all() == b"base-more"


def test_as_file_write_mode_truncates(bucket: Bucket) -> None:
    bucket.object("w").put(content=b"old content")
    with bucket.object("w").get_writer().as_file("w") as file:
        file.write(b"new ")
        file.write(b"content")
    assert bucket.object("w").get_reader().read_all() == b"new content"


def test_as_file_append_mode(bucket: Bucket) -> None:
    bucket.object("ap").put(content=b"start:")
    file = bucket.object("ap").get_writer().as_file()
    with file:
        file.write(b"a")
        file.flush()
        assert bucket.object("ap").get_reader().read_all() == b"start:a"
        file.write(b"b")
    assert bucket.object("ap").get_reader().read_all() == b"start:ab"
    with pytest.raises(ValueError):
        file.write(b"closed")


def test_as_file_invalid_mode(bucket: Bucket) -> None:
    with pytest.raises(ValueError):
        bucket.object("x").get_writer().as_file("r")


def test_set_custom_props(bucket: Bucket) -> None:
    obj = bucket.object("m")
    obj.put(content=b"x")
    writer = obj.get_writer()
    writer.set_custom_props({"a": "1", "b": "2"})
    writer.set_custom_props({"b": "3"})
    assert obj.props.custom_metadata == {"a": "1", "b": "3"}
    writer.set_custom_props({"c": "4"}, replace_existing=True)
    assert obj.props.custom_metadata == {"c": "4"}
    assert obj.props.obj_version == "1"


def test_set_custom_props_on_missing_object(bucket: Bucket) -> None:
    with pytest.raises(ErrObjNotFound):
        bucket.object("missing").get_writer().set_custom_props({"a": "1"})
