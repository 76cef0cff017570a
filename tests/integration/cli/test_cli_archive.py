"""`pyaistore archive create|ls|get` on the shared cluster: every format, byte for byte, and errors."""

import json
from pathlib import Path

import pytest
from cli_it_support import CliRun, fill, unique_name

from pyaistore.sdk import Bucket


def _members(run: CliRun, shard: str) -> dict[str, int]:
    result = run("--json", "archive", "ls", shard)
    assert result.exit_code == 0, result.output
    return {record["name"]: record["size"] for record in json.loads(result.stdout)}


@pytest.mark.parametrize("extension", [".tar", ".tgz", ".tar.gz", ".zip", ".tar.lz4"])
def test_create_from_a_template_then_list_and_get_every_file(
    run: CliRun, bucket: Bucket, other_bucket: Bucket, tmp_path: Path, extension: str
) -> None:
    contents = fill(bucket, [f"img-{index:03d}.jpg" for index in range(12)] + ["other.txt"])
    other_bucket.create()
    shard = f"ais://{other_bucket.name}/shards/000{extension}"
    result = run("archive", "create", shard, "--template", "img-{000..011}.jpg", "--from", bucket.name)
    assert result.exit_code == 0, result.output
    assert f"archived into {shard}: 12 objects" in result.stdout

    packed = {name: data for name, data in contents.items() if name.startswith("img-")}
    assert _members(run, shard) == {name: len(data) for name, data in packed.items()}
    table = run("archive", "ls", shard)
    assert "img-011.jpg" in table.stdout and "12 file(s)" in table.stdout

    for name, data in packed.items():
        assert run("archive", "get", shard, name, str(tmp_path / name)).exit_code == 0
        assert (tmp_path / name).read_bytes() == data
    streamed = run("archive", "get", shard, "img-005.jpg", "-")
    assert streamed.exit_code == 0 and streamed.stdout_bytes == packed["img-005.jpg"]


def test_create_from_a_list_in_the_same_bucket_and_append(
    run: CliRun, bucket: Bucket, tmp_path: Path
) -> None:
    contents = fill(bucket, ["a.txt", "dir/b.bin", "c.bin", "d.bin"])
    shard = f"{bucket.name}/pack.tar"
    created = run("archive", "create", shard, "--list", "a.txt,dir/b.bin", "--list", "c.bin")
    assert created.exit_code == 0, created.output
    assert _members(run, shard) == {name: len(contents[name]) for name in ("a.txt", "dir/b.bin", "c.bin")}

    appended = run("archive", "create", shard, "--list", "d.bin", "--append")
    assert appended.exit_code == 0, appended.output
    assert set(_members(run, shard)) == {"a.txt", "dir/b.bin", "c.bin", "d.bin"}

    # The default destination is the file's base name in the current directory.
    result = run("archive", "get", f"ais://{shard}", "dir/b.bin", str(tmp_path) + "/")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b.bin").read_bytes() == contents["dir/b.bin"]


def test_no_wait_prints_the_job(run: CliRun, bucket: Bucket) -> None:
    fill(bucket, ["x"])
    result = run("--json", "archive", "create", f"{bucket.name}/x.tar", "--list", "x", "--no-wait")
    assert result.exit_code == 0, result.output
    [job_id] = json.loads(result.stdout)["jobs"]
    assert run("job", "wait", job_id).exit_code == 0
    assert _members(run, f"{bucket.name}/x.tar") == {"x": bucket.object("x").head().size}


def test_a_missing_listed_object_fails_the_job(run: CliRun, bucket: Bucket) -> None:
    fill(bucket, ["here"])
    result = run("archive", "create", f"{bucket.name}/a.tar", "--list", "here,gone")
    assert result.exit_code == 1
    assert "(archive) failed:" in result.stderr and "gone" in result.stderr


def test_create_errors(run: CliRun, bucket: Bucket) -> None:
    fill(bucket, ["x"])
    bad_format = run("archive", "create", f"{bucket.name}/a.rar", "--list", "x")
    assert bad_format.exit_code == 1 and "(HTTP 400)" in bad_format.stderr
    missing = unique_name("missing")
    for args in (
        ("archive", "create", f"{missing}/a.tar", "--list", "x", "--from", bucket.name),
        ("archive", "create", f"{bucket.name}/a.tar", "--list", "x", "--from", missing),
    ):
        result = run(*args)
        assert result.exit_code == 1, args
        assert f"Error: bucket ais://{missing} does not exist" in result.stderr, args


def test_read_errors(run: CliRun, bucket: Bucket) -> None:
    fill(bucket, ["plain.txt", "x"])
    assert run("archive", "create", f"{bucket.name}/s.tar", "--list", "x").exit_code == 0
    shard = f"ais://{bucket.name}/s.tar"

    no_file = run("archive", "get", shard, "nope.txt", "-")
    assert no_file.exit_code == 1
    assert no_file.stderr.strip().startswith(f"Error: {shard} has no file nope.txt")
    not_archive = run("archive", "ls", f"{bucket.name}/plain.txt")
    assert not_archive.exit_code == 1 and "is not an archive" in not_archive.stderr
    for args in (
        ("archive", "ls", f"{bucket.name}/none.tar"),
        ("archive", "get", f"{bucket.name}/none.tar", "x"),
    ):
        result = run(*args)
        assert result.exit_code == 1, args
        assert result.stderr.strip() == f"Error: object ais://{bucket.name}/none.tar does not exist", args
    missing = unique_name("missing")
    result = run("archive", "ls", f"{missing}/a.tar")
    assert result.exit_code == 1 and f"Error: bucket ais://{missing} does not exist" in result.stderr
