"""Recursive put of a directory tree and get of a prefix: byte-exact round trips."""

from pathlib import Path

import pytest
from cli_it_support import CliRun, make_tree, read_tree

from pyaistore.sdk import Bucket


@pytest.fixture()
def tree(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A source directory and its files (relative path -> bytes)."""
    root = tmp_path / "src"
    return root, make_tree(root)


@pytest.mark.parametrize("jobs", ["1", "4"])
def test_round_trip_under_a_prefix(
    run: CliRun, bucket: Bucket, tree: tuple[Path, dict[str, bytes]], tmp_path: Path, jobs: str
) -> None:
    source, files = tree
    put = run("object", "put", "--recursive", "--jobs", jobs, str(source), f"ais://{bucket.name}/v1/")
    assert put.exit_code == 0, put.output
    assert f"uploaded {len(files)} files" in put.stdout
    names = sorted(entry.name for entry in bucket.list_all_objects())
    assert names == sorted(f"v1/{relative}" for relative in files)

    out = tmp_path / "out"
    get = run("object", "get", "-j", jobs, f"{bucket.name}/v1/", str(out))
    assert get.exit_code == 0, get.output
    assert f"downloaded {len(files)} objects" in get.stdout
    assert read_tree(out) == files


def test_whole_bucket_without_a_prefix(
    run: CliRun, bucket: Bucket, tree: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    source, files = tree
    assert run("object", "put", "-r", str(source), bucket.name).exit_code == 0
    assert sorted(entry.name for entry in bucket.list_all_objects()) == sorted(files)
    assert run("object", "get", f"ais://{bucket.name}/", str(tmp_path / "out")).exit_code == 0
    assert read_tree(tmp_path / "out") == files


def test_destination_name_without_slash_is_a_directory(
    run: CliRun, bucket: Bucket, tree: tuple[Path, dict[str, bytes]]
) -> None:
    source, files = tree
    assert run("object", "put", "-r", str(source), f"{bucket.name}/data").exit_code == 0
    assert sorted(entry.name for entry in bucket.list_all_objects()) == sorted(f"data/{f}" for f in files)


def test_get_with_prefix_flag_keeps_paths_below_the_prefix_directory(
    run: CliRun, bucket: Bucket, tree: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    source, files = tree
    assert run("object", "put", "-r", str(source), f"{bucket.name}/v1/").exit_code == 0
    result = run("object", "get", "--prefix", f"{bucket.name}/v1/a/b", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert read_tree(tmp_path / "out") == {
        "b/deep.bin": files["a/b/deep.bin"],
        "b/c/deeper.txt": files["a/b/c/deeper.txt"],
    }


def test_get_of_an_empty_prefix_is_an_error(run: CliRun, bucket: Bucket, tmp_path: Path) -> None:
    result = run("object", "get", f"{bucket.name}/nothing/", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"no objects under ais://{bucket.name}/nothing/" in result.stderr


def test_put_of_an_empty_directory_uploads_nothing(run: CliRun, bucket: Bucket, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("object", "put", "-r", str(tmp_path / "empty"), bucket.name)
    assert result.exit_code == 0
    assert "nothing to upload" in result.stderr
    assert bucket.list_all_objects() == []
