"""Handled errors: one line on stderr, exit code 1, never a traceback."""

import socket
import time
from pathlib import Path

import pytest
from cli_it_support import CliRun, unique_name

from pyaistore.sdk import Bucket


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.parametrize(
    "args",
    [
        ("cluster", "show"),
        ("bucket", "ls"),
        ("bucket", "create", "x"),
        ("object", "ls", "x"),
        ("object", "cat", "x/y"),
    ],
    ids=" ".join,
)
def test_unreachable_endpoint_says_how_to_start_one(args: tuple[str, ...]) -> None:
    endpoint = f"http://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    result = CliRun(endpoint)(*args)
    assert result.exit_code == 1
    assert f"Error: cannot reach pyaistore at {endpoint}: is it running?" in result.stderr
    assert "pyaistore serve" in result.stderr
    assert "Traceback" not in result.output
    assert time.monotonic() - started < 10, "a person should not wait long for this answer"


def test_missing_bucket(run: CliRun, tmp_path: Path) -> None:
    name = unique_name("missing")
    (tmp_path / "f").write_bytes(b"f")
    for args in (
        ("object", "ls", name),
        ("object", "put", str(tmp_path / "f"), f"ais://{name}/f"),
        ("object", "get", f"{name}/", str(tmp_path / "out")),
        ("object", "head", f"{name}/f"),
    ):
        result = run(*args)
        assert result.exit_code == 1, args
        assert f"Error: bucket ais://{name} does not exist" in result.stderr, args
        assert len(result.stderr.strip().splitlines()) == 1


def test_missing_object(run: CliRun, bucket: Bucket) -> None:
    for command in ("head", "cat", "get"):
        result = run("object", command, f"{bucket.name}/missing.txt", *(["-"] if command == "get" else []))
        assert result.exit_code == 1, command
        assert result.stderr.strip() == f"Error: object ais://{bucket.name}/missing.txt does not exist"
        assert result.stdout == ""


def test_unreadable_local_file(run: CliRun, bucket: Bucket, tmp_path: Path) -> None:
    source = tmp_path / "secret"
    source.write_bytes(b"s")
    source.chmod(0)
    try:
        source.open("rb").close()
    except PermissionError:
        pass
    else:
        pytest.skip("file permissions are not enforced for this user (root)")
    result = run("object", "put", str(source), bucket.name)
    assert result.exit_code == 1
    assert f"Error: {source}: Permission denied" in result.stderr


def test_local_path_blocked_by_a_file(run: CliRun, bucket: Bucket, tmp_path: Path) -> None:
    bucket.object("o").get_writer().put_content(b"o")
    (tmp_path / "plain").write_bytes(b"")
    result = run("object", "get", f"{bucket.name}/o", str(tmp_path / "plain" / "o"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'plain'}")
    assert len(result.stderr.strip().splitlines()) == 1
