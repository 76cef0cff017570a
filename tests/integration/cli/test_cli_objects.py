"""`pyaistore object put|get|cat|head|rm` for single objects."""

import json
import secrets
from datetime import datetime
from pathlib import Path

import pytest
from cli_it_support import CliRun

from pyaistore.sdk import Bucket
from pyaistore.sdk.errors import ErrObjNotFound


@pytest.fixture()
def local_file(tmp_path: Path) -> Path:
    """A 200 KB file of random bytes."""
    path = tmp_path / "data.bin"
    path.write_bytes(secrets.token_bytes(200_000))
    return path


def test_put_keeps_the_file_name_without_a_name(run: CliRun, bucket: Bucket, local_file: Path) -> None:
    result = run("object", "put", str(local_file), bucket.name)
    assert result.exit_code == 0, result.output
    assert f"to ais://{bucket.name}/data.bin" in result.stdout
    assert bucket.object("data.bin").get_reader().read_all() == local_file.read_bytes()


@pytest.mark.parametrize(
    ("destination", "stored_as"),
    [
        ("{b}/renamed.bin", "renamed.bin"),
        ("ais://{b}/dir/", "dir/data.bin"),
        ("ais://{b}/x/y.bin", "x/y.bin"),
    ],
)
def test_put_names(run: CliRun, bucket: Bucket, local_file: Path, destination: str, stored_as: str) -> None:
    result = run("object", "put", str(local_file), destination.format(b=bucket.name))
    assert result.exit_code == 0, result.output
    assert bucket.object(stored_as).get_reader().read_all() == local_file.read_bytes()


def test_get_to_a_file_a_directory_and_the_current_directory(
    run: CliRun, bucket: Bucket, local_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket.object("dir/obj.bin").get_writer().put_file(local_file)
    source = f"ais://{bucket.name}/dir/obj.bin"

    assert run("object", "get", source, str(tmp_path / "copy.bin")).exit_code == 0
    assert (tmp_path / "copy.bin").read_bytes() == local_file.read_bytes()

    (tmp_path / "into").mkdir()
    assert run("object", "get", source, str(tmp_path / "into")).exit_code == 0
    assert (tmp_path / "into" / "obj.bin").read_bytes() == local_file.read_bytes()

    monkeypatch.chdir(tmp_path)
    result = run("object", "get", f"{bucket.name}/dir/obj.bin")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "obj.bin").read_bytes() == local_file.read_bytes()
    assert not list(tmp_path.glob("**/*.part")), "work files must not be left behind"


def test_get_dash_and_cat_write_to_stdout(run: CliRun, bucket: Bucket, local_file: Path) -> None:
    bucket.object("o").get_writer().put_file(local_file)
    for args in (("object", "get", f"{bucket.name}/o", "-"), ("object", "cat", f"ais://{bucket.name}/o")):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        assert result.stdout_bytes == local_file.read_bytes()


def test_cat_of_an_empty_object(run: CliRun, bucket: Bucket) -> None:
    bucket.object("empty").get_writer().put_content(b"")
    result = run("object", "cat", f"{bucket.name}/empty")
    assert result.exit_code == 0 and result.stdout_bytes == b""


def test_get_of_a_missing_object_leaves_no_file(run: CliRun, bucket: Bucket, tmp_path: Path) -> None:
    result = run("object", "get", f"{bucket.name}/nope", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert f"Error: object ais://{bucket.name}/nope does not exist" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_head_shows_attributes(run: CliRun, bucket: Bucket) -> None:
    writer = bucket.object("h.txt").get_writer()
    writer.put_content(b"x" * 2048)
    writer.set_custom_props({"origin": "camera-7"})

    table = run("object", "head", f"ais://{bucket.name}/h.txt")
    assert table.exit_code == 0, table.output
    for text in ("2.0 KiB (2048 bytes)", "xxhash", "origin=camera-7", f"ais://{bucket.name}/h.txt"):
        assert text in table.stdout

    data = json.loads(run("--json", "object", "head", f"{bucket.name}/h.txt").stdout)
    assert data["size"] == 2048 and data["custom"] == {"origin": "camera-7"}
    assert data["checksum_value"] and data["version"] == "1" and data["present"] is True
    assert abs(datetime.fromisoformat(data["atime"]).timestamp() - datetime.now().timestamp()) < 600


def test_rm_deletes_and_reports_missing_objects(run: CliRun, bucket: Bucket) -> None:
    for name in ("a", "b"):
        bucket.object(name).get_writer().put_content(b"1")

    result = run("object", "rm", f"{bucket.name}/a", f"ais://{bucket.name}/gone", f"{bucket.name}/b")
    assert result.exit_code == 1
    assert (
        f"deleted ais://{bucket.name}/a" in result.stdout
        and f"deleted ais://{bucket.name}/b" in result.stdout
    )
    assert f"object ais://{bucket.name}/gone does not exist" in result.stderr
    assert "1 of 3 objects not deleted" in result.stderr
    for name in ("a", "b"):
        with pytest.raises(ErrObjNotFound):
            bucket.object(name).head()


def test_rm_of_one_missing_object(run: CliRun, bucket: Bucket) -> None:
    result = run("object", "rm", f"{bucket.name}/gone")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: object ais://{bucket.name}/gone does not exist"
