"""`pyaistore object ls`: tables, JSON, prefixes, properties and limits."""

import json

import pytest
from cli_it_support import CliRun

from pyaistore.sdk import Bucket

NAMES = ["a/1.txt", "a/2.txt", "b/3.txt", "top.bin"]


@pytest.fixture()
def filled(bucket: Bucket) -> Bucket:
    """The bucket with four objects; top.bin is 3 MiB."""
    for name in NAMES:
        content = b"\0" * (3 * 1024 * 1024) if name == "top.bin" else name.encode()
        bucket.object(name).get_writer().put_content(content)
    return bucket


def test_table_with_human_sizes(run: CliRun, filled: Bucket) -> None:
    result = run("object", "ls", filled.name)
    assert result.exit_code == 0, result.output
    for name in NAMES:
        assert name in result.stdout
    assert "3.0 MiB" in result.stdout and "7 B" in result.stdout
    assert "4 objects, 3.0 MiB" in result.stdout


def test_json(run: CliRun, filled: Bucket) -> None:
    entries = json.loads(run("--json", "object", "ls", f"ais://{filled.name}").stdout)
    assert [entry["name"] for entry in entries] == NAMES
    assert entries[-1] == {"name": "top.bin", "size": 3 * 1024 * 1024}


@pytest.mark.parametrize("args", [("{b}/a/",), ("ais://{b}", "--prefix", "a/")])
def test_prefix(run: CliRun, filled: Bucket, args: tuple[str, ...]) -> None:
    result = run("--json", "object", "ls", *(arg.format(b=filled.name) for arg in args))
    assert [entry["name"] for entry in json.loads(result.stdout)] == ["a/1.txt", "a/2.txt"]


def test_props(run: CliRun, filled: Bucket) -> None:
    result = run("--json", "object", "ls", filled.name, "--props", "checksum,version,atime")
    entry = json.loads(result.stdout)[0]
    assert set(entry) == {"name", "checksum", "version", "atime"}
    assert entry["checksum"] and entry["version"] == "1" and entry["atime"]

    table = run("object", "ls", filled.name, "--props", "all")
    for header in ("NAME", "SIZE", "ATIME", "CHECKSUM", "VERSION", "COPIES", "CUSTOM", "LOCATION"):
        assert header in table.stdout


def test_limit(run: CliRun, filled: Bucket) -> None:
    entries = json.loads(run("--json", "object", "ls", filled.name, "--limit", "2").stdout)
    assert [entry["name"] for entry in entries] == NAMES[:2]
    table = run("object", "ls", filled.name, "--limit", "2")
    assert "the first 2" in table.stdout


def test_empty_bucket(run: CliRun, bucket: Bucket) -> None:
    result = run("object", "ls", bucket.name)
    assert result.exit_code == 0 and "0 objects" in result.stdout
    assert json.loads(run("--json", "object", "ls", bucket.name).stdout) == []
