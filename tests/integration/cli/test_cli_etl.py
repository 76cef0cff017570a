"""`pyaistore etl init|ls|show|logs|stop|start|rm`, `object get --etl` and `bucket transform`."""

import json
import textwrap
from pathlib import Path

import pytest
from cli_it_support import CliRun, contents_of, etl_name, fill, unique_name

from pyaistore.sdk import Bucket

UPPER = textwrap.dedent(
    """
    import sys

    MARK = b">"


    def shout(data: bytes) -> bytes:
        return data.upper()


    def transform(data: bytes) -> bytes:
        print("transforming", len(data), "bytes", file=sys.stderr)
        return MARK + shout(data)
    """
)


def _init(run: CliRun, etls: list[str], tmp_path: Path, source: str, *args: str, tag: str = "up") -> str:
    """Write `source` to a file and `etl init` it; return the ETL's name."""
    path = tmp_path / f"{tag}.py"
    path.write_text(source)
    name: str = etl_name(tag)
    etls.append(name)
    result = run("etl", "init", "--from-file", str(path), "--name", name, *args)
    assert result.exit_code == 0, result.output
    assert f"ETL {name} is running" in result.stdout
    return name


@pytest.mark.parametrize("comm", ["hpush", "hpull", "io"])
def test_init_from_file_and_get_through_it(
    run: CliRun, bucket: Bucket, etls: list[str], tmp_path: Path, comm: str
) -> None:
    name = _init(run, etls, tmp_path, UPPER, "--comm", comm)
    contents = fill(bucket, ["a.txt", "b/c.txt"])
    source = f"ais://{bucket.name}/b/c.txt"
    streamed = run("object", "get", source, "-", "--etl", name)
    assert streamed.exit_code == 0, streamed.output
    assert streamed.stdout_bytes == b">" + contents["b/c.txt"].upper()
    assert run("object", "get", f"{bucket.name}/a.txt", str(tmp_path / "a"), "--etl", name).exit_code == 0
    assert (tmp_path / "a").read_bytes() == b">" + contents["a.txt"].upper()
    assert run("object", "cat", source, "--etl", name).stdout_bytes == b">" + contents["b/c.txt"].upper()

    listed = {record["name"]: record for record in json.loads(run("--json", "etl", "ls").stdout)}
    assert listed[name]["stage"] == "Running"
    shown = json.loads(run("--json", "etl", "show", name).stdout)
    assert (shown["stage"], shown["communication"]) == ("Running", f"{comm}://")
    assert comm in run("etl", "show", name).stdout


def test_prefix_download_through_an_etl(run: CliRun, bucket: Bucket, etls: list[str], tmp_path: Path) -> None:
    name = _init(run, etls, tmp_path, UPPER)
    contents = fill(bucket, ["d/1", "d/2", "e/3"])
    result = run("object", "get", f"{bucket.name}/d/", str(tmp_path / "out"), "--etl", name)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "1").read_bytes() == b">" + contents["d/1"].upper()
    assert (tmp_path / "out" / "2").read_bytes() == b">" + contents["d/2"].upper()


def test_chunk_size_streams_pieces(run: CliRun, bucket: Bucket, etls: list[str], tmp_path: Path) -> None:
    source = "def transform(data: bytes) -> bytes:\n    return b'[%d]' % len(data)\n"
    name = _init(run, etls, tmp_path, source, "--chunk-size", "4", tag="chunks")
    bucket.object("ten").get_writer().put_content(b"0123456789")
    assert run("object", "cat", f"{bucket.name}/ten", "--etl", name).stdout_bytes == b"[4][4][2]"


def test_deps_are_installed_for_the_transform(
    run: CliRun, bucket: Bucket, etls: list[str], tmp_path: Path
) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# numerals\nroman>=4  # pure Python\n\n")
    source = "import roman\n\n\ndef transform(data: bytes) -> bytes:\n"
    source += "    return roman.toRoman(len(data)).encode()\n"
    name = _init(run, etls, tmp_path, source, "--deps", str(requirements), "--timeout", "3m", tag="roman")
    bucket.object("twelve").get_writer().put_content(b"x" * 12)
    assert run("object", "cat", f"{bucket.name}/twelve", "--etl", name).stdout_bytes == b"XII"
    assert "roman>=4" in run("etl", "show", name).stdout


def test_bucket_transform_every_object(
    run: CliRun, bucket: Bucket, other_bucket: Bucket, etls: list[str], tmp_path: Path
) -> None:
    name = _init(run, etls, tmp_path, UPPER)
    contents = fill(bucket, [f"in/{index}.txt" for index in range(50)] + ["skip/x.txt"])
    result = run(
        "bucket", "transform", bucket.name, other_bucket.name, "--etl", name,
        "--prefix", "in/", "--ext", "txt:TXT", "--prepend", "up/",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"with {name}: 50 objects" in result.stdout
    expected = {
        f"up/{key[:-3]}TXT": b">" + data.upper() for key, data in contents.items() if key.startswith("in/")
    }
    assert contents_of(other_bucket) == expected


def test_logs_show_what_the_transform_printed(
    run: CliRun, bucket: Bucket, etls: list[str], tmp_path: Path
) -> None:
    name = _init(run, etls, tmp_path, UPPER)
    bucket.object("x").get_writer().put_content(b"12345")
    assert run("object", "cat", f"{bucket.name}/x", "--etl", name).exit_code == 0
    result = run("etl", "logs", name)
    assert result.exit_code == 0, result.output
    assert "=== target " in result.stdout and "transforming 5 bytes" in result.stdout
    entries = json.loads(run("--json", "etl", "logs", name).stdout)
    assert len(entries) == 2 and any("transforming 5 bytes" in entry["logs"] for entry in entries)


def test_stop_start_and_rm(run: CliRun, bucket: Bucket, etls: list[str], tmp_path: Path) -> None:
    name = _init(run, etls, tmp_path, UPPER)
    bucket.object("x").get_writer().put_content(b"abc")
    running_rm = run("etl", "rm", name)
    assert running_rm.exit_code == 1 and "(HTTP 400)" in running_rm.stderr

    assert run("etl", "stop", name).stdout.strip() == f"stopped ETL {name}"
    assert json.loads(run("--json", "etl", "show", name).stdout)["stage"] == "Aborted"
    stopped_get = run("object", "cat", f"{bucket.name}/x", "--etl", name)
    assert stopped_get.exit_code == 1
    assert (
        f"ETL {name} is not running" in stopped_get.stderr
        and f"pyaistore etl start {name}" in stopped_get.stderr
    )

    assert run("etl", "start", name).exit_code == 0
    assert run("object", "cat", f"{bucket.name}/x", "--etl", name).stdout_bytes == b">ABC"
    removed = run("etl", "rm", name, "--force")
    assert removed.exit_code == 0 and f"removed ETL {name}" in removed.stdout
    assert name not in run("etl", "ls").stdout


@pytest.mark.parametrize(
    "args",
    [
        ("etl", "show", "{etl}"),
        ("etl", "logs", "{etl}"),
        ("etl", "stop", "{etl}"),
        ("etl", "start", "{etl}"),
        ("etl", "rm", "{etl}"),
        ("etl", "rm", "{etl}", "--force"),
        ("object", "get", "{bucket}/x", "-", "--etl", "{etl}"),
        ("bucket", "transform", "{bucket}", "{bucket}-2", "--etl", "{etl}"),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_unknown_etl(run: CliRun, bucket: Bucket, args: tuple[str, ...]) -> None:
    missing = etl_name("missing")
    result = run(*(arg.format(etl=missing, bucket=bucket.name) for arg in args))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: ETL {missing} does not exist")


def test_init_errors(run: CliRun, etls: list[str], tmp_path: Path) -> None:
    name = _init(run, etls, tmp_path, UPPER)
    again = run("etl", "init", "--from-file", str(tmp_path / "up.py"), "--name", name)
    assert again.exit_code == 1 and f"Error: ETL {name} already exists" in again.stderr

    no_function = tmp_path / "nothing.py"
    no_function.write_text("def transfrom(data):\n    return data\n")
    broken = tmp_path / "broken.py"
    broken.write_text("def transform(data:\n")
    for path, words in ((no_function, "defines no top-level function"), (broken, "broken.py:1")):
        result = run("etl", "init", "--from-file", str(path), "--name", etl_name("bad"))
        assert result.exit_code == 2 and words in result.output
    bad_name = run("etl", "init", "--from-file", str(tmp_path / "up.py"), "--name", "Bad_Name")
    assert bad_name.exit_code == 2 and "invalid ETL name" in bad_name.output


def test_transform_errors_name_the_bucket(run: CliRun, etls: list[str], tmp_path: Path) -> None:
    name = _init(run, etls, tmp_path, UPPER)
    missing = unique_name("missing")
    result = run("bucket", "transform", missing, f"{missing}-2", "--etl", name)
    assert result.exit_code == 1 and f"Error: bucket ais://{missing} does not exist" in result.stderr
