"""`pyaistore bucket create|ls|rm|props` against the shared cluster."""

import json
from collections.abc import Iterator

import pytest
from cli_it_support import CliRun, unique_name

from pyaistore.sdk import Bucket, Client
from pyaistore.sdk.errors import ErrBckNotFound


@pytest.fixture()
def new_name(client: Client) -> Iterator[str]:
    """A bucket name not yet in use; the bucket is destroyed after the test if it was made."""
    name = unique_name()
    yield name
    client.bucket(name).delete(missing_ok=True)


def _exists(client: Client, name: str) -> bool:
    try:
        client.bucket(name).head()
    except ErrBckNotFound:
        return False
    return True


def test_create_then_create_again(run: CliRun, client: Client, new_name: str) -> None:
    result = run("bucket", "create", new_name)
    assert result.exit_code == 0, result.output
    assert f"created bucket ais://{new_name}" in result.stdout
    assert _exists(client, new_name)

    again = run("bucket", "create", f"ais://{new_name}")
    assert again.exit_code == 1
    assert f"Error: bucket ais://{new_name} already exists" in again.stderr
    assert run("bucket", "create", new_name, "--exist-ok").exit_code == 0


def test_create_several(run: CliRun, client: Client, new_name: str) -> None:
    other = f"{new_name}-2"
    try:
        result = run("bucket", "create", new_name, f"ais://{other}/")
        assert result.exit_code == 0, result.output
        assert _exists(client, new_name) and _exists(client, other)
    finally:
        client.bucket(other).delete(missing_ok=True)


def test_create_with_an_invalid_name_shows_the_cluster_reason(run: CliRun) -> None:
    result = run("bucket", "create", "bad!name")
    assert result.exit_code == 1
    assert "invalid" in result.stderr and "(HTTP 400)" in result.stderr
    assert "Traceback" not in result.output


def test_ls_shows_the_bucket(run: CliRun, bucket: Bucket) -> None:
    result = run("bucket", "ls")
    assert result.exit_code == 0, result.output
    assert f"ais://{bucket.name}" in result.stdout and "bucket(s)" in result.stdout

    as_json = json.loads(run("--json", "bucket", "ls", "--provider", "ais").stdout)
    assert {"bucket": f"ais://{bucket.name}", "provider": "ais", "namespace": ""} in as_json


def test_props_prints_the_bucket_properties_as_json(run: CliRun, bucket: Bucket) -> None:
    result = run("bucket", "props", f"ais://{bucket.name}")
    assert result.exit_code == 0, result.output
    props = json.loads(result.stdout)
    assert props["provider"] == "ais"
    assert props["checksum"]["type"]


def test_rm_asks_first(run: CliRun, client: Client, bucket: Bucket) -> None:
    declined = run("bucket", "rm", bucket.name, stdin="n\n")
    assert declined.exit_code == 1
    assert "Destroy ais://" in declined.output
    assert _exists(client, bucket.name)

    accepted = run("bucket", "rm", bucket.name, stdin="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert f"destroyed bucket ais://{bucket.name}" in accepted.stdout
    assert not _exists(client, bucket.name)


def test_rm_yes_destroys_the_bucket_and_its_objects(run: CliRun, client: Client, bucket: Bucket) -> None:
    bucket.object("x").get_writer().put_content(b"x")
    result = run("bucket", "rm", "--yes", f"ais://{bucket.name}")
    assert result.exit_code == 0, result.output
    assert not _exists(client, bucket.name)


def test_missing_bucket_is_a_clear_error(run: CliRun) -> None:
    name = unique_name("missing")
    for args in (("bucket", "rm", "-y", name), ("bucket", "props", name)):
        result = run(*args)
        assert result.exit_code == 1, args
        assert f"Error: bucket ais://{name} does not exist" in result.stderr
        # Creating it would not help these commands: they say where to find the buckets.
        assert "pyaistore bucket ls" in result.stderr and "bucket create" not in result.stderr
